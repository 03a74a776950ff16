import { CidrList } from '@ironic-metadata/config';
import fc from 'fast-check';
import { clientIdentity } from './identity/client-address';
import { instanceIdSignature, validInstanceIdSignature } from './identity/proxy-signature';
import { ClientRateLimiter } from './guards/rate-limiter';
import { refusePath } from './guards/request-guard';

describe('clientIdentity', () => {
  const trusted = new CidrList(['10.0.0.0/24', 'fd00::/64']);
  const headers = (values: Record<string, string>) => (name: string) => values[name];
  const clientAddress = (peer: string, header: (name: string) => string | undefined, proxies: CidrList) =>
    clientIdentity(peer, header, proxies).address;

  it('ignores forwarding headers from an untrusted peer', () => {
    expect(clientAddress('192.0.2.10', headers({ 'x-forwarded-for': '192.0.2.99', 'x-real-ip': '192.0.2.98' }), trusted)).toBe(
      '192.0.2.10',
    );
    expect(clientAddress('::ffff:192.0.2.10', headers({}), new CidrList([]))).toBe('192.0.2.10');
  });

  it("takes the address left of the trusted proxies' hops", () => {
    expect(clientAddress('10.0.0.5', headers({ 'x-forwarded-for': '192.0.2.66, 192.0.2.20, 10.0.0.7' }), trusted)).toBe('192.0.2.20');
    expect(clientAddress('fd00::1', headers({ 'x-forwarded-for': '2001:DB8::20' }), trusted)).toBe('2001:db8::20');
    expect(clientAddress('10.0.0.5', headers({ 'x-real-ip': '192.0.2.30' }), trusted)).toBe('192.0.2.30');
  });

  it('falls back to the proxy itself when the headers name no usable address', () => {
    expect(clientAddress('10.0.0.5', headers({ 'x-forwarded-for': ',' }), trusted)).toBe('10.0.0.5');
    expect(clientAddress('10.0.0.5', headers({ 'x-forwarded-for': 'unknown, 10.0.0.9' }), trusted)).toBe('10.0.0.5');
    // An address the client wrote further left is never taken for it.
    expect(clientAddress('10.0.0.5', headers({ 'x-forwarded-for': '192.0.2.66, unknown, 10.0.0.9' }), trusted)).toBe('10.0.0.5');
  });

  describe("AWS's token rule, applied to what the client sent", () => {
    it("finds no relay when the trusted proxy's entry is the only one", () => {
      expect(clientIdentity('10.0.0.5', headers({ 'x-forwarded-for': '192.0.2.20' }), trusted)).toEqual({
        address: '192.0.2.20',
        clientForwardedFor: [],
        forgedForwarding: false,
      });
      expect(clientIdentity('10.0.0.5', headers({ 'x-forwarded-for': '192.0.2.20, 10.0.0.7' }), trusted)).toMatchObject({
        clientForwardedFor: [],
      });
    });

    it("keeps what the client sent ahead of the trusted proxy's entry", () => {
      expect(clientIdentity('10.0.0.5', headers({ 'x-forwarded-for': '172.16.0.9, 192.0.2.20' }), trusted)).toEqual({
        address: '192.0.2.20',
        clientForwardedFor: ['172.16.0.9'],
        forgedForwarding: true,
      });
      // Naming one of our proxies does not make an entry ours: only the right-hand hops are.
      expect(clientIdentity('10.0.0.5', headers({ 'x-forwarded-for': '10.0.0.7, 192.0.2.20' }), trusted)).toMatchObject({
        address: '192.0.2.20',
        clientForwardedFor: ['10.0.0.7'],
      });
    });

    it('takes the whole header from a peer that is not a trusted proxy', () => {
      expect(clientIdentity('192.0.2.20', headers({ 'x-forwarded-for': '172.16.0.9' }), trusted)).toEqual({
        address: '192.0.2.20',
        clientForwardedFor: ['172.16.0.9'],
        forgedForwarding: true,
      });
      expect(clientIdentity('192.0.2.20', headers({ 'x-real-ip': '172.16.0.9' }), trusted)).toEqual({
        address: '192.0.2.20',
        clientForwardedFor: [],
        forgedForwarding: true,
      });
      expect(clientIdentity('192.0.2.20', headers({}), new CidrList([]))).toEqual({
        address: '192.0.2.20',
        clientForwardedFor: [],
        forgedForwarding: false,
      });
    });

    const outside = fc.ipV4().filter((ip) => !ip.startsWith('10.0.0.'));
    const proxy = fc.integer({ min: 0, max: 255 }).map((n) => `10.0.0.${n}`);

    it('finds the client and no relay behind any chain of trusted proxies', () => {
      fc.assert(
        fc.property(outside, fc.array(proxy, { maxLength: 4 }), proxy, (client, hops, peer) => {
          const identity = clientIdentity(peer, headers({ 'x-forwarded-for': [client, ...hops].join(', ') }), trusted);
          return identity.address === client && identity.clientForwardedFor.length === 0;
        }),
      );
    });

    it('finds every entry the client sent, whatever it put there, and never takes one for the client', () => {
      const entry = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('unknown', '_hidden', '10.0.0.1'));
      fc.assert(
        fc.property(
          fc.array(entry, { minLength: 1, maxLength: 4 }),
          outside,
          fc.array(proxy, { maxLength: 3 }),
          proxy,
          (sent, client, hops, peer) => {
            const identity = clientIdentity(peer, headers({ 'x-forwarded-for': [...sent, client, ...hops].join(', ') }), trusted);
            return identity.address === client && identity.clientForwardedFor.join(',') === sent.join(',') && identity.forgedForwarding;
          },
        ),
      );
    });
  });
});

