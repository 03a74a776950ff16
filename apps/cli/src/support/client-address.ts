import { isIP } from 'node:net';
import { normalizeIp } from '@ironic-metadata/node-discovery';
import { UsageError } from './context';

/**
 * The `<ip>` argument of `lookup` and `render`, as the service would see it (IPv4-mapped IPv6 as IPv4,
 * a link-local zone dropped). UsageError naming the argument when it is no IPv4 or IPv6 address: it
 * cannot be a client, so "not found" would mislead.
 */
export function clientAddressArgument(ip: string): string {
  const normalized = normalizeIp(ip);
  if (isIP(normalized) === 0)
    throw new UsageError(
      `<ip> "${ip}" is not an IPv4 or IPv6 address; give the address a node asks from, e.g. 10.1.105.195 or fe80::5054:ff:fe12:3456%eth0`,
    );
  return normalized;
}
