import { isIP } from 'node:net';

/**
 * One spelling per address: IPv4-mapped IPv6 (`::ffff:10.0.0.5`, what a dual-stack socket reports)
 * becomes plain IPv4, IPv6 is lower-cased and compressed without its zone (a link-local client shows
 * as `fe80::1%eth0`; nodes list their address without one), anything else is returned unchanged.
 *
 * @public
 */
export function normalizeIp(address: string): string {
  const trimmed = address.trim().replace(/%[^%]*$/, (zone) => (isIP(address.trim()) === 6 ? '' : zone));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  if (mapped) return mapped[1];
  if (isIP(trimmed) === 6) return new URL(`http://[${trimmed}]/`).hostname.slice(1, -1);
  return trimmed;
}
