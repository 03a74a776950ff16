import type { Inventory } from '@ironic-metadata/ironic-model';
import { EventLoopSlices } from '@ironic-metadata/node-discovery';

/** One collection's changes: items added or changed (whole), and the uuids of items gone. */
export interface Changes<T> {
  set: T[];
  removed: string[];
  /**
   * Every uuid of the collection in the sender's order, sent only when that order is not the one the
   * replica keeps by itself (items kept in place, new ones after them): where two nodes claim one
   * address the later one is found, so a relay in another order than the syncer's could answer
   * another node. Of ports and portgroups only the order within a node counts (the catalog reads
   * them by node). Carried by the last piece of a split delta, after every item is set.
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

/** A delta that changes nothing. */
function emptyDelta(): InventoryDelta {
  return { nodes: { set: [], removed: [] }, ports: { set: [], removed: [] }, portgroups: { set: [], removed: [] } };
}

/** The node a port or portgroup belongs to. */
function nodeOf(item: unknown): string {
  return (item as { node_uuid: string }).node_uuid;
}

/**
 * Whether, node by node, `listed` (ports or portgroups) keeps the order of those of `before` still
 * there, with new ones after them. Within each node, the replica's order is then `before`'s, as far
 * as the catalog, which reads them by node, can tell; unless an item moved to another node (see
 * `delta`).
 */
async function inPlaceByNode(
  before: ReadonlyMap<string, unknown>,
  listed: ReadonlyMap<string, unknown>,
  slices: EventLoopSlices,
): Promise<boolean> {
  const nodes = new Map<string, { kept: string[]; matched: number; added: boolean }>();
  for (const [uuid, item] of listed) {
    let node = nodes.get(nodeOf(item));
    if (!node) nodes.set(nodeOf(item), (node = { kept: [], matched: 0, added: false }));
    if (!before.has(uuid)) node.added = true;
    else if (node.added) return false;
    else node.kept.push(uuid);
    if (slices.spent()) await slices.turn();
  }
  for (const uuid of before.keys()) {
    const item = listed.get(uuid);
    const node = item === undefined ? undefined : nodes.get(nodeOf(item));
    if (node && node.kept[node.matched++] !== uuid) return false;
    if (slices.spent()) await slices.turn();
  }
  return true;
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

  /**
   * The changes since the last call; undefined when `inventory` is the very inventory sent last. Lets
   * the event loop turn whenever `slices` says a slice is spent: at 100,000 nodes this comparison held
   * the syncer's event loop for 100 ms in one piece (tools/bench, --cpu-profile-dir).
   */
  async delta(inventory: Inventory, slices = new EventLoopSlices()): Promise<InventoryDelta | undefined> {
    if (inventory === this.last) return undefined;
    this.last = inventory;
    const next = emptySent();
    const delta = emptyDelta();
    for (const key of COLLECTIONS) {
      const before = this.sent[key] as Map<string, unknown>;
      const listed = next[key] as Map<string, unknown>;
      const changes = delta[key] as Changes<unknown>;
      // The replica keeps the items it holds in place and adds new ones after them: the uuids kept,
      // in the order listed, tell whether that is this inventory's order.
      const kept: string[] = [];
      let added = false;
      let inPlace = true;
      // A port or portgroup moved to another node: where it stands among that node's ones is where
      // the replica held it in its own order, which may not be the one last listed.
      let moved = false;
      for (const item of inventory[key]) {
        listed.set(item.uuid, item);
        const sent = before.get(item.uuid);
        if (sent === undefined) added = true;
        else {
          kept.push(item.uuid);
          if (added) inPlace = false;
          if (key !== 'nodes' && sent !== item && nodeOf(sent) !== nodeOf(item)) moved = true;
        }
        if (sent !== item) changes.set.push(item);
        if (slices.spent()) await slices.turn();
      }
      let position = 0;
      for (const uuid of before.keys()) {
        if (!listed.has(uuid)) changes.removed.push(uuid);
        else if (kept[position++] !== uuid) inPlace = false;
        if (slices.spent()) await slices.turn();
      }
      // A port plugged into any node but the last is listed before others: only the order within a
      // node counts, checked only then (at 100,000 ports, this doubled the comparison, jest).
      if (moved) inPlace = false;
      else if (!inPlace && key !== 'nodes') inPlace = await inPlaceByNode(before, listed, slices);
      if (!inPlace) changes.order = [...listed.keys()];
    }
    this.sent = next;
    return delta;
  }

  /**
   * A node changed outside a load (a PATCH): sent now, and not again while the source answers it;
   * undefined for a node not sent (one the last load no longer had is not the relays' to serve).
   * Not while a `delta()` is under way: it compares with, then replaces, what this notes.
   */
  patched(node: Inventory['nodes'][number]): InventoryDelta | undefined {
    if (!this.sent.nodes.has(node.uuid)) return undefined;
    this.sent.nodes.set(node.uuid, node);
    return nodeDelta(node);
  }
}

/** The delta that sets one node. */
export function nodeDelta(node: Inventory['nodes'][number]): InventoryDelta {
  const delta = emptyDelta();
  delta.nodes.set.push(node);
  return delta;
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
  let piece = emptyDelta();
  let items = 0;
  for (const key of COLLECTIONS) {
    (piece[key].removed as string[]).push(...delta[key].removed);
    for (const item of delta[key].set) {
      if (items === size) {
        pieces.push(piece);
        piece = emptyDelta();
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
