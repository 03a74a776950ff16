import { statSync } from 'node:fs';
import { CidrList, type Config } from '@ironic-metadata/config';
import { readTokenKeyFile } from '@ironic-metadata/metadata';
import { nodeLabel } from '@ironic-metadata/node-discovery';
import { listSome, plural } from '../../support/output';
import type { Check } from './check';
import type { Discovery } from './discovery';

export const TOKEN_KEYS_CHECK: [id: string, title: string] = ['token-keys', 'IMDSv2 token keys shared by the replicas'];
export const ALLOWED_CLIENTS_CHECK: [id: string, title: string] = ['allowed-clients', 'active nodes inside ALLOWED_CLIENTS'];

const CREATE_KEYS =
  "openssl rand -base64 48 > /etc/ironic-metadata/token-keys, owned by the service's user, mode 0400; the same file on every replica; set IMDS_TOKEN_KEY_FILE to it";

/**
 * IMDS_TOKEN_KEY_FILE. Unset, each process signs tokens with a key of its own: a token is refused by
 * the other replicas and after a restart. Doctor cannot count the replicas; TRUSTED_PROXIES says a
 * balancer spreads the nodes' requests over several (the shipped HAProxy set-up), so unset is a
 * failure there and a warning elsewhere. Set, the file must be readable by this user (run doctor as
 * the service's user), by no one else (no group or other permission), and hold keys of at least 32
 * bytes, which the configuration check has read already.
 */
export function tokenKeysCheck(
  config: Pick<Config, 'imdsTokenKeyFile' | 'trustedProxies'>,
  user = { uid: process.getuid?.(), gid: process.getgid?.() },
): Check {
  const [id, title] = TOKEN_KEYS_CHECK;
  const path = config.imdsTokenKeyFile;
  if (path === undefined) {
    const balanced = config.trustedProxies.length > 0;
    return {
      id,
      title,
      status: balanced ? 'fail' : 'warn',
      detail:
        'IMDS_TOKEN_KEY_FILE is unset: each replica signs IMDSv2 tokens with a random key of its own, so replicas disagree and a restart ends every token (a token another replica issued is answered as IMDSv1, and is 401 with IMDS_TOKEN_REQUIRED=true)' +
        (balanced
          ? `; TRUSTED_PROXIES (${config.trustedProxies.join(', ')}) says a balancer spreads requests over replicas`
          : '; fine for a single replica only'),
      fix: CREATE_KEYS,
    };
  }
  let keys: Buffer[];
  let file: { mode: number; uid: number; gid: number };
  try {
    keys = readTokenKeyFile(path);
    file = statSync(path);
  } catch (error) {
    return { id, title, status: 'fail', detail: (error as Error).message, fix: CREATE_KEYS };
  }
  // Read by this user already; who else may: others, a group not the service's, an owner not it or root.
  const problems: string[] = [];
  const mode = `0${(file.mode & 0o777).toString(8)}`;
  if ((file.mode & 0o007) !== 0) problems.push(`its mode is ${mode}: any user may read it`);
  if ((file.mode & 0o070) !== 0 && user.gid !== undefined && file.gid !== user.gid)
    problems.push(`its mode is ${mode} and its group ${file.gid} is not the service's (${user.gid}): that group may read it`);
  if (user.uid !== undefined && file.uid !== user.uid && file.uid !== 0)
    problems.push(`its owner, uid ${file.uid}, is neither the service's user (uid ${user.uid}, running doctor) nor root`);
  if (problems.length > 0) {
    return {
      id,
      title,
      status: 'fail',
      detail: `${path}: ${problems.join('; ')}`,
      fix: `run doctor as the service's user; chown that user (or root:its group) ${path}; chmod 0400 (0440 for a group of its own) ${path}`,
    };
  }
  return {
    id,
    title,
    status: 'pass',
    detail: `${path}: ${plural(keys.length, 'key')} of at least 32 bytes (the first signs), readable by the service's user alone`,
  };
}

/** ALLOWED_CLIENTS: every active node that can be found asks from inside it, or it is refused with 403. */
export function allowedClientsCheck(config: Pick<Config, 'allowedClients'>, discovery: Discovery): Check {
  const [id, title] = ALLOWED_CLIENTS_CHECK;
  if (config.allowedClients.length === 0)
    return { id, title, status: 'pass', detail: 'ALLOWED_CLIENTS is unset: any client that reaches the service may ask' };
  const allowed = new CidrList(config.allowedClients);
  const outside = discovery.found.filter((found) => !allowed.has(found.ip));
  if (outside.length === 0)
    return {
      id,
      title,
      status: 'pass',
      detail: `the ${plural(discovery.found.length, 'found node')} ask from inside ${config.allowedClients.join(', ')}`,
    };
  return {
    id,
    title,
    status: 'fail',
    detail: `${outside.length} of ${plural(discovery.found.length, 'found node')} ask from outside ALLOWED_CLIENTS (${config.allowedClients.join(', ')}) and are refused with 403: ${listSome(outside.map((found) => `${nodeLabel(found.entry.node)} at ${found.ip}`))}`,
    fix: 'add their networks to ALLOWED_CLIENTS',
    data: { outside: outside.map((found) => ({ uuid: found.entry.node.uuid, name: found.entry.node.name ?? null, ip: found.ip })) },
  };
}
