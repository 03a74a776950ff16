import { leftAsideIn, nodeNetworkData, type LeftAside } from '@ironic-metadata/ironic-model';
import type { IndexedNode } from '@ironic-metadata/node-addresses';

/**
 * Every value of a node the service does without, named from the node: what parsing the node left
 * aside (`instance_info.fixed_ips[1]`), what reading its own network_data left aside
 * (`network_data.links[0].id`) and what reading its config drive left aside
 * (`instance_info.configdrive meta_data.public_keys.ops`).
 */
export function leftAsideOf(entry: Pick<IndexedNode, 'node' | 'configDrive'>): LeftAside[] {
  const under = (prefix: string, separator: string) => (entry: LeftAside) => ({
    field: entry.field ? `${prefix}${separator}${entry.field}` : prefix,
    problem: entry.problem,
  });
  return [
    ...leftAsideIn(entry.node),
    ...(nodeNetworkData(entry.node)?.leftAside ?? []).map(under('network_data', '.')),
    ...(entry.configDrive?.leftAside ?? []).map(under('instance_info.configdrive', ' ')),
  ];
}

/** `field: problem`, one line each, as the server logs them and `lookup` shows them. */
export function describeLeftAside(entry: LeftAside): string {
  return `${entry.field}: ${entry.problem}`;
}
