import fc from 'fast-check';
import { InvalidMacAddressError, normalizeMac, normalizeMacAddress } from './mac-address';

const octets = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 6, maxLength: 6 });
const hex = (bytes: number[]) => bytes.map((byte) => byte.toString(16).padStart(2, '0'));
const canonical = (bytes: number[]) => hex(bytes).join(':');
/** Every spelling Ironic accepts, in random case. */
const spellings = (bytes: number[]): string[] => {
  const pairs = hex(bytes);
  const joined = pairs.join('');
  return [pairs.join(':'), pairs.join('-'), joined, `${joined.slice(0, 4)}.${joined.slice(4, 8)}.${joined.slice(8)}`];
};

describe('normalizeMac and normalizeMacAddress', () => {
  it.each([
    ['52:54:00:AB:cd:EF', '52:54:00:ab:cd:ef'],
    ['52-54-00-AB-CD-EF', '52:54:00:ab:cd:ef'],
    [' 525400abcdef ', '52:54:00:ab:cd:ef'],
    ['5254.00AB.cdef', '52:54:00:ab:cd:ef'],
  ])('normalise %s', (mac, expected) => {
    expect(normalizeMac(mac)).toBe(expected);
    expect(normalizeMacAddress(mac)).toBe(expected);
  });

  it.each(['52:54:00:ab:cd', '52:54-00:ab:cd:ef', 'zz:54:00:ab:cd:ef', '525400abcdef0', '5254:00ab:cdef', ''])('refuse "%s"', (mac) => {
    expect(normalizeMac(mac)).toBeUndefined();
    expect(() => normalizeMacAddress(mac)).toThrow(InvalidMacAddressError);
    expect(() => normalizeMacAddress(mac)).toThrow(`"${mac}" is not a MAC address (expected six hex pairs such as 52:54:00:12:34:56`);
  });

  it('carry a stable code and name, and stay a RangeError', () => {
    expect(() => normalizeMacAddress('nope')).toThrow(RangeError);
    expect(() => normalizeMacAddress('nope')).toThrow(
      expect.objectContaining({ code: 'INVALID_MAC_ADDRESS', name: 'InvalidMacAddressError', value: 'nope' }),
    );
  });

  it('give every accepted spelling, in any case, the one form Ironic stores', () => {
    fc.assert(
      fc.property(octets, fc.boolean(), (bytes, upper) => {
        for (const spelling of spellings(bytes)) {
          const text = upper ? spelling.toUpperCase() : spelling;
          expect(normalizeMac(text)).toBe(canonical(bytes));
          expect(normalizeMacAddress(text)).toBe(canonical(bytes));
        }
      }),
    );
  });

  it('agree with each other on any text: the strict one throws exactly where the lenient one gives up', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[-0-9a-fA-F:.]{10,20}$/)), (text) => {
        const lenient = normalizeMac(text);
        if (lenient === undefined) expect(() => normalizeMacAddress(text)).toThrow(InvalidMacAddressError);
        else expect(normalizeMacAddress(text)).toBe(lenient);
      }),
    );
  });

  it('are idempotent', () => {
    fc.assert(fc.property(octets, (bytes) => expect(normalizeMac(canonical(bytes))).toBe(canonical(bytes))));
  });
});
