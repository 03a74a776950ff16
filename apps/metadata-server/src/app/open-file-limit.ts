import { readFileSync } from 'node:fs';

/** Descriptors kept back from the nodes' connections: at least this many, or an eighth of the limit. */
const MIN_RESERVE = 256;
/** What is assumed when the limit cannot be read (not Linux): the usual soft limit of a login shell. */
const ASSUMED_LIMIT = 1024;
/** The most connections one client address may hold by default: cloud-init and the SDKs use one or two. */
const MAX_DEFAULT_PER_CLIENT = 100;

/**
 * The soft "Max open files" limit of this process, from `/proc/self/limits` (proc(5)); undefined for
 * `unlimited` or when the file cannot be read.
 */
export function openFileSoftLimit(limits?: string): number | undefined {
  let text = limits;
  if (text === undefined) {
    try {
      text = readFileSync('/proc/self/limits', 'utf8');
    } catch {
      return undefined;
    }
  }
  const soft = /^Max open files\s+(\S+)/m.exec(text)?.[1];
  return soft !== undefined && /^\d+$/.test(soft) ? Number(soft) : undefined;
}

/** How many connections the nodes' listeners accept, in total and from one client address. */
export interface ConnectionCaps {
  /** The process's open-file limit the caps were derived from (or checked against). */
  openFiles: number;
  /** Descriptors kept for files, Ironic connections, config drive fetches and the admin listener. */
  reserve: number;
  maxConnections: number;
  maxConnectionsPerClient: number;
}

/** A configured cap that does not fit under the open-file limit; the message names the fix. `code` is `CONNECTION_CAP`. */
export class ConnectionCapError extends Error {
  /** Stable code to branch on. */
  readonly code = 'CONNECTION_CAP';
  override readonly name = 'ConnectionCapError';
}

/**
 * The caps for an open-file limit: the total is the limit less a reserve (an eighth of it, at least
 * 256 descriptors), and one client may hold a thirty-second of the total, at most 100. A configured
 * value (non-zero) replaces the derived one, but the total may not eat into the reserve: running out
 * of descriptors would fail the next reload of the inventory (EMFILE) and the admin listener.
 */
export function connectionCaps(
  openFiles: number | undefined,
  configured: { maxConnections: number; maxConnectionsPerClient: number },
): ConnectionCaps {
  const limit = openFiles ?? ASSUMED_LIMIT;
  const reserve = Math.max(MIN_RESERVE, Math.ceil(limit / 8));
  const room = limit - reserve;
  if (room < 16) {
    throw new ConnectionCapError(
      `the open-file limit is ${limit}, too low to serve: raise it to at least ${reserve + 256} (LimitNOFILE= in the systemd unit, ulimits in compose, ulimit -n)`,
    );
  }
  if (configured.maxConnections > room) {
    throw new ConnectionCapError(
      `MAX_CONNECTIONS is ${configured.maxConnections}, but the open-file limit is ${limit} and ${reserve} descriptors are kept for files, Ironic and the admin listener: set it to at most ${room}, or raise the open-file limit`,
    );
  }
  const maxConnections = configured.maxConnections || room;
  const maxConnectionsPerClient =
    configured.maxConnectionsPerClient || Math.max(4, Math.min(MAX_DEFAULT_PER_CLIENT, Math.floor(maxConnections / 32)));
  return { openFiles: limit, reserve, maxConnections, maxConnectionsPerClient: Math.min(maxConnectionsPerClient, maxConnections) };
}
