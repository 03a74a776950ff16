import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import type { NodeCatalog, NodePatch, NodeSource } from '@ironic-metadata/node-discovery';
import { InventoryDiffer, InventoryReplica, nodeDelta, splitDelta, type InventoryDelta } from './inventory-delta';
import type { ToPrimary, ToWorker } from './messages';

/**
 * Items per IPC message: about 330 kB of nodes with their config drives. The primary parses each
 * piece and serializes it again for each relay, and pieces of a megabyte or more live in V8's large
 * object space until a full collection: at 10,000 nodes its peak RSS was 131 MiB with pieces of 100,
 * 113 MiB with 25 and 106 MiB with 10 (its floor is 89 MiB; tools/bench).
 */
export const ITEMS_PER_MESSAGE = 25;

/**
 * Decodes a node's config drive into the catalog's cache (`ConfigDriveCache.decode`), which then puts
 * a reference in the node in place of the stored string.
 */
export type DriveDecoder = (node: IronicNode) => Promise<unknown>;

/**
 * Decodes the drives of `nodes`, one after another, ahead of the catalog, which then finds them in
 * its cache: a relay never holds a whole fleet's stored drives at once, the syncer lets each piece's
 * go once it is written, and both decode while the fleet is still being handed over (tools/bench,
 * 100,000 nodes: the service's peak RSS 1,661-1,679 → 1,496-1,528 MiB, its PSS 1,517-1,544 →
 * 1,232-1,235; the cold start unchanged). The cache keeps a drive's problem for the catalog to
 * report; anything else that fails is left to the catalog, which decodes that node again.
 */
async function decodeAhead(nodes: readonly IronicNode[], decode: DriveDecoder): Promise<void> {
  for (const node of nodes) await decode(node).catch(() => undefined);
}

function inventoryMessages(delta: InventoryDelta, reset: boolean): ToWorker[] {
  const pieces = splitDelta(delta, ITEMS_PER_MESSAGE);
  return pieces.map((piece, i) => ({
    kind: 'ironic-metadata:inventory',
    delta: piece,
    more: i < pieces.length - 1,
    ...(reset && i === 0 ? { reset } : {}),
  }));
}

/**
 * The syncer's node source: the configured one, with every load's outcome sent on to the relays
 * (only what changed), so that Ironic sees one scan per sync interval however many workers serve.
 * Its first inventory, and the first after `resync`, is whole and marked `reset`.
 */
export class BroadcastingNodeSource implements NodeSource {
  readonly description: string;
  readonly patchNode?: (uuid: string, patch: readonly NodePatch[]) => Promise<IronicNode>;
  readonly watch?: (onChange: () => void) => () => void;
  private differ = new InventoryDiffer();
  /** The next inventory sent replaces what the relays hold. */
  private resetting = true;
  /** `resync` was asked: the next load starts by forgetting. */
  private forgetting = false;
  /** The load's comparison with what was sent, which spans turns of the event loop (see `InventoryDiffer.patched`). */
  private comparing: Promise<unknown> = Promise.resolve();
  /** The nodes patched since the load under way had the inner source's answer: that load answers them too. */
  private patchedSinceAnswer: Map<string, IronicNode> | undefined;

  constructor(
    private readonly inner: NodeSource,
    /**
     * Sends to every relay, in order; resolves once the message is written. A load answers only then:
     * the catalog replaces each decoded drive in its node by a reference, and a node not yet written
     * would reach the relays without its drive.
     */
    private readonly broadcast: (message: ToWorker) => Promise<void>,
    /** Decodes each piece's drives once the piece is written to every relay; none without it. */
    private readonly decodeDrive?: DriveDecoder,
  ) {
    this.description = inner.description;
    this.watch = inner.watch?.bind(inner);
    const patch = inner.patchNode?.bind(inner);
    if (patch) {
      this.patchNode = async (uuid, operations) => {
        const node = await patch(uuid, operations);
        this.patchedSinceAnswer?.set(node.uuid, node);
        // After the comparison under way (or one begun meanwhile), whose pieces then go first: noted
        // during it, the PATCH would be lost from what the differ knows the relays hold.
        for (let comparing = this.comparing; ; comparing = this.comparing) {
          await comparing;
          if (comparing === this.comparing) break;
        }
        // While a whole inventory is due (a new syncer's first, a resync's), the node is sent but not
        // noted as sent: relays replace what they hold by that inventory, which must still carry it.
        // Otherwise it is sent only if the relays hold the node.
        const delta = this.resetting ? nodeDelta(node) : this.differ.patched(node);
        if (delta) await this.broadcastAll(inventoryMessages(delta, false));
        return node;
      };
    }
  }

