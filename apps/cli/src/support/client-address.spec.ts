import fc from 'fast-check';
import { clientAddressArgument } from './client-address';
import { UsageError } from './context';

describe('the <ip> argument', () => {
  it('takes IPv4 and IPv6 addresses as the service sees them', () => {
    expect(clientAddressArgument('127.0.0.11')).toBe('127.0.0.11');
    expect(clientAddressArgument('::ffff:10.0.0.5')).toBe('10.0.0.5');
    expect(clientAddressArgument('FE80::1%eth0')).toBe('fe80::1');
  });

  it('refuses anything else as a usage error naming the argument', () => {
    for (const bad of ['not-an-ip', '999.1.1.1', '10.0.0', '10.0.0.5%eth0', ''])
      expect(() => clientAddressArgument(bad)).toThrow(
        new UsageError(
          `<ip> "${bad}" is not an IPv4 or IPv6 address; give the address a node asks from, e.g. 10.1.105.195 or fe80::5054:ff:fe12:3456%eth0`,
        ),
      );
  });

  it('accepts every IPv4 and IPv6 address, and no string with a letter beyond f outside a zone', () => {
    fc.assert(fc.property(fc.oneof(fc.ipV4(), fc.ipV6()), (ip) => expect(clientAddressArgument(ip)).toBeTruthy()));
    fc.assert(
      fc.property(
        fc
          .string()
          .filter((text) => !text.includes('%'))
          .map((text) => `${text}g`),
        (text) => {
          expect(() => clientAddressArgument(text)).toThrow(UsageError);
        },
      ),
    );
  });
});
