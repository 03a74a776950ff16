import type { Inventory } from '@ironic-metadata/ironic-model';

/** One collection's changes: items added or changed (whole), and the uuids of items gone. */
export interface Changes<T> {
  set: T[];
  removed: string[];
  /**
   * Every uuid of the collection in the sender's order, sent only when that order is not the one the
   * replica keeps by itself (items kept in place, new ones after them): where two nodes claim one
   * address the later one is found, so a relay in another order than the syncer's could answer
   * another node. Carried by the last piece of a split delta, after every item is set.
   */
  order?: string[];
}

/** What changed in an inventory since the last one sent; applied in order, it rebuilds the same inventory. */
export interface InventoryDelta {
  nodes: Changes<Inventory['nodes'][number]>;
  ports: Changes<Inventory['ports'][number]>;
  portgroups: Changes<Inventory['portgroups'][number]>;
}

const COLLECTIONS = ['nodes', 'ports', 'portgroups'] as const;
type Sent = { [K in keyof InventoryDelta]: Map<string, InventoryDelta[K]['set'][number]> };

function emptySent(): Sent {
  return { nodes: new Map(), ports: new Map(), portgroups: new Map() };
}

/**
 * The sending side: remembers the items last sent, by uuid, and answers only those that are not the
 * very same objects now. Sources hand back an unchanged node as the same object (NodeSource), so a
 * sync that changed one node sends one node, not the fleet: at 10,000 nodes the whole inventory is
 * tens of MB, and decoding it would hold every worker's event loop for a quarter of a second.
 */
export class InventoryDiffer {
  private sent = emptySent();
  private last: Inventory | undefined;

  /** The changes since the last call; undefined when `inventory` is the very inventory sent last. */
  delta(inventory: Inventory): InventoryDelta | undefined {
    if (inventory === this.last) return undefined;
    this.last = inventory;
    const next = emptySent();
    const delta: InventoryDelta = {
      nodes: { set: [], removed: [] },
      ports: { set: [], removed: [] },
      portgroups: { set: [], removed: [] },
    };
    for (const key of COLLECTIONS) {
      const before = this.sent[key] as Map<string, unknown>;
      const changes = delta[key] as Changes<unknown>;
      for (const item of inventory[key]) {
        (next[key] as Map<string, unknown>).set(item.uuid, item);
        if (before.get(item.uuid) !== item) changes.set.push(item);
      }
      for (const uuid of before.keys()) if (!next[key].has(uuid)) changes.removed.push(uuid);
      if (!keptInPlace(before, next[key])) changes.order = [...next[key].keys()];
    }
    this.sent = next;
    return delta;
  }

  /** A node changed outside a load (a PATCH): sent now, and not again while the source answers it. */
  patched(node: Inventory['nodes'][number]): InventoryDelta {
    this.sent.nodes.set(node.uuid, node);
    return nodeDelta(node);
  }
}

/**
 * Whether `next`'s order is the one a replica holding `before` reaches by itself: the items of
 * `before` still there, in their order, then the new ones.
 */
function keptInPlace(before: ReadonlyMap<string, unknown>, next: ReadonlyMap<string, unknown>): boolean {
  const kept = before.keys();
  let added = false;
  for (const uuid of next.keys()) {
    if (!before.has(uuid)) {
      added = true;
      continue;
    }
    if (added) return false;
    let expected = kept.next();
    while (!expected.done && !next.has(expected.value)) expected = kept.next();
    if (expected.value !== uuid) return false;
  }
  return true;
}

/** The delta that sets one node. */
export function nodeDelta(node: Inventory['nodes'][number]): InventoryDelta {
  return { nodes: { set: [node], removed: [] }, ports: { set: [], removed: [] }, portgroups: { set: [], removed: [] } };
}

/**
 * The receiving side: the inventory as the deltas built it. Unchanged items stay the same objects
 * from one inventory to the next, as the catalog's config drive cache expects of a source.
 */
export class InventoryReplica {
  private readonly items = emptySent();

  apply(delta: InventoryDelta): void {
    for (const key of COLLECTIONS) {
      const items = this.items[key] as Map<string, unknown>;
      const { removed, set, order } = delta[key];
      for (const uuid of removed) items.delete(uuid);
      for (const item of set as { uuid: string }[]) items.set(item.uuid, item);
      if (order) (this.items[key] as Map<string, unknown>) = new Map(order.map((uuid) => [uuid, items.get(uuid)]));
    }
  }

  /** The inventory the deltas applied so far make. */
  inventory(): Inventory {
    return {
      nodes: [...this.items.nodes.values()],
      ports: [...this.items.ports.values()],
      portgroups: [...this.items.portgroups.values()],
    };
  }
}

/**
 * `delta` in pieces of at most `size` items (removals are free): sent one at a time, a fleet's worth
 * of changes never sits whole in a pipe's buffer or a parser, and each piece holds a worker's event
 * loop a few milliseconds rather than the whole inventory's quarter second.
 */
export function splitDelta(delta: InventoryDelta, size: number): InventoryDelta[] {
  const pieces: InventoryDelta[] = [];
  const empty = (): InventoryDelta => ({
    nodes: { set: [], removed: [] },
    ports: { set: [], removed: [] },
    portgroups: { set: [], removed: [] },
  });
  let piece = empty();
  let items = 0;
  for (const key of COLLECTIONS) {
    (piece[key].removed as string[]).push(...delta[key].removed);
    for (const item of delta[key].set) {
      if (items === size) {
        pieces.push(piece);
        piece = empty();
        items = 0;
      }
      (piece[key].set as unknown[]).push(item);
      items++;
    }
  }
  // The order once every item of the delta is set.
  for (const key of COLLECTIONS) if (delta[key].order) piece[key].order = delta[key].order;
  pieces.push(piece);
  return pieces;
}
