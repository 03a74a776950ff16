import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { normalizeMac } from '@ironic-metadata/ironic-model';
import { normalizeIp } from '@ironic-metadata/node-addresses';

/**
 * How long a read of the neighbour table is used. Short: an address taken over shows in the kernel's
 * table when the taker's ARP reaches this host, and an older read would still name the owner's MAC.
 * In a boot storm it bounds the reads to five a second per family.
 */
const CACHE_MS = 200;
/** ATF_COM (linux/if_arp.h): the entry is complete, its MAC known. */
const ATF_COM = 0x2;
/** NUD states (linux/neighbour.h) in which the kernel does not hold a usable MAC for the address. */
const UNRESOLVED_STATES = new Set(['INCOMPLETE', 'FAILED', 'NOARP', 'NONE']);

/**
 * The IPv4 neighbour table as `/proc/net/arp` shows it (proc(5): `IP address  HW type  Flags  HW
 * address  Mask  Device`, one entry a line after a header): address -> MAC, complete entries only.
 */
export function parseProcNetArp(text: string): Map<string, string> {
  const table = new Map<string, string>();
  for (const line of text.split('\n').slice(1)) {
    const [ip, , flags, hardware] = line.trim().split(/\s+/);
    const mac = hardware === undefined ? undefined : normalizeMac(hardware);
    if (isIP(ip ?? '') !== 4 || !mac || (Number.parseInt(flags ?? '0', 16) & ATF_COM) === 0) continue;
    table.set(ip, mac);
  }
  return table;
}

/**
 * The neighbour table as `ip -j neigh show` prints it (iproute2: `[{"dst": ..., "lladdr": ...,
 * "state": ["REACHABLE"]}]`): address -> MAC, leaving out entries with no resolved MAC.
 */
export function parseIpNeighJson(text: string): Map<string, string> {
  const table = new Map<string, string>();
  const entries: unknown = JSON.parse(text.trim() === '' ? '[]' : text);
  if (!Array.isArray(entries)) return table;
  for (const entry of entries as { dst?: unknown; lladdr?: unknown; state?: unknown }[]) {
    const mac = typeof entry.lladdr === 'string' ? normalizeMac(entry.lladdr) : undefined;
    const states = Array.isArray(entry.state) ? entry.state : [];
    if (typeof entry.dst !== 'string' || !mac || states.some((state) => UNRESOLVED_STATES.has(String(state)))) continue;
    table.set(normalizeIp(entry.dst), mac);
  }
  return table;
}

/** Where the tables are read from; replaced in tests. */
export interface NeighbourReaders {
  ipv4(): Promise<string>;
  ipv6(): Promise<string>;
}

const SYSTEM_READERS: NeighbourReaders = {
  // /proc/self/net: this process's network namespace, and visible under systemd's ProcSubset=pid.
  ipv4: () => readFile('/proc/self/net/arp', 'utf8'),
  ipv6: () =>
    new Promise((resolve, reject) => {
      execFile('ip', ['-j', '-6', 'neigh', 'show'], { timeout: 2000 }, (error, stdout) =>
        error ? reject(new Error(`ip -j -6 neigh show failed: ${error.message}`)) : resolve(stdout),
      );
    }),
};

/**
 * The host's neighbour table (ARP for IPv4, NDP for IPv6): which MAC the kernel last saw behind an
 * on-link address. Each family is read at most every 200 ms, and concurrent askers share the read.
 * Throws when the table cannot be read (no `ip` for IPv6, no /proc).
 */
export class NeighbourTable {
  private readonly cache = new Map<4 | 6, { at: number; table: Promise<Map<string, string>> }>();

  constructor(
    private readonly readers: NeighbourReaders = SYSTEM_READERS,
    private readonly clock: () => number = Date.now,
  ) {}

  /**
   * The MAC the kernel holds for `ip`, or undefined when it has no resolved entry (not on-link). An
   * address missing from a shared read, or `fresh`, is looked up in a read of its own: the entry may
   * be younger than the read.
   */
  async macFor(ip: string, options: { fresh?: boolean } = {}): Promise<string | undefined> {
    const address = normalizeIp(ip);
    const family = isIP(address) === 4 ? 4 : isIP(address) === 6 ? 6 : undefined;
    if (family === undefined) return undefined;
    const shared = options.fresh ? undefined : (await this.table(family, false)).get(address);
    return shared ?? (await this.table(family, true)).get(address);
  }

  private table(family: 4 | 6, fresh: boolean): Promise<Map<string, string>> {
    const now = this.clock();
    const cached = this.cache.get(family);
    if (cached && !fresh && now - cached.at < CACHE_MS) return cached.table;
    const table = family === 4 ? this.readers.ipv4().then(parseProcNetArp) : this.readers.ipv6().then(parseIpNeighJson);
    this.cache.set(family, { at: now, table });
    table.catch(() => this.cache.delete(family));
    return table;
  }
}
