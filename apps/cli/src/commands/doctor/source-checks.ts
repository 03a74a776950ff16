import { settingsToCheck, type Config, type NodeSourceConfig } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import { IronicConnectionError, type IronicAuthOptions } from '@ironic-metadata/ironic-client';
import type { NodeIndex } from '@ironic-metadata/node-discovery';
import type { Container } from 'inversify';
import { loadNodes } from '../../support/context';
import { skipped, type Check } from './check';

/** Node `network_data` appears at this API version; below it the node_network_data matcher sees nothing. */
const NETWORK_DATA_VERSION = 66;

export interface SourceChecks {
  checks: Check[];
  /** The nodes, when the source answered. */
  index?: NodeIndex;
}

/** Ironic reachable, its API version, credentials accepted; or, for the file source, the inventory loads. */
export async function sourceChecks(config: Config, container: Container): Promise<SourceChecks> {
  const source = config.source;
  return source.kind === 'file' ? inventoryCheck(source.path, container) : ironicChecks(source, container);
}

async function inventoryCheck(path: string, container: Container): Promise<SourceChecks> {
  const title = 'inventory file loads';
  try {
    const index = await loadNodes(container);
    const ports = index.entries.reduce((sum, entry) => sum + entry.ports.length, 0);
    return { checks: [{ id: 'inventory', title, status: 'pass', detail: `${index.size} nodes, ${ports} ports from ${path}` }], index };
  } catch (error) {
    const fix =
      'correct the file: {"nodes": [...], "ports": [...], "portgroups": [...]}, each shaped like Ironic\'s GET /v1/nodes/detail, /v1/ports/detail, /v1/portgroups/detail';
    return { checks: [{ id: 'inventory', title, status: 'fail', detail: (error as Error).message, fix }] };
  }
}

async function ironicChecks(source: Extract<NodeSourceConfig, { kind: 'ironic' }>, container: Container): Promise<SourceChecks> {
  const where = source.url ?? "the Keystone catalog's baremetal endpoint";
  const client = container.get(TYPES.IronicClient);
  let version: string;
  try {
    version = await client.negotiate();
  } catch (error) {
    const unreachable: Check = {
      id: 'ironic-reachable',
      title: 'Ironic reachable',
      status: 'fail',
      detail: (error as Error).message,
      fix:
        error instanceof IronicConnectionError
          ? `start Ironic, or ${settingsToCheck(error)} (now ${where}); or serve an inventory file with --inventory`
          : fixFor(error),
    };
    return {
      checks: [
        unreachable,
        ...skipped(
          [
            ['ironic-api-version', 'Ironic API version'],
            ['ironic-auth', 'Ironic accepts the credentials'],
          ],
          'needs Ironic to answer',
        ),
      ],
    };
  }
  const checks: Check[] = [
    { id: 'ironic-reachable', title: 'Ironic reachable', status: 'pass', detail: `Ironic at ${where} answers` },
    apiVersionCheck(version),
  ];
  try {
    const index = await loadNodes(container);
    checks.push({
      id: 'ironic-auth',
      title: 'Ironic accepts the credentials',
      status: 'pass',
      detail: `${index.size} nodes listed ${authDescription(source.auth)}`,
    });
    return { checks, index };
  } catch (error) {
    const cause = (error as Error).cause ?? error;
    const fix = cause instanceof IronicConnectionError ? `check that Ironic at ${where} keeps answering` : fixFor(cause);
    checks.push({ id: 'ironic-auth', title: 'Ironic accepts the credentials', status: 'fail', detail: (error as Error).message, fix });
    return { checks };
  }
}

export function apiVersionCheck(version: string): Check {
  const minor = Number(version.split('.')[1]);
  if (minor >= NETWORK_DATA_VERSION) {
    return {
      id: 'ironic-api-version',
      title: 'Ironic API version',
      status: 'pass',
      detail: `API ${version} in use (node network_data needs 1.${NETWORK_DATA_VERSION})`,
    };
  }
  return {
    id: 'ironic-api-version',
    title: 'Ironic API version',
    status: 'warn',
    detail: `API ${version} in use: node network_data needs 1.${NETWORK_DATA_VERSION}, so nodes are not found through their network_data`,
    fix: `upgrade Ironic to a release that serves API 1.${NETWORK_DATA_VERSION} or later, or give nodes instance_info.fixed_ips or a config drive with network_data`,
  };
}

function authDescription(auth: IronicAuthOptions): string {
  if (auth.type === 'none') return 'without credentials (OS_AUTH_TYPE=none)';
  if (auth.type === 'http_basic') return `as ${auth.username} (http_basic)`;
  return `as ${auth.username} in project ${auth.projectName ?? auth.projectId} (Keystone)`;
}

/** The settings the client's error points at; Ironic's logs where none is at fault (its policy, a server failure). */
function fixFor(error: unknown): string {
  return settingsToCheck(error) ?? "see the Ironic API and conductor logs, and the user's roles in Ironic's policy";
}
