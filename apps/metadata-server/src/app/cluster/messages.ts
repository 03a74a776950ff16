import type { IronicNode } from '@ironic-metadata/ironic-model';
import type { CatalogStatus, NodePatch } from '@ironic-metadata/node-discovery';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { InventoryDelta } from './inventory-delta';

/**
 * What the cluster's processes say to each other over node:cluster's IPC channel. One worker, the
 * syncer, alone talks to the node source; the primary passes what it loaded on to the other workers
 * (relays) and their requests for what only the syncer may do (a refresh for an unknown client, a
 * PATCH) to it. The primary itself holds no node.
 */
export type ToWorker =
  /**
   * A load that changed something: the changes since the last one, in pieces; `more` until the last.
   * `reset` on the first piece of a whole inventory that replaces whatever the relay held (a new
   * syncer's first load, or a resync): a relay serves nothing before one.
   */
  | { kind: 'ironic-metadata:inventory'; delta: InventoryDelta; more: boolean; reset?: boolean }
  /** A load that changed nothing: the index is as fresh as the primary's. */
  | { kind: 'ironic-metadata:synced' }
  | { kind: 'ironic-metadata:sync-failed'; message: string }
  | { kind: 'ironic-metadata:reply'; id: number; node?: IronicNode; refreshed?: boolean; error?: string }
  /** SIGHUP reached the primary: read the lease file again (and the syncer the node source). */
  | { kind: 'ironic-metadata:reload-leases' }
  | { kind: 'ironic-metadata:metrics-request'; id: number }
  /** To the syncer: a relay's request, to be answered to worker `from`. */
  | ({ from: number } & Extract<ToPrimary, { kind: 'ironic-metadata:request' }>)
  /** To the syncer: a relay started after the fleet was sent; send everyone the whole inventory again, read anew. */
  | { kind: 'ironic-metadata:resync' }
  /** To the syncer: its oldest broadcast not yet acknowledged is written to every relay. */
  | { kind: 'ironic-metadata:relayed' }
  /** To any worker: its catalog's status, for the primary's /readyz. */
  | { kind: 'ironic-metadata:status-request'; id: number }
  /** To the relays: the syncer died; a whole inventory it was sending will not be finished. */
  | { kind: 'ironic-metadata:syncer-lost' };

export type ToPrimary =
  /** The worker listens for messages now: those held for it may go. */
  | { kind: 'ironic-metadata:hello' }
  | { kind: 'ironic-metadata:request'; id: number; op: 'refresh' }
  | { kind: 'ironic-metadata:request'; id: number; op: 'patch'; uuid: string; patch: NodePatch[] }
  /** The worker serves: its nodes' listeners are bound (port as bound, for port 0). */
  | { kind: 'ironic-metadata:listening'; port: number }
  | { kind: 'ironic-metadata:metrics'; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] }
  /** From the syncer: for every relay. */
  | { kind: 'ironic-metadata:broadcast'; message: ToWorker }
  /** From the syncer: the reply to relay `to`'s request. */
  | { kind: 'ironic-metadata:answer'; to: number; message: Extract<ToWorker, { kind: 'ironic-metadata:reply' }> }
  /** From a worker: its catalog's status now. */
  | { kind: 'ironic-metadata:status'; id: number; status: CatalogStatus };

/** Environment the primary gives each worker. */
export const WORKER_ENV = {
  /** The IMDSv2 signing key (base64) when IMDS_TOKEN_KEY_FILE is unset, the same for every worker. */
  tokenKey: 'IRONIC_METADATA_WORKER_TOKEN_KEY',
  /** The node source's description, for messages. */
  source: 'IRONIC_METADATA_WORKER_SOURCE',
  /** `1` when the node source takes PATCHes (Ironic), so workers offer password writes. */
  writable: 'IRONIC_METADATA_WORKER_SOURCE_WRITABLE',
  /** `syncer` for the worker that talks to the node source, `relay` for the others. */
  role: 'IRONIC_METADATA_WORKER_ROLE',
  /**
   * `1` for a worker started after a fleet was sent (a replacement): it serves only once it holds a
   * whole inventory, not an empty index while the others serve theirs.
   */
  late: 'IRONIC_METADATA_WORKER_LATE',
} as const;

/**
 * A worker's exit code after a stop whose drain reached its deadline (DRAIN_MS) and closed connections
 * with requests in flight; after a drain that finished them all, 0.
 */
export const DRAIN_CUT_OFF_EXIT_CODE = 3;

/** Whether an IPC message is ours (prom-client and node:cluster send their own). */
export function isOurs<T extends { kind: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { kind?: unknown }).kind === 'string' &&
    (message as { kind: string }).kind.startsWith('ironic-metadata:')
  );
}
