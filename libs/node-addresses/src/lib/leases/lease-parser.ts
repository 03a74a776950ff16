import { isIP } from 'node:net';
import { normalizeIp } from '../addresses';
import { ethernetMac, hexBytes, parseDuid, parseHardwareAddress, parseHexBytes, type Duid } from './duid';

interface LeaseLine {
  /** 1-based line in the file. */
  line: number;
  ip: string;
  /** Unix seconds; 0 means the lease never expires. */
  expiresAt: number;
  hostname?: string;
  /** The client identifier as written (IPv4: DHCP option 61; IPv6: the client's DUID); absent for `*`. */
  clientId?: string;
  /** The Ethernet MAC that holds the lease: an IPv4 lease's hardware address, or the MAC inside the client DUID. */
  mac?: string;
  /** Why the lease names no MAC, when it does not (said in a lookup's trace). */
  noMac?: string;
}

/**
 * An IPv4 lease: `EXPIRY HWADDR ADDRESS HOSTNAME CLIENT-ID`.
 *
 * @public
 */
export interface Ipv4Lease extends LeaseLine {
  family: 4;
  /** ARP hardware type of `hardwareAddress` (1 = Ethernet). */
  hardwareType: number;
  hardwareAddress: string;
}

/**
 * An IPv6 lease: `EXPIRY [T]IAID ADDRESS HOSTNAME CLIENT-DUID`, below the `duid` line.
 *
 * @public
 */
export interface Ipv6Lease extends LeaseLine {
  family: 6;
  /** The identity association (32 bits) the address was leased to. */
  iaid: number;
  /** A temporary address (IA_TA), written with a `T` before the IAID. */
  temporary: boolean;
  /** The server's own DUID, from the `duid` line above the lease. */
  serverDuid?: string;
  /** The client's DUID taken apart; absent when the file says `*`. */
  duid?: Duid;
}

/**
 * One dnsmasq lease.
 *
 * @public
 */
export type Lease = Ipv4Lease | Ipv6Lease;

/**
 * A lease-file line that could not be read, and why.
 *
 * @public
 */
export interface LeaseProblem {
  line: number;
  text: string;
  reason: string;
}

/**
 * What {@link parseLeases} reads from a lease file: the leases, and the lines it could not read.
 *
 * @public
 */
export interface ParsedLeases {
  leases: Lease[];
  problems: LeaseProblem[];
}

const unknown = (field: string | undefined) => (field === undefined || field === '*' ? undefined : field);
const IAID_MAX = 0xffffffff;
/** Lines dnsmasq 2.92 appends after the leases: `vendorclass ADDRESS HEX`, `agent-info ADDRESS HEX`. */
const LEASE_OPTION_LINES = new Set(['vendorclass', 'agent-info']);

/**
 * Parses a dnsmasq lease file as dnsmasq writes it (`lease_update_file` in its `src/lease.c`): IPv4
 * leases `EXPIRY HWADDR ADDRESS HOSTNAME CLIENT-ID`, then a `duid <server DUID>` line, then IPv6
 * leases `EXPIRY [T]IAID ADDRESS HOSTNAME CLIENT-DUID`, then `vendorclass`/`agent-info` lines for
 * some leases; `*` for an unknown field. A lease's MAC is its Ethernet hardware address (IPv4) or the
 * MAC inside a DUID-LL or DUID-LLT of Ethernet (IPv6); a well-formed lease without one is kept, with
 * `noMac` saying why. Malformed lines are returned as problems with their line number; they never
 * stop the other leases being read.
 *
 * @public
 */
export function parseLeases(text: string): ParsedLeases {
  const leases: Lease[] = [];
  const problems: LeaseProblem[] = [];
  let serverDuid: string | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    const fields = raw.trim().split(/\s+/);
    if (fields[0] === '') return;
    if (fields[0] === 'duid') {
      if (fields.length === 2 && parseHexBytes(fields[1])) serverDuid = fields[1].toLowerCase();
      else problems.push({ line, text: raw, reason: 'expected "duid <server DUID as hex bytes>"' });
      return;
    }
    if (LEASE_OPTION_LINES.has(fields[0])) {
      const fine = fields.length === 3 && isIP(fields[1]) !== 0 && parseHexBytes(fields[2]);
      if (!fine) problems.push({ line, text: raw, reason: `expected "${fields[0]} ADDRESS HEX-BYTES"` });
      return;
    }
    const lease = parseLease(fields, line, serverDuid);
    if (typeof lease === 'string') problems.push({ line, text: raw, reason: lease });
    else leases.push(lease);
  });
  return { leases, problems };
}

/** One lease line, or what is wrong with it. */
function parseLease(fields: string[], line: number, serverDuid: string | undefined): Lease | string {
  if (fields.length < 3 || fields.length > 5)
    return `expected "EXPIRY MAC IP HOSTNAME CLIENT-ID" (or "EXPIRY IAID IP HOSTNAME CLIENT-DUID"), found ${fields.length} fields`;
  const [expiry, hardware, address, hostname, clientId] = fields;
  if (!/^\d+$/.test(expiry)) return `expected the expiry as Unix seconds, found "${expiry}"`;
  const family = isIP(address);
  if (family === 0) return `expected an IP address, found "${address}"`;
  const common = {
    line,
    ip: normalizeIp(address),
    expiresAt: Number(expiry),
    hostname: unknown(hostname),
    clientId: unknown(clientId)?.toLowerCase(),
  };
  return family === 4 ? ipv4Lease(common, hardware) : ipv6Lease(common, hardware, serverDuid);
}

type Common = Pick<LeaseLine, 'line' | 'ip' | 'expiresAt' | 'hostname' | 'clientId'>;

function ipv4Lease(common: Common, hardware: string): Ipv4Lease | string {
  const parsed = parseHardwareAddress(hardware);
  if (!parsed) return `expected a MAC address (or TYPE-hex bytes for other hardware), found "${hardware}"`;
  const found = ethernetMac(parsed.hardwareType, parsed.address);
  const lease: Ipv4Lease = Object.assign({}, common, {
    family: 4 as const,
    hardwareType: parsed.hardwareType,
    hardwareAddress: hexBytes(parsed.address),
  });
  return Object.assign(lease, 'mac' in found ? { mac: found.mac } : { noMac: `its hardware address ${hardware}: ${found.noMac}` });
}

function ipv6Lease(common: Common, iaidField: string, serverDuid: string | undefined): Ipv6Lease | string {
  const iaid = /^(T?)(\d+)$/.exec(iaidField);
  if (!iaid || Number(iaid[2]) > IAID_MAX)
    return `expected the IAID of an IPv6 lease (a 32-bit number, "T" before it for a temporary address), found "${iaidField}"`;
  const lease: Ipv6Lease = Object.assign({}, common, { family: 6 as const, iaid: Number(iaid[2]), temporary: iaid[1] === 'T', serverDuid });
  if (common.clientId === undefined) return Object.assign(lease, { noMac: 'it names no client DUID' });
  const bytes = parseHexBytes(common.clientId);
  if (!bytes) return Object.assign(lease, { noMac: `its client DUID "${common.clientId}" is not hex bytes as dnsmasq writes them` });
  const duid = parseDuid(bytes);
  return Object.assign(lease, duid.mac ? { duid, mac: duid.mac } : { duid, noMac: `its client DUID ${duid.noMac}` });
}
