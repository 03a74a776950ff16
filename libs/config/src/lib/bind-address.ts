import { isIPv6 } from 'node:net';

/**
 * The iproute2 command that puts a `BIND_ADDR` value on an interface: `169.254.169.254` ->
 * `ip addr add 169.254.169.254/32 dev IFACE`; `fe80::a9fe:a9fe%eth0` -> `ip -6 addr add
 * fe80::a9fe:a9fe/64 dev eth0`. The zone (`%eth0`) names the interface and is no part of the address
 * `ip` takes; a link-local address gets the link's /64 (RFC 4291 2.5.6), any other IPv6 address a /128.
 * `device` fills in when the address names no interface.
 */
export function addAddressCommand(address: string, device = '<iface>'): string {
  const [bare, zone] = address.split('%');
  if (!isIPv6(bare)) return `ip addr add ${bare}/32 dev ${device}`;
  const prefix = /^fe[89ab]/i.test(bare) ? 64 : 128;
  return `ip -6 addr add ${bare}/${prefix} dev ${zone ?? device}`;
}
