import fc from 'fast-check';
import { ethernetMac, hexBytes, parseDuid, parseHardwareAddress, parseHexBytes } from './duid';

const bytes = (hex: string) => parseHexBytes(hex) as number[];

describe('parseDuid', () => {
  it('finds the MAC in a DUID-LL and a DUID-LLT of Ethernet (RFC 8415 11.2, 11.4)', () => {
    expect(parseDuid(bytes('00:03:00:01:52:54:00:00:10:01'))).toEqual({
      type: 3,
      typeName: 'DUID-LL',
      hardwareType: 1,
      linkLayerAddress: '52:54:00:00:10:01',
      mac: '52:54:00:00:10:01',
    });
    expect(parseDuid(bytes('00:01:00:01:2c:5f:1a:11:52:54:00:00:10:01'))).toMatchObject({ typeName: 'DUID-LLT', mac: '52:54:00:00:10:01' });
  });

  it('says why a DUID carries no MAC', () => {
    expect(parseDuid(bytes('00:02:00:00:00:09:0c:c0:84:d3:03:00:09:12'))).toMatchObject({
      typeName: 'DUID-EN',
      noMac: 'is a DUID-EN, which carries no link-layer address',
    });
    expect(parseDuid(bytes('00:04:7e:4d:a1:5c:7a:60:4e:6b:a8:ad:00:25:90:77:f3:e1'))).toMatchObject({
      typeName: 'DUID-UUID',
      noMac: 'is a DUID-UUID, which carries no link-layer address',
    });
    expect(parseDuid(bytes('00:03:00:20:80:00:02:08:fe:80:00:00:00:00:00:00:00:02:c9:03:00:1f:9e:71'))).toMatchObject({
      hardwareType: 32,
      noMac: 'is a DUID-LL, and hardware type 32 is not Ethernet (1)',
    });
    expect(parseDuid(bytes('00:03:00:01:52:54:00:00:10'))).toMatchObject({
      noMac: 'is a DUID-LL, and an Ethernet address of 5 bytes is no MAC',
    });
    expect(parseDuid(bytes('00:01:00:01:2c:5f:1a:11'))).toMatchObject({
      noMac: 'is a DUID-LLT of 8 bytes, too short to hold a link-layer address',
    });
    expect(parseDuid(bytes('00:09:01:02'))).toMatchObject({
      type: 9,
      noMac: 'is a DUID of unknown type 9, which carries no link-layer address',
    });
    expect(parseDuid(bytes('07'))).toMatchObject({ noMac: 'has 1 byte, too short for a DUID type' });
  });

  it('extracts a MAC exactly from a DUID-LL or DUID-LLT of hardware type 1 with a 6-byte address (property)', () => {
    const byte = fc.integer({ min: 0, max: 255 });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 0xffff }),
        fc.integer({ min: 0, max: 0xffff }),
        fc.array(byte, { maxLength: 4 }),
        fc.array(byte, { maxLength: 24 }),
        (type, hardwareType, time, address) => {
          const prefix = type === 1 ? [...time, 0, 0, 0, 0].slice(0, 4) : [];
          const duid = [type >> 8, type & 0xff, hardwareType >> 8, hardwareType & 0xff, ...prefix, ...address];
          const parsed = parseDuid(duid);
          const expected = (type === 1 || type === 3) && hardwareType === 1 && address.length === 6 ? hexBytes(address) : undefined;
          expect(parsed.mac).toBe(expected);
          expect(parsed.mac === undefined).toBe(parsed.noMac !== undefined);
        },
      ),
    );
  });
});

describe('parseHardwareAddress and ethernetMac', () => {
  it('reads a MAC, a typed address and an empty one as dnsmasq writes them', () => {
    expect(parseHardwareAddress('52:54:00:AA:bb:cc')).toEqual({ hardwareType: 1, address: bytes('52:54:00:aa:bb:cc') });
    expect(parseHardwareAddress('52-54-00-aa-bb-cc')).toEqual({ hardwareType: 1, address: bytes('52:54:00:aa:bb:cc') });
    expect(parseHardwareAddress('20-80:00:02:08:fe:80')).toEqual({ hardwareType: 32, address: bytes('80:00:02:08:fe:80') });
    expect(parseHardwareAddress('00-')).toEqual({ hardwareType: 0, address: [] });
    expect(parseHardwareAddress('not-a-mac')).toBeUndefined();
    expect(ethernetMac(6, bytes('52:54:00:aa:bb:cc'))).toEqual({ noMac: 'hardware type 6 is not Ethernet (1)' });
  });

  it('round-trips any hex bytes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 130 }), (data) =>
        expect(parseHexBytes(hexBytes(data).toUpperCase())).toEqual(data),
      ),
    );
  });
});
