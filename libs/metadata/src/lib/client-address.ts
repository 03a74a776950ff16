import { BlockList, isIP } from 'node:net';
import { normalizeIp } from '@ironic-metadata/node-discovery';

/** The proxies whose forwarding headers are believed (TRUSTED_PROXIES). */
export class TrustedProxies {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(cidrs: readonly string[]) {
    for (const cidr of cidrs) {
      const [address, prefix] = cidr.split('/');
      const family = isIP(address) === 4 ? 'ipv4' : 'ipv6';
      this.list.addSubnet(address, prefix === undefined ? (family === 'ipv4' ? 32 : 128) : Number(prefix), family);
    }
    this.empty = cidrs.length === 0;
  }

  has(address: string): boolean {
    const family = isIP(address);
    return family !== 0 && this.list.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/**
 * Who the client is: the socket's peer, unless that peer is a trusted proxy; then the right-most
 * address in X-Forwarded-For that is not a trusted proxy (each proxy appends the address it saw, so
 * only the right-hand end is vouched for), else X-Real-IP. Anything that is not an address is
 * ignored, and with nothing usable the proxy itself is the client, which no node claims.
 */
export function clientAddress(peer: string, header: (name: string) => string | undefined, trusted: TrustedProxies): string {
  const socketAddress = normalizeIp(peer);
  if (trusted.empty || !trusted.has(socketAddress)) return socketAddress;
  const forwarded = (header('x-forwarded-for') ?? '')
    .split(',')
    .map((entry) => normalizeIp(entry))
    .filter((entry) => isIP(entry) !== 0);
  for (let i = forwarded.length - 1; i >= 0; i--) {
    if (!trusted.has(forwarded[i])) return forwarded[i];
  }
  const realIp = normalizeIp(header('x-real-ip') ?? '');
  return isIP(realIp) !== 0 && !trusted.has(realIp) ? realIp : socketAddress;
}
