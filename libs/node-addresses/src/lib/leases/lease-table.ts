import { normalizeIp } from '../addresses';
import type { Lease } from './lease-parser';

/**
 * The answer the lease fallback needs: which MAC holds this address now.
 *
 * @public
 */
export interface LeaseLookup {
  macFor(ip: string): { mac: string; lease: Lease } | { reason: string };
}

/**
 * Leases by address, with only unexpired leases that name a MAC able to match: IPv4 leases of
 * Ethernet hardware, and IPv6 leases whose client DUID carries an Ethernet MAC.
 *
 * @public
 */
export class LeaseTable implements LeaseLookup {
  private readonly byIp = new Map<string, Lease[]>();

  constructor(
    readonly leases: readonly Lease[],
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    for (const lease of leases) {
      const list = this.byIp.get(lease.ip);
      if (list) list.push(lease);
      else this.byIp.set(lease.ip, [lease]);
    }
  }

  static isExpired(lease: Pick<Lease, 'expiresAt'>, nowSeconds: number): boolean {
    return lease.expiresAt !== 0 && lease.expiresAt <= nowSeconds;
  }

  macFor(clientIp: string): { mac: string; lease: Lease } | { reason: string } {
    const ip = normalizeIp(clientIp);
    const leases = this.byIp.get(ip) ?? [];
    if (leases.length === 0) return { reason: `no DHCP lease for ${ip}` };
    const now = this.now();
    const live = leases.filter((lease) => !LeaseTable.isExpired(lease, now));
    if (live.length === 0) return { reason: `the DHCP lease for ${ip} expired` };
    const withMac = live.filter((lease) => lease.mac);
    if (withMac.length === 0)
      return { reason: live.map((lease) => `the DHCP lease for ${ip} (line ${lease.line}) names no MAC: ${lease.noMac}`).join('; ') };
    const macs = new Set(withMac.map((lease) => lease.mac));
    if (macs.size > 1) return { reason: `${ip} has live DHCP leases for several MACs (${[...macs].join(', ')}); refusing to guess` };
    return { mac: withMac[0].mac as string, lease: withMac[0] };
  }
}
