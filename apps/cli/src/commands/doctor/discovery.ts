import { MASKED_SECRET, normalizeMac } from '@ironic-metadata/ironic-model';
import {
  addressMatchers,
  claimedAddresses,
  isEligible,
  LeaseTable,
  nodeLabel,
  type IndexedNode,
  type MatchMethod,
  type NodeIndex,
} from '@ironic-metadata/node-discovery';

export interface Discovery {
  /** Nodes that carry an instance: the ones that must be found. */
  active: readonly IndexedNode[];
  found: { entry: IndexedNode; ip: string; method: MatchMethod }[];
  missing: { entry: IndexedNode; reason: string }[];
}

/**
 * Which active nodes the service can find, and how: every address a node claims (by each matcher,
 * and through live DHCP leases of its ports) is looked up as a request from it would be, so a node
 * counts as found only when one of its addresses really answers with it.
 */
export function discover(
  index: NodeIndex,
  leases: LeaseTable,
  options: { matchNodeName: boolean },
  nowSeconds: number = Date.now() / 1000,
): Discovery {
  const matchers = addressMatchers(options);
  const active = index.entries.filter(isEligible);
  const result: Discovery = { active, found: [], missing: [] };
  for (const entry of active) {
    const candidates = new Set([
      ...matchers.flatMap((matcher) => claimedAddresses(matcher, entry)),
      ...leasedAddresses(entry, leases, nowSeconds),
    ]);
    const refusals: string[] = [];
    let found = false;
    for (const ip of candidates) {
      const lookup = index.match(ip, leases);
      if (lookup.found && lookup.entry.node.uuid === entry.node.uuid) {
        result.found.push({ entry, ip, method: lookup.method });
        found = true;
        break;
      }
      refusals.push(lookup.found ? `${ip} answers node ${nodeLabel(lookup.entry.node)}` : lookup.reason);
    }
    if (!found) result.missing.push({ entry, reason: missingReason(entry, refusals) });
  }
  return result;
}

function leasedAddresses(entry: IndexedNode, leases: LeaseTable, nowSeconds: number): string[] {
  const macs = new Set(entry.ports.map((port) => normalizeMac(port.address)));
  return leases.leases
    .filter((lease) => lease.mac && macs.has(lease.mac) && !LeaseTable.isExpired(lease, nowSeconds))
    .map((lease) => lease.ip);
}

function missingReason(entry: IndexedNode, refusals: string[]): string {
  const drive = !entry.configDriveProblem
    ? ''
    : isMasked(entry)
      ? '; its config drive, which may hold its address, is masked (see the show_instance_secrets check)'
      : `; its config drive is not used (${entry.configDriveProblem})`;
  if (refusals.length > 0) return `${refusals.join('; ')}${drive}`;
  return `claims no address: no instance_info.fixed_ips, network_data, config drive network_data or agent URL, and no live DHCP lease for its ports${drive}`;
}

export function isMasked(entry: IndexedNode): boolean {
  return entry.node.instance_info.configdrive === MASKED_SECRET;
}
