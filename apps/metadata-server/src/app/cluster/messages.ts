import type { IronicNode } from '@ironic-metadata/ironic-model';
import type { NodePatch } from '@ironic-metadata/node-discovery';
import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { InventoryDelta } from './inventory-delta';

/**
 * What the cluster's primary and its workers say to each other over node:cluster's IPC channel.
 * The primary alone talks to the node source; workers receive what it loaded and ask it for what
 * only it may do (a refresh for an unknown client, a PATCH).
 */
export type ToWorker =
  /** A load that changed something: the changes since the last one this worker was sent, in pieces; `more` until the last. */
  | { kind: 'ironic-metadata:inventory'; delta: InventoryDelta; more: boolean }
  /** A load that changed nothing: the index is as fresh as the primary's. */
  | { kind: 'ironic-metadata:synced' }
  | { kind: 'ironic-metadata:sync-failed'; message: string }
  | { kind: 'ironic-metadata:reply'; id: number; node?: IronicNode; refreshed?: boolean; error?: string }
  /** SIGHUP reached the primary: read the lease file again. */
  | { kind: 'ironic-metadata:reload-leases' }
  | { kind: 'ironic-metadata:metrics-request'; id: number };

export type ToPrimary =
  /** The worker listens for messages: send it what it needs first. */
  | { kind: 'ironic-metadata:hello' }
  | { kind: 'ironic-metadata:request'; id: number; op: 'refresh' }
  | { kind: 'ironic-metadata:request'; id: number; op: 'patch'; uuid: string; patch: NodePatch[] }
  /** The worker serves: its nodes' listeners are bound (port as bound, for port 0). */
  | { kind: 'ironic-metadata:listening'; port: number }
  | { kind: 'ironic-metadata:metrics'; id: number; metrics: MetricObjectWithValues<MetricValue<string>>[] };

/** Environment the primary gives each worker. */
export const WORKER_ENV = {
  /** The IMDSv2 signing key (base64) when IMDS_TOKEN_KEY_FILE is unset, the same for every worker. */
  tokenKey: 'IRONIC_METADATA_WORKER_TOKEN_KEY',
  /** The node source's description, for messages. */
  source: 'IRONIC_METADATA_WORKER_SOURCE',
  /** `1` when the node source takes PATCHes (Ironic), so workers offer password writes. */
  writable: 'IRONIC_METADATA_WORKER_SOURCE_WRITABLE',
} as const;

/** Whether an IPC message is ours (prom-client and node:cluster send their own). */
export function isOurs<T extends { kind: string }>(message: unknown): message is T {
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof (message as { kind?: unknown }).kind === 'string' &&
    (message as { kind: string }).kind.startsWith('ironic-metadata:')
  );
}
