import { nodeLabel, type IndexedNode } from '@ironic-metadata/node-discovery';
import { listSome, plural } from '../../support/output';
import type { Check } from './check';
import { isMasked, type Discovery } from './discovery';

export const NODE_CHECKS: [id: string, title: string][] = [
  ['show-instance-secrets', 'config drives readable (show_instance_secrets)'],
  ['config-drives', 'config drives decode'],
];
export const DISCOVERY_CHECKS: [id: string, title: string][] = [
  ['discoverable', 'active nodes discoverable'],
  ['undiscoverable', 'active nodes that no method finds'],
];

const node = (entry: IndexedNode) => ({ uuid: entry.node.uuid, name: entry.node.name ?? null });

/** Ironic masks config drives as "******" unless `show_instance_secrets` is granted: the trap the seed does not mention. */
export function secretsCheck({ active }: Discovery): Check {
  const [id, title] = NODE_CHECKS[0];
  const withDrive = active.filter(
    (entry) => entry.node.instance_info.configdrive !== undefined && entry.node.instance_info.configdrive !== null,
  );
  const masked = withDrive.filter(isMasked);
  if (masked.length === 0) {
    const detail =
      withDrive.length > 0
        ? `show_instance_secrets is granted: no config drive of an active node is masked (${withDrive.length} checked)`
        : 'no active node has a config drive to check';
    return { id, title, status: 'pass', detail };
  }
  return {
    id,
    title,
    status: 'fail',
    detail: `${masked.length} of ${plural(withDrive.length, 'active node')} with a config drive have it masked as "******", so their user data, keys and drive network_data are not served: ${listSome(masked.map((entry) => nodeLabel(entry.node)))}`,
    fix: `grant the policy rule in the file named by Ironic's [oslo_policy]policy_file: "show_instance_secrets": "@" (or a role rule for this service's user); Ironic rereads it without a restart`,
    data: { masked: masked.map(node) },
  };
}

/** Drives that are there and readable but do not decode: the node gets only its dynamic data. */
export function configDrivesCheck({ active }: Discovery): Check {
  const [id, title] = NODE_CHECKS[1];
  const broken = active.filter((entry) => entry.configDriveProblem && !isMasked(entry));
  if (broken.length === 0) return { id, title, status: 'pass', detail: 'every readable config drive of an active node decodes' };
  return {
    id,
    title,
    status: 'warn',
    detail: `config drives that do not decode on ${plural(broken.length, 'active node')}, which get only their dynamic data:\n${broken
      .slice(0, 10)
      .map((entry) => `${nodeLabel(entry.node)}: ${entry.configDriveProblem}`)
      .join('\n')}`,
    fix: 'rebuild the node with a valid config drive; ironic-metadata configdrive decode NODE shows the problem',
    data: { nodes: broken.map((entry) => ({ ...node(entry), problem: entry.configDriveProblem })) },
  };
}

export function discoverableCheck({ active, found }: Discovery): Check {
  const [id, title] = DISCOVERY_CHECKS[0];
  const byMethod: Record<string, number> = {};
  for (const { method } of found) byMethod[method] = (byMethod[method] ?? 0) + 1;
  if (active.length === 0) {
    return {
      id,
      title,
      status: 'warn',
      detail: 'no node is active or deploying: there is nothing to serve',
      fix: 'deploy a node; only nodes with an instance get metadata',
      data: { active: 0, discoverable: 0, byMethod },
    };
  }
  const methods = Object.entries(byMethod).map(([method, count]) => `${method} ${count}`);
  return {
    id,
    title,
    status: 'pass',
    detail: `${found.length} of ${plural(active.length, 'active node')} can be found${methods.length > 0 ? `: ${methods.join(', ')}` : ''}`,
    data: {
      active: active.length,
      discoverable: found.length,
      byMethod,
      nodes: found.map(({ entry, ip, method }) => ({ ...node(entry), ip, method })),
    },
  };
}

export function undiscoverableCheck({ missing }: Discovery): Check {
  const [id, title] = DISCOVERY_CHECKS[1];
  if (missing.length === 0) return { id, title, status: 'pass', detail: 'every active node can be found', data: { nodes: [] } };
  const listed = missing.slice(0, 10).map(({ entry, reason }) => `${nodeLabel(entry.node)}: ${reason}`);
  if (missing.length > 10) listed.push(`and ${missing.length - 10} more (--json lists them all)`);
  return {
    id,
    title,
    status: 'fail',
    detail: `${plural(missing.length, 'active node')} cannot get metadata:\n${listed.join('\n')}`,
    fix:
      "give each an address the service can match: instance_info.fixed_ips, the node's network_data (API 1.66), network_data in its config drive, " +
      'or a port whose MAC holds a DHCP lease in LEASE_FILE; ironic-metadata lookup IP explains a given address',
    data: { nodes: missing.map(({ entry, reason }) => ({ ...node(entry), reason })) },
  };
}
