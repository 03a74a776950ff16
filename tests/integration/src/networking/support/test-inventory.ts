import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** A node of a test inventory: the address it asks from, and the instance it must be told it is. */
export interface TestNode {
  name: string;
  ip: string;
  instanceUuid: string;
}

/**
 * Writes an inventory (shaped like Ironic's node listing) with one active node per address (and any
 * more addresses it has), each matched by `instance_info.fixed_ips`, and returns the nodes.
 */
export function writeInventory(path: string, nodes: { name: string; ip: string; moreIps?: string[] }[]): TestNode[] {
  const made = nodes.map(({ name, ip, moreIps = [] }) => ({ name, ip, moreIps, instanceUuid: randomUUID() }));
  const inventory = {
    nodes: made.map((node) => ({
      uuid: randomUUID(),
      name: node.name,
      provision_state: 'active',
      instance_uuid: node.instanceUuid,
      instance_info: { fixed_ips: [node.ip, ...node.moreIps], hostname: `${node.name}.test` },
    })),
    ports: [],
  };
  writeFileSync(path, JSON.stringify(inventory, null, 2));
  return made.map(({ name, ip, instanceUuid }) => ({ name, ip, instanceUuid }));
}