  /**
   * Makes the next load read the whole inventory anew and send it to every relay as a reset: what a
   * relay that starts now needs, since the syncer keeps no config drive as stored once decoded.
   */
  resync(): void {
    this.forgetting = true;
  }

  /** A resync was asked and its load has not begun (a load in flight when it was asked does not count). */
  get resyncPending(): boolean {
    return this.forgetting;
  }

  async load(): Promise<Inventory> {
    if (this.forgetting) {
      this.forgetting = false;
      this.inner.forget?.();
      this.differ = new InventoryDiffer();
      this.resetting = true;
    }
    let inventory: Inventory;
    try {
      inventory = await this.inner.load();
    } catch (error) {
      await this.broadcast({ kind: 'ironic-metadata:sync-failed', message: (error as Error).message });
      throw error;
    }
    const patched = new Map<string, IronicNode>();
    this.patchedSinceAnswer = patched;
    try {
      const comparing = this.differ.delta(inventory);
      this.comparing = comparing;
      const delta = await comparing;
      const reset = this.resetting;
      if (delta) this.resetting = false;
      await this.broadcastDecoding(delta ? inventoryMessages(delta, reset) : [{ kind: 'ironic-metadata:synced' }]);
    } finally {
      this.patchedSinceAnswer = undefined;
    }
    // The relays get the PATCHes answered meanwhile after this load's pieces; the syncer's catalog,
    // which builds its index from this answer, gets them in it.
    return patched.size === 0
      ? inventory
      : Object.assign({}, inventory, { nodes: inventory.nodes.map((node) => patched.get(node.uuid) ?? node) });
  }

  private broadcastAll(messages: ToWorker[]): Promise<unknown> {
    return Promise.all(messages.map((message) => this.broadcast(message)));
  }

  /** Sends `messages`, and decodes the drives of each piece as soon as it is written, while the next go out. */
  private async broadcastDecoding(messages: ToWorker[]): Promise<void> {
    const decode = this.decodeDrive;
    if (!decode) return void (await this.broadcastAll(messages));
    let decoded = Promise.resolve();
    await Promise.all(
      messages.map((message) =>
        this.broadcast(message).then(() => {
          if (message.kind === 'ironic-metadata:inventory') decoded = decoded.then(() => decodeAhead(message.delta.nodes.set, decode));
        }),
      ),
    );
    await decoded;
  }
}

/**
 * The syncer's side of a broadcast: each message goes to the primary only once the one before it was
 * written to every relay (`relayed`, the primary's acknowledgement), so that the primary holds one
 * piece of a fleet at a time however slowly a relay reads. `broadcast` resolves on the acknowledgement.
 */
export class RelayedOneAtATime {
  private last = Promise.resolve();
  private acknowledge: (() => void) | undefined;

  constructor(private readonly send: (message: ToPrimary) => void) {}

  readonly broadcast = (message: ToWorker): Promise<void> => {
    this.last = this.last.then(
      () =>
        new Promise<void>((resolve) => {
          this.acknowledge = resolve;
          this.send({ kind: 'ironic-metadata:broadcast', message });
        }),
    );
    return this.last;
  };

  /** The primary says the message sent last reached every relay. */
  relayed(): void {
    const acknowledge = this.acknowledge;
    this.acknowledge = undefined;
    acknowledge?.();
  }
}

