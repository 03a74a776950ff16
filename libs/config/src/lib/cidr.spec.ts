import fc from 'fast-check';
import { CidrList, parseCidr } from './cidr';

describe('parseCidr', () => {
  it.each([
    ['10.0.0.0/24', { address: '10.0.0.0', prefix: 24, family: 'ipv4' }],
    ['192.0.2.7', { address: '192.0.2.7', prefix: 32, family: 'ipv4' }],
    ['fd00::/8', { address: 'fd00::', prefix: 8, family: 'ipv6' }],
    ['::1', { address: '::1', prefix: 128, family: 'ipv6' }],
  ])('reads %s', (text, cidr) => {
    expect(parseCidr(text)).toEqual(cidr);
  });

  it.each(['10.0.0.0/33', 'fd00::/129', '10.0.0.0/', '10.0.0.0/x', '10.0.0.0/24/1', 'host/24', '', '10.0.0/8'])('refuses %p', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('reads any address with any prefix in range, and no prefix out of it', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.ipV4().map((ip) => [ip, 32] as const),
          fc.ipV6().map((ip) => [ip, 128] as const),
        ),
        fc.integer({ min: 0, max: 200 }),
        ([ip, bits], prefix) => {
          const cidr = parseCidr(`${ip}/${prefix}`);
          return prefix <= bits ? cidr?.prefix === prefix && cidr.address === ip : cidr === undefined;
        },
      ),
    );
  });
});

describe('CidrList', () => {
  it('holds the addresses of its networks and nothing else', () => {
    const list = new CidrList(['10.0.0.0/24', 'fd00::/64', '192.0.2.7']);
    expect(['10.0.0.0', '10.0.0.255', 'fd00::1', '192.0.2.7'].map((ip) => list.has(ip))).toEqual([true, true, true, true]);
    expect(['10.0.1.0', 'fd01::1', '192.0.2.8', 'unknown', ''].map((ip) => list.has(ip))).toEqual([false, false, false, false, false]);
    expect(list.empty).toBe(false);
    expect(new CidrList([]).empty).toBe(true);
  });

  it('answers an address asked again as it did the first time, also once more addresses were asked than it remembers', () => {
    fc.assert(
      fc.property(fc.array(fc.ipV4(), { minLength: 4200, maxLength: 4300 }), fc.integer({ min: 1, max: 16 }), (addresses, prefix) => {
        const networks = [`${addresses[0]}/${prefix}`, `${addresses[1]}/${prefix + 8}`];
        const list = new CidrList(networks);
        const first = addresses.map((ip) => list.has(ip));
        const fresh = new CidrList(networks);
        return addresses.every((ip, i) => list.has(ip) === first[i] && fresh.has(ip) === first[i]) && first[0] && first[1];
      }),
      { numRuns: 5 },
    );
  });

  it('refuses an item that is not a CIDR', () => {
    expect(() => new CidrList(['10.0.0.0/33'])).toThrow('"10.0.0.0/33" is not a CIDR such as 10.0.0.0/24 or fd00::/8');
  });
});
