import { isIPv4, SocketAddress } from 'node:net';

/** One listener of the service: the setting that names its address, the address, and its port. */
export interface Listener {
  setting: 'BIND_ADDR' | 'ADMIN_BIND_ADDR';
  address: string;
  port: number;
}

/**
 * What is wrong when two listeners would take the same socket, which the kernel refuses at start
 * with EADDRINUSE (read as "another instance is running"): one address twice, or a wildcard and an
 * address it covers, on one port. `0.0.0.0` covers every IPv4 address; `::` every address (Node binds
 * it dual-stack, Linux's default). Port 0 takes a free port each time, so it never conflicts.
 * @returns the problem, naming the settings, addresses and port; undefined when they are apart.
 */
export function listenerConflict(listeners: readonly Listener[]): string | undefined {
  for (const [i, first] of listeners.entries()) {
    for (const second of listeners.slice(i + 1)) {
      if (first.port === 0 || first.port !== second.port || !overlapping(first.address, second.address)) continue;
      if (first.setting !== second.setting) {
        return `ADMIN_BIND_PORT: ${second.port} is BIND_PORT too, on overlapping addresses (BIND_ADDR ${first.address}, ADMIN_BIND_ADDR ${second.address}); give the admin listener another port or address`;
      }
      return normalized(first.address) === normalized(second.address)
        ? `${first.setting}: ${first.address} is listed twice; list each address once`
        : `${first.setting}: ${first.address} and ${second.address} overlap on port ${first.port} (a wildcard covers the other); list only one of them`;
    }
  }
  return undefined;
}

function overlapping(a: string, b: string): boolean {
  const [x, y] = [normalized(a), normalized(b)];
  if (x === y || x === '::' || y === '::') return true;
  return (x === '0.0.0.0' && isIPv4(y)) || (y === '0.0.0.0' && isIPv4(x));
}

/** One spelling per address (`0:0::1` is `::1`), its zone (`%eth0`) kept. */
function normalized(address: string): string {
  const [bare, zone] = address.split('%');
  const canonical = new SocketAddress({ address: bare, family: isIPv4(bare) ? 'ipv4' : 'ipv6' }).address;
  return zone === undefined ? canonical : `${canonical}%${zone}`;
}