/** Answers a relay's request with the syncer's catalog (which rate-limits refreshes as for its own clients). */
export async function answerWorker(
  catalog: NodeCatalog,
  request: Extract<ToPrimary, { kind: 'ironic-metadata:request' }>,
): Promise<Extract<ToWorker, { kind: 'ironic-metadata:reply' }>> {
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
 * A relay's node source: what the syncer loaded, passed on by the primary. A load hands out the
 * latest outcome; asked when no new one has arrived (a client no node matched), it asks the syncer to refresh
 * (at most once per 5 s for the whole service) and hands out what that brought.
 */
export class RelayedNodeSource implements NodeSource {
  readonly patchNode?: (uuid: string, patch: readonly NodePatch[]) => Promise<IronicNode>;
  private replica = new InventoryReplica();
  /** A whole inventory arrived (`reset`): pieces before the first are of no use, and dropped. */
  private whole = false;
  /** The inventory as the syncer last sent it. */
  private inventory: Inventory | undefined;
  private outcome: Outcome | undefined;
  /** An outcome arrived that no load has handed out yet. */
  private unread = false;
  private readonly listeners = new Set<() => void>();
  private readonly pending = new Map<number, (reply: Extract<ToWorker, { kind: 'ironic-metadata:reply' }>) => void>();
  private nextId = 0;
  private firstOutcome: (() => void) | undefined;
  /** Resolves once the first outcome arrived: a whole inventory, or a failure. */
  readonly ready = new Promise<void>((resolve) => (this.firstOutcome = resolve));
  /** Set while a piece's drives are decoded: the messages after it wait, and are taken in order. */
  private taking: Promise<void> | undefined;

  constructor(
    readonly description: string,
    writable: boolean,
    private readonly send: (message: ToPrimary) => void,
    /**
     * Started after a fleet was sent (a replacement): it is ready with the whole inventory only, not
     * with a failed sync, so that it does not serve an empty index while the others serve theirs.
     */
    private readonly late = false,
    /** Decodes each piece's drives as it arrives, before the next message is taken; none without it. */
    private readonly decodeDrive?: DriveDecoder,
  ) {
    if (writable) {
      this.patchNode = async (uuid, patch) => {
        const reply = await this.ask((id) => ({ kind: 'ironic-metadata:request', id, op: 'patch', uuid, patch: [...patch] }));
        if (reply.error !== undefined || !reply.node) throw new Error(reply.error ?? 'the syncing worker answered no node');
        return reply.node;
      };
    }
  }

  /** Takes a message the primary passed on, after those before it; the others' are ignored. */
  receive(message: ToWorker): void {
    const taken = this.taking ? this.taking.then(() => this.take(message)) : this.take(message);
    if (!taken) return;
    this.taking = taken;
    void taken.then(() => {
      if (this.taking === taken) this.taking = undefined;
    });
  }

  /** Takes `message` at once, or answers a promise when it must first decode drives. */
  private take(message: ToWorker): Promise<void> | undefined {
    switch (message.kind) {
      case 'ironic-metadata:inventory': {
        if (message.reset) {
          this.replica = new InventoryReplica();
          this.whole = true;
        }
        if (!this.whole) break;
        this.replica.apply(message.delta);
        const decoding =
          this.decodeDrive && message.delta.nodes.set.length > 0 ? decodeAhead(message.delta.nodes.set, this.decodeDrive) : undefined;
        if (message.more) return decoding;
        const complete = () => {
          this.inventory = this.replica.inventory();
          this.settle({ inventory: this.inventory });
        };
        if (decoding) return decoding.then(complete);
        complete();
        break;
      }
      case 'ironic-metadata:synced':
        if (this.inventory) this.settle({ inventory: this.inventory });
        break;
      case 'ironic-metadata:sync-failed':
        if (this.late && !this.inventory) break;
        this.settle({ error: message.message });
        break;
      case 'ironic-metadata:syncer-lost':
        // Pieces of a whole inventory may have come in part: the last one whole stands until the next.
        this.whole = false;
        break;
      case 'ironic-metadata:reply':
        this.pending.get(message.id)?.(message);
        this.pending.delete(message.id);
        break;
    }
    return undefined;
  }

  async load(): Promise<Inventory> {
    if (!this.unread) {
      const reply = await this.ask((id) => ({ kind: 'ironic-metadata:request', id, op: 'refresh' }));
      // No syncer answered (one is being replaced): what this relay holds is no fresher than before.
      if (reply.error !== undefined && !this.unread) throw new Error(reply.error);
    }
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

  /** The syncer answers in order, and sends a refresh's outcome before its reply. */
  private ask(request: (id: number) => ToPrimary): Promise<Extract<ToWorker, { kind: 'ironic-metadata:reply' }>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.send(request(id));
    });
  }
}
