import fc from 'fast-check';
import { addAddressCommand } from './bind-address';

describe('addAddressCommand', () => {
  it.each([
    ['169.254.169.254', undefined, 'ip addr add 169.254.169.254/32 dev <iface>'],
    ['169.254.169.254', 'lo', 'ip addr add 169.254.169.254/32 dev lo'],
    ['fe80::a9fe:a9fe%eth0', undefined, 'ip -6 addr add fe80::a9fe:a9fe/64 dev eth0'],
    ['fe80::a9fe:a9fe', 'br0', 'ip -6 addr add fe80::a9fe:a9fe/64 dev br0'],
    ['fd00::254', 'lo', 'ip -6 addr add fd00::254/128 dev lo'],
  ])('%s (device %s): %s', (address, device, command) => {
    expect(addAddressCommand(address, device)).toBe(command);
  });

  it('never puts the zone into the address and always names a device', () => {
    fc.assert(
      fc.property(fc.ipV6(), fc.stringMatching(/^[a-z][a-z0-9]{0,14}$/), (address, zone) => {
        const command = addAddressCommand(`${address}%${zone}`);
        expect(command).toMatch(new RegExp(`^ip -6 addr add [0-9a-f:.]+/(64|128) dev ${zone}$`, 'i'));
      }),
    );
  });
});