describe('refusePath', () => {
  it.each([
    ['/latest/meta-data/%00', 400],
    ['/latest/meta-data/%252e%252e/', 400],
    ['/latest/meta-data/%E0%A4%A', 400],
    [`/latest/${'a'.repeat(300)}`, 400],
    [`/${'a/'.repeat(600)}`, 414],
  ])('refuses %s with %i', (path, status) => {
    expect(refusePath(path)).toMatchObject({ status });
  });

  it.each([
    '/',
    '/openstack',
    '/openstack/latest/meta_data.json',
    '/latest/meta-data/network/interfaces/macs/52:54:00:aa:bb:cc/',
    // Dot segments are resolved as Nova resolves them, by the path parser, not refused here.
    '/openstack/latest/../latest/meta_data.json',
    '/openstack/latest/%2e%2e/meta_data.json',
    '/openstack/./latest',
  ])('accepts %s', (path) => {
    expect(refusePath(path)).toBeUndefined();
  });
});

describe('ClientRateLimiter', () => {
  it('lets a client burst to twice its rate, then refills over time, each client on its own', () => {
    let now = 0;
    const limiter = new ClientRateLimiter(5, () => now);
    const burst = Array.from({ length: 12 }, () => limiter.allow('10.0.0.5'));
    expect(burst.filter(Boolean)).toHaveLength(10);
    expect(limiter.allow('10.0.0.6')).toBe(true);
    now += 1000;
    expect(Array.from({ length: 6 }, () => limiter.allow('10.0.0.5')).filter(Boolean)).toHaveLength(5);
  });

  it('forgets the longest-known client when full', () => {
    const limiter = new ClientRateLimiter(1, () => 0, 2);
    limiter.allow('a');
    limiter.allow('a');
    expect(limiter.allow('a')).toBe(false);
    limiter.allow('b');
    limiter.allow('c');
    expect(limiter.allow('a')).toBe(true);
  });
});

describe('X-Instance-ID-Signature', () => {
  it("is Nova's hex HMAC-SHA256 of the instance id", () => {
    // hmac.new(b'secret-shared-with-the-proxy', b'instance-1', hashlib.sha256).hexdigest()
    expect(instanceIdSignature('instance-1', 'secret-shared-with-the-proxy')).toBe(
      '1d94064ca9b451c875f323c9abdc6ed2232f4f4afe10ae133af3aa8edfa5ccb4',
    );
    expect(validInstanceIdSignature('instance-1', instanceIdSignature('instance-1', 's'.repeat(16)), 's'.repeat(16))).toBe(true);
    expect(validInstanceIdSignature('instance-2', instanceIdSignature('instance-1', 's'.repeat(16)), 's'.repeat(16))).toBe(false);
    expect(validInstanceIdSignature('instance-1', 'short', 's'.repeat(16))).toBe(false);
  });
});
