import fc from 'fast-check';
import { listenerConflict, type Listener } from './listeners';

const bind = (address: string, port = 80): Listener => ({ setting: 'BIND_ADDR', address, port });
const admin = (address: string, port = 80): Listener => ({ setting: 'ADMIN_BIND_ADDR', address, port });

describe('listenerConflict', () => {
  it.each([
    [[bind('127.0.0.1'), bind('127.0.0.1')], 'BIND_ADDR: 127.0.0.1 is listed twice; list each address once'],
    [[bind('::1'), bind('0:0:0:0:0:0:0:1')], 'BIND_ADDR: ::1 is listed twice; list each address once'],
    [
      [bind('0.0.0.0'), bind('169.254.169.254')],
      'BIND_ADDR: 0.0.0.0 and 169.254.169.254 overlap on port 80 (a wildcard covers the other); list only one of them',
    ],
    [
      [bind('0.0.0.0', 18600), admin('0.0.0.0', 18600)],
      'ADMIN_BIND_PORT: 18600 is BIND_PORT too, on overlapping addresses (BIND_ADDR 0.0.0.0, ADMIN_BIND_ADDR 0.0.0.0); give the admin listener another port or address',
    ],
    [
      [bind('169.254.169.254', 9100), admin('::', 9100)],
      'ADMIN_BIND_PORT: 9100 is BIND_PORT too, on overlapping addresses (BIND_ADDR 169.254.169.254, ADMIN_BIND_ADDR ::); give the admin listener another port or address',
    ],
  ])('names the settings of listeners that would take one socket: %j', (listeners, problem) => {
    expect(listenerConflict(listeners)).toBe(problem);
  });

  it.each([
    [[bind('169.254.169.254'), bind('fe80::a9fe:a9fe%eth0'), admin('127.0.0.1')]],
    // The same link-local address on two links is two sockets.
    [[bind('fe80::a9fe:a9fe%eth0'), bind('fe80::a9fe:a9fe%eth1')]],
    [[bind('0.0.0.0'), bind('::1')]],
    [[bind('127.0.0.1', 9100), admin('127.0.0.2', 9100)]],
  ])('lets apart listeners be: %j', (listeners) => {
    expect(listenerConflict(listeners)).toBeUndefined();
  });

  it('finds one address twice on one port, whatever the address, and never on different ports or port 0', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6());
    fc.assert(
      fc.property(address, fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 }), (ip, port, other) => {
        expect(listenerConflict([bind(ip, port), admin(ip, port)])).toMatch(/^ADMIN_BIND_PORT: /);
        expect(listenerConflict([bind(ip, port), bind(ip, port)])).toMatch(/^BIND_ADDR: .* is listed twice/);
        expect(listenerConflict([bind(ip, 0), admin(ip, 0)])).toBeUndefined();
        if (other !== port) expect(listenerConflict([bind(ip, port), admin(ip, other)])).toBeUndefined();
      }),
    );
  });
});
