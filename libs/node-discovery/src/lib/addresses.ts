import { isIP } from 'node:net';

/**
 * One spelling per address: IPv4-mapped IPv6 (`::ffff:10.0.0.5`, what a dual-stack socket reports)
 * becomes plain IPv4, IPv6 is lower-cased and compressed without its zone (a link-local client shows
 * as `fe80::1%eth0`; nodes list their address without one), anything else is returned unchanged.
 */
export function normalizeIp(address: string): string {
  const trimmed = address.trim().replace(/%[^%]*$/, (zone) => (isIP(address.trim()) === 6 ? '' : zone));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(trimmed);
  if (mapped) return mapped[1];
  if (isIP(trimmed) === 6) return new URL(`http://[${trimmed}]/`).hostname.slice(1, -1);
  return trimmed;
}

/** `52:54:00:AA:BB:CC` and `52-54-00-aa-bb-cc` both become `52:54:00:aa:bb:cc`; undefined if not a MAC. */
export function normalizeMac(mac: string): string | undefined {
  const match = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(mac.trim());
  return match ? match.slice(1).join(':').toLowerCase() : undefined;
}
