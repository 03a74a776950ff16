import { isIP } from 'node:net';
import type { CidrList } from '@ironic-metadata/config';
import { normalizeIp } from '@ironic-metadata/node-discovery';

/** Who sent a request, and what it said about others. */
export interface ClientIdentity {
  /** The address the client is identified by. */
  address: string;
  /**
   * The X-Forwarded-For entries the client itself sent, as sent: from a peer that is not a trusted
   * proxy the whole header, else what is left of it once the trusted proxies' own hops and the
   * client's entry are taken off. Empty when the client relayed no one (AWS refuses a token PUT
   * otherwise).
   */
  clientForwardedFor: string[];
  /** The request carried X-Forwarded-For or X-Real-IP that was not believed (sent by the client itself). */
  forgedForwarding: boolean;
}

/**
 * Who the client is: the socket's peer, unless that peer is a trusted proxy (TRUSTED_PROXIES); then
 * the X-Forwarded-For entry just left of the trusted proxies' own hops at its right-hand end (each
 * proxy appends the address it saw, as HAProxy's `option forwardfor` does, so only that end is
 * vouched for), else X-Real-IP. When that entry is not an address, and with nothing usable, the
 * proxy itself is the client, which no node claims.
 */
export function clientIdentity(peer: string, header: (name: string) => string | undefined, trusted: CidrList): ClientIdentity {
  const socketAddress = normalizeIp(peer);
  const forwardedFor = header('x-forwarded-for');
  const entries =
    forwardedFor === undefined
      ? []
      : forwardedFor
          .split(',')
          .map((entry) => entry.trim())
          .filter((entry) => entry !== '');
  if (trusted.empty || !trusted.has(socketAddress)) {
    return {
      address: socketAddress,
      clientForwardedFor: entries,
      forgedForwarding: forwardedFor !== undefined || header('x-real-ip') !== undefined,
    };
  }
  // Our proxies' hops come off the right-hand end; the entry left of them is the client's, and
  // anything further left the client sent itself.
  let client = entries.length - 1;
  while (client >= 0 && trusted.has(normalizeIp(entries[client]))) client--;
  const relayed = entries.slice(0, Math.max(client, 0));
  const forgedForwarding = relayed.length > 0;
  const entry = client >= 0 ? normalizeIp(entries[client]) : '';
  if (isIP(entry) !== 0) return { address: entry, clientForwardedFor: relayed, forgedForwarding };
  const realIp = normalizeIp(header('x-real-ip') ?? '');
  return { address: isIP(realIp) !== 0 && !trusted.has(realIp) ? realIp : socketAddress, clientForwardedFor: relayed, forgedForwarding };
}
