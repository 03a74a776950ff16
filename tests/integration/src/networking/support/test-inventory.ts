import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';

/** A node of a test inventory: the address it asks from, and the instance it must be told it is. */
export interface TestNode {
  name: string;
  ip: string;
  instanceUuid: string;
}

/** A node to write: its name, addresses, and optionally its instance's uuid and more `instance_info`. */
export interface NodeToWrite {
  name: string;
  ip: string;
  moreIps?: string[];
  /** A random one unless given (a config drive in `instanceInfo` that names it must agree). */
  instanceUuid?: string;
  /** More `instance_info` keys (`configdrive`, `image_source`, ...), over the defaults. */
  instanceInfo?: Record<string, unknown>;
}

/**
 * Writes an inventory (shaped like Ironic's node listing) with one active node per address (and any
 * more addresses it has), each matched by `instance_info.fixed_ips`, and returns the nodes.
 */
export function writeInventory(path: string, nodes: NodeToWrite[]): TestNode[] {
  const made = nodes.map(({ moreIps = [], instanceUuid = randomUUID(), ...node }) => ({ ...node, moreIps, instanceUuid }));
  const inventory = {
    nodes: made.map((node) => ({
      // Without a config drive naming it, an instance is told its node's uuid, as Ironic writes it
      // to the disk; instance_uuid (an allocation's, say) is on no disk.
      uuid: node.instanceUuid,
      name: node.name,
      provision_state: 'active',
      instance_uuid: randomUUID(),
      instance_info: { fixed_ips: [node.ip, ...node.moreIps], hostname: `${node.name}.test`, ...node.instanceInfo },
    })),
    ports: [],
  };
  writeFileSync(path, JSON.stringify(inventory, null, 2));
  return made.map(({ name, ip, instanceUuid }) => ({ name, ip, instanceUuid }));
}
