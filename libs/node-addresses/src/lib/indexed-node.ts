import type { ConfigDrive } from '@ironic-metadata/configdrive';
import { INSTANCE_STATES, type IronicNode, type IronicPort, type IronicPortgroup, type LeftAside } from '@ironic-metadata/ironic-model';

/**
 * A node with everything the service knows about it, gathered once per index build.
 *
 * @public
 */
export interface IndexedNode {
  node: IronicNode;
  ports: IronicPort[];
  portgroups: IronicPortgroup[];
  /** The decoded config drive, when the node has one that decodes. */
  configDrive?: ConfigDrive;
  /** Why the node's config drive is not used (masked, corrupt, ...), when it has one. */
  configDriveProblem?: string;
  /**
   * Values of the node and its config drive the service cannot use and does without, each named from
   * the node (`instance_info.fixed_ips[1]`, `network_data.links[0].id`,
   * `instance_info.configdrive network_data.networks[0].ip_address`); what is served as stored keeps them.
   */
  leftAside?: readonly LeftAside[];
}

/**
 * Only nodes that carry an instance may be served instance data.
 *
 * @public
 */
export function isEligible(entry: IndexedNode): boolean {
  return INSTANCE_STATES.has(entry.node.provision_state);
}

/**
 * `uuid (name)` for logs and traces.
 *
 * @public
 */
export function nodeLabel(node: IronicNode): string {
  return node.name ? `${node.uuid} (${node.name})` : node.uuid;
}
