import { isIP } from 'node:net';
import { normalizeIp, normalizeMac } from '../addresses';

/** One dnsmasq lease. IPv4 leases name a MAC; IPv6 leases name an IAID under the server's DUID. */
export interface Lease {
  /** 1-based line in the file. */
  line: number;
  ip: string;
  /** Unix seconds; 0 means the lease never expires. */
  expiresAt: number;
  mac?: string;
  iaid?: string;
  /** The server DUID of the `duid` line above an IPv6 lease. */
  duid?: string;
  hostname?: string;
  clientId?: string;
}

export interface LeaseProblem {
  line: number;
  text: string;
  reason: string;
}

export interface ParsedLeases {
  leases: Lease[];
  problems: LeaseProblem[];
}

const unknown = (field: string | undefined) => (field === undefined || field === '*' ? undefined : field);

/**
 * Parses a dnsmasq lease file: `EXPIRY MAC IP HOSTNAME CLIENT-ID` a line, `*` for unknown; after a
 * `duid ...` line, IPv6 leases carry an IAID where IPv4 leases carry the MAC. Malformed lines are
 * returned as problems with their line number; they never stop the other leases being read.
 */
export function parseLeases(text: string): ParsedLeases {
  const leases: Lease[] = [];
  const problems: LeaseProblem[] = [];
  let duid: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '') return;
    if (fields[0] === 'duid') {
      if (fields.length === 2) duid = fields[1];
      else problems.push({ line, text: raw, reason: 'expected "duid <server DUID>"' });
      return;
    }
    const lease = parseLease(fields, line, duid);
    if (typeof lease === 'string') problems.push({ line, text: raw, reason: lease });
    else leases.push(lease);
  });
  return { leases, problems };
}

/** One lease line, or what is wrong with it. */
function parseLease(fields: string[], line: number, duid: string | undefined): Lease | string {
  if (fields.length < 3 || fields.length > 5) return `expected "EXPIRY MAC IP HOSTNAME CLIENT-ID", found ${fields.length} fields`;
  const [expiry, hardware, address, hostname, clientId] = fields;
  if (!/^\d+$/.test(expiry)) return `expected the expiry as Unix seconds, found "${expiry}"`;
  const family = isIP(address);
  if (family === 0) return `expected an IP address, found "${address}"`;
  const lease: Lease = { line, ip: normalizeIp(address), expiresAt: Number(expiry), hostname: unknown(hostname), clientId: unknown(clientId) };
  if (family === 4) {
    const mac = normalizeMac(hardware);
    if (!mac) return `expected a MAC address, found "${hardware}"`;
    return { ...lease, mac };
  }
  if (!/^\d+$/.test(hardware)) return `expected the IAID of an IPv6 lease, found "${hardware}"`;
  return { ...lease, iaid: hardware, duid };
}
