import { readFileSync } from 'node:fs';
import type { Config } from '@ironic-metadata/config';
import { plural } from '../../support/output';
import type { Check } from './check';

/** How far back the access log is read: a node's first boot asks within minutes. */
export const ACCESS_LOG_WINDOW_SECONDS = 3600;
const GUIDE = 'docs/NODE_IMAGES.md';

/**
 * Which node-side clients this service answers, as configured: what each reads and what it needs
 * on the node (docs/NODE_IMAGES.md has the configuration and the tests behind each line).
 */
export function clientsCheck(config: Config): Check {
  const clients = [
    'cloud-init, every version: NoCloud at /nocloud/ (seedfrom http://169.254.169.254/nocloud/), with no platform check',
    'cloud-init OpenStack source: only where DMI says OpenStack, or from 23.1.1 with datasource_list: [ OpenStack ]; 22.4 and older give up on other hardware before asking',
    'Ignition (ignition.platform.id=openstack): /openstack/latest/user_data',
    `cloudbase-init HttpService: /openstack/latest/...${config.passwordWrite ? ', and it may set its password' : '; it cannot store its password (METADATA_PASSWORD_WRITE=false)'}`,
    `AWS SDKs, Ansible, Ohai, facter: the EC2 tree${config.imdsTokenRequired ? ', with an IMDSv2 token (IMDS_TOKEN_REQUIRED=true: IMDSv1 clients such as cloud-init 22.x are refused)' : ', IMDSv1 and IMDSv2'}`,
    'curl, e.g. in a kickstart %post: any path',
  ];
  return { id: 'clients', title: 'clients served', status: 'pass', detail: `${clients.join('; ')} (see ${GUIDE})`, data: { clients } };
}

/** One line of the service's access log (LOG_LEVEL=http): `{"message":"request","clientIp",...}`. */
interface AccessEntry {
  clientIp: string;
  path: string;
  atMs: number;
}

/** The request lines of the service's JSON log; anything else (other messages, text) is left out. */
export function parseAccessLog(text: string): AccessEntry[] {
  return text.split('\n').flatMap((line) => {
    if (!line.trimStart().startsWith('{')) return [];
    try {
      const entry = JSON.parse(line) as Record<string, unknown>;
      const atMs = typeof entry['timestamp'] === 'string' ? Date.parse(entry['timestamp']) : NaN;
      if (
        entry['message'] !== 'request' ||
        typeof entry['clientIp'] !== 'string' ||
        typeof entry['path'] !== 'string' ||
        Number.isNaN(atMs)
      )
        return [];
      return [{ clientIp: entry['clientIp'], path: entry['path'], atMs }];
    } catch {
      return [];
    }
  });
}

/** `/openstack`, the version listing cloud-init's OpenStack source probes before it reads anything. */
const OPENSTACK_LISTING = /^\/openstack\/?$/;
const TREES = ['NoCloud', 'OpenStack', 'EC2'] as const;

/** The tree a path is in, as the service routes it: what is not under /nocloud or /openstack is EC2's. */
function treeOf(path: string): (typeof TREES)[number] {
  if (/^\/nocloud(\/|$)/.test(path)) return 'NoCloud';
  return /^\/openstack(\/|$)/.test(path) ? 'OpenStack' : 'EC2';
}

/**
 * From the service's access log (its `http`-level lines, e.g. `journalctl -u ironic-metadata -o cat
 * --since -1h`), the clients of the last hour by tree, and those that asked only `/openstack` and
 * then stopped: a data source that looked for the service and gave up before reading meta_data.json.
 * `nodeFor` names the node behind an address, when the nodes could be loaded.
 */
export function accessLogCheck(path: string | undefined, nodeFor: (ip: string) => string | undefined, nowMs: number = Date.now()): Check {
  const id = 'access-log';
  const title = 'nodes that asked only /openstack';
  if (path === undefined) {
    return {
      id,
      title,
      status: 'skip',
      detail:
        "needs the service's access log: --access-log FILE with its LOG_LEVEL=http lines of the last hour (journalctl -u ironic-metadata -o cat --since -1h > FILE)",
    };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    return {
      id,
      title,
      status: 'fail',
      detail: `${path} cannot be read (${reason})`,
      fix: 'give --access-log a readable file of the service log',
    };
  }
  const since = nowMs - ACCESS_LOG_WINDOW_SECONDS * 1000;
  const byClient = new Map<string, string[]>();
  for (const entry of parseAccessLog(text)) {
    if (entry.atMs >= since && entry.atMs <= nowMs) byClient.set(entry.clientIp, [...(byClient.get(entry.clientIp) ?? []), entry.path]);
  }
  if (byClient.size === 0) {
    return {
      id,
      title,
      status: 'warn',
      detail: `${path} has no request from the last hour`,
      fix: 'run the service with LOG_LEVEL=http (one line a request), and pass its log of the last hour',
    };
  }
  const perTree = TREES.map(
    (tree) => `${[...byClient.values()].filter((paths) => paths.some((asked) => treeOf(asked) === tree)).length} by ${tree}`,
  );
  const summary = `${plural(byClient.size, 'client')} in the last hour (${perTree.join(', ')})`;
  const stopped = [...byClient.entries()].filter(([, paths]) => paths.every((asked) => OPENSTACK_LISTING.test(asked))).map(([ip]) => ip);
  const data = { clients: byClient.size, stopped: stopped.map((ip) => ({ ip, node: nodeFor(ip) })) };
  if (stopped.length === 0) return { id, title, status: 'pass', detail: `${summary}; none asked only /openstack and stopped`, data };
  const named = stopped.map((ip) => {
    const node = nodeFor(ip);
    return node ? `${ip} (node ${node})` : ip;
  });
  return {
    id,
    title,
    status: 'warn',
    detail: `${summary}; ${plural(stopped.length, 'client')} asked only /openstack and then stopped: ${named.join(', ')}`,
    fix: `their image's data source gave up after finding the service; read their cloud-init log, and see ${GUIDE} (NoCloud reads any node)`,
    data,
  };
}
