import { createServer } from 'node:net';
import { addAddressCommand } from '@ironic-metadata/config';
import type { Check } from './check';

/** A listener of the service: the nodes' one (BIND_ADDR, BIND_PORT) or the admin one. */
export interface Listener {
  id: string;
  title: string;
  addressVariable: string;
  portVariable: string;
  /** How an unprivileged port still serves: the nodes ask port 80, so theirs needs a DNAT in front. */
  unprivilegedPortNote: string;
}

export const METADATA_LISTENER: Listener = {
  id: 'bind',
  title: 'bind address usable',
  addressVariable: 'BIND_ADDR',
  portVariable: 'BIND_PORT',
  unprivilegedPortNote: ' behind a DNAT',
};
export const ADMIN_LISTENER: Listener = {
  id: 'admin-bind',
  title: 'admin address usable',
  addressVariable: 'ADMIN_BIND_ADDR',
  portVariable: 'ADMIN_BIND_PORT',
  unprivilegedPortNote: '',
};

const RANK = { pass: 0, skip: 0, warn: 1, fail: 2 } as const;

/**
 * Listens on each of a listener's addresses at its port for a moment, as this user, to see whether
 * the service could; one item for them all, as bad as the worst.
 */
export async function bindCheck(addresses: readonly string[], port: number, listener: Listener = METADATA_LISTENER): Promise<Check> {
  const results = await Promise.all(addresses.map(async (address) => bindResult(address, port, await tryListen(address, port), listener)));
  if (results.length === 1) return results[0];
  const worst = results.reduce((a, b) => (RANK[b.status] > RANK[a.status] ? b : a));
  const fixes = [...new Set(results.flatMap((result) => (result.fix ? [result.fix] : [])))];
  return {
    id: listener.id,
    title: listener.title,
    status: worst.status,
    detail: results.map((result) => result.detail).join('\n'),
    fix: fixes.length > 0 ? fixes.join('\n') : undefined,
  };
}

function tryListen(address: string, port: number): Promise<NodeJS.ErrnoException | undefined> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', resolve);
    server.listen({ host: address, port, exclusive: true }, () => server.close(() => resolve(undefined)));
  });
}

/** What each failure to listen means for the service, and its fix. */
export function bindResult(
  address: string,
  port: number,
  error: NodeJS.ErrnoException | undefined,
  listener: Listener = METADATA_LISTENER,
): Check {
  const { id, title, addressVariable, portVariable } = listener;
  const where = `${address.includes(':') ? `[${address}]` : address}:${port}`;
  if (!error) return { id, title, status: 'pass', detail: `${where} can be bound` };
  switch (error.code) {
    case 'EADDRINUSE':
      return {
        id,
        title,
        status: 'warn',
        detail: `something already listens on ${where}: the service itself, if it is running`,
        fix: `if it is not the service, find it with: ss -ltnp 'sport = :${port}'; stop it, or set ${portVariable}`,
      };
    case 'EADDRNOTAVAIL':
      return {
        id,
        title,
        status: 'fail',
        detail: `${address} is not an address of this host`,
        fix: `add it to an interface, e.g. ${addAddressCommand(address, 'lo')} (and route or DNAT the nodes' requests to it), or set ${addressVariable}`,
      };
    case 'EACCES':
    case 'EPERM':
      return {
        id,
        title,
        status: 'fail',
        detail: `port ${port} is privileged and user ${process.getuid?.() ?? '?'} may not bind it`,
        fix: `run the service with CAP_NET_BIND_SERVICE (systemd: AmbientCapabilities=CAP_NET_BIND_SERVICE) or as root, or set ${portVariable} to 1024 or above${listener.unprivilegedPortNote}`,
      };
    default:
      return {
        id,
        title,
        status: 'fail',
        detail: `cannot listen on ${where}: ${error.message}`,
        fix: `check ${addressVariable} and ${portVariable}`,
      };
  }
}
