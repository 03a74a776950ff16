import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import type { NodeCatalog, NodePatch, NodeSource } from '@ironic-metadata/node-discovery';
import { InventoryDiffer, InventoryReplica, splitDelta, type InventoryDelta } from './inventory-delta';
import type { ToPrimary, ToWorker } from './messages';

/**
 * Items per IPC message: about 1.3 MB of nodes with their config drives. Pieces of 500 raised the
 * primary's peak RSS by some 40 MiB at 10,000 nodes while it serialized one for each worker (tools/bench).
 */
export const ITEMS_PER_MESSAGE = 100;

function inventoryMessages(delta: InventoryDelta): ToWorker[] {
  const pieces = splitDelta(delta, ITEMS_PER_MESSAGE);
  return pieces.map((piece, i) => ({ kind: 'ironic-metadata:inventory', delta: piece, more: i < pieces.length - 1 }));
}

/**
 * The primary's node source: the configured one, with every load's outcome sent to the workers
 * (only what changed), so that Ironic sees one scan per sync interval however many workers serve.
 */
export class BroadcastingNodeSource implements NodeSource {
  readonly description: string;
  readonly patchNode?: (uuid: string, patch: readonly NodePatch[]) => Promise<IronicNode>;
  readonly watch?: (onChange: () => void) => () => void;
  private readonly differ = new InventoryDiffer();
  private lastFailure: string | undefined;

  constructor(
    private readonly inner: NodeSource,
    /** Sends to every worker, in order. */
    private readonly broadcast: (message: ToWorker) => void,
  ) {
    this.description = inner.description;
    this.watch = inner.watch?.bind(inner);
    const patch = inner.patchNode?.bind(inner);
    if (patch) {
      this.patchNode = async (uuid, operations) => {
        const node = await patch(uuid, operations);
        inventoryMessages(this.differ.patched(node)).forEach(this.broadcast);
        return node;
      };
    }
  }

  async load(): Promise<Inventory> {
    let inventory: Inventory;
    try {
      inventory = await this.inner.load();
    } catch (error) {
      this.lastFailure = (error as Error).message;
      this.broadcast({ kind: 'ironic-metadata:sync-failed', message: this.lastFailure });
      throw error;
    }
    this.lastFailure = undefined;
    const delta = this.differ.delta(inventory);
    (delta ? inventoryMessages(delta) : [{ kind: 'ironic-metadata:synced' } as const]).forEach(this.broadcast);
    return inventory;
  }

  /** What a worker starting now is sent first: the whole inventory once one has loaded, then the last failure if the last load failed. */
  welcome(): ToWorker[] {
    const delta = this.differ.snapshot();
    const messages = delta ? inventoryMessages(delta) : [];
    if (this.lastFailure !== undefined) messages.push({ kind: 'ironic-metadata:sync-failed', message: this.lastFailure });
    return messages;
  }
}

/** Answers a worker's request with the primary's catalog (which rate-limits refreshes as for its own clients). */
export async function answerWorker(
  catalog: NodeCatalog,
  request: Extract<ToPrimary, { kind: 'ironic-metadata:request' }>,
): Promise<ToWorker> {
  try {
    if (request.op === 'refresh')
      return { kind: 'ironic-metadata:reply', id: request.id, refreshed: await catalog.refreshForUnknownClient() };
    return { kind: 'ironic-metadata:reply', id: request.id, node: await catalog.patchNode(request.uuid, request.patch) };
  } catch (error) {
    return { kind: 'ironic-metadata:reply', id: request.id, error: (error as Error).message };
  }
}

type Outcome = { inventory: Inventory } | { error: string };

/**
 * A worker's node source: what the primary loaded. A load hands out the primary's latest outcome;
 * asked when no new one has arrived (a client no node matched), it asks the primary to refresh
 * (at most once per 5 s for the whole service) and hands out what that brought.
 */
export class RelayedNodeSource implements NodeSource {
  readonly patchNode?: (uuid: string, patch: readonly NodePatch[]) => Promise<IronicNode>;
  private readonly replica = new InventoryReplica();
  /** The inventory as the primary last sent it. */
  private inventory: Inventory | undefined;
  private outcome: Outcome | undefined;
  /** An outcome arrived that no load has handed out yet. */
  private unread = false;
  private readonly listeners = new Set<() => void>();
  private readonly pending = new Map<number, (reply: Extract<ToWorker, { kind: 'ironic-metadata:reply' }>) => void>();
  private nextId = 0;
  private firstOutcome: (() => void) | undefined;
  /** Resolves once the primary sent its first outcome. */
  readonly ready = new Promise<void>((resolve) => (this.firstOutcome = resolve));

  constructor(
    readonly description: string,
    writable: boolean,
    private readonly send: (message: ToPrimary) => void,
  ) {
    if (writable) {
      this.patchNode = async (uuid, patch) => {
        const reply = await this.ask((id) => ({ kind: 'ironic-metadata:request', id, op: 'patch', uuid, patch: [...patch] }));
        if (reply.error !== undefined || !reply.node) throw new Error(reply.error ?? 'the primary process answered no node');
        return reply.node;
      };
    }
  }

  /** Takes a message from the primary; the others' are ignored. */
  receive(message: ToWorker): void {
    switch (message.kind) {
      case 'ironic-metadata:inventory': {
        this.replica.apply(message.delta);
        if (message.more) break;
        this.inventory = this.replica.inventory();
        this.settle({ inventory: this.inventory });
        break;
      }
      case 'ironic-metadata:synced':
        if (this.inventory) this.settle({ inventory: this.inventory });
        break;
      case 'ironic-metadata:sync-failed':
        this.settle({ error: message.message });
        break;
      case 'ironic-metadata:reply':
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
        break;
    }
  }

  async load(): Promise<Inventory> {
    if (!this.unread) await this.ask((id) => ({ kind: 'ironic-metadata:request', id, op: 'refresh' }));
    this.unread = false;
    const outcome = this.outcome;
    if (!outcome) throw new Error(`the nodes are not loaded yet from ${this.description}`);
    if ('error' in outcome) throw new Error(outcome.error);
    return outcome.inventory;
  }

  watch(onChange: () => void): () => void {
    this.listeners.add(onChange);
    return () => this.listeners.delete(onChange);
  }

  private settle(outcome: Outcome): void {
    this.outcome = outcome;
    this.unread = true;
    this.firstOutcome?.();
    this.firstOutcome = undefined;
    for (const listener of this.listeners) listener();
  }

  /** The primary answers in order, and sends a refresh's outcome before its reply. */
  private ask(request: (id: number) => ToPrimary): Promise<Extract<ToWorker, { kind: 'ironic-metadata:reply' }>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send(request(id));
    });
  }
}
