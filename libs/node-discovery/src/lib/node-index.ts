import { normalizeMac } from '@ironic-metadata/ironic-model';
import { normalizeIp } from '@ironic-metadata/node-addresses';
import { isEligible, nodeLabel, type IndexedNode } from '@ironic-metadata/node-addresses';
import type { LeaseLookup } from '@ironic-metadata/node-addresses';
import { addressMatchers, claimedAddresses, type AddressMatcher, type MatchMethod } from '@ironic-metadata/node-addresses';
import type { EventLoopSlices } from './event-loop-slices';

/** What one matcher said about an address, for the operator's trace. */
export interface MatchStep {
  method: MatchMethod;
  outcome: 'matched' | 'no-match' | 'ambiguous' | 'ineligible';
  detail: string;
}

/**
 * The node an address belongs to, or why none does; `mac` is the leased MAC when it was matched
 * through a DHCP lease, `ineligible` a node that claims the address but carries no instance.
 */
export type Match =
  | { found: true; ip: string; entry: IndexedNode; method: MatchMethod; mac?: string }
  | { found: false; ip: string; reason: string; ineligible?: IndexedNode };

/** A match with what each matcher said on the way, for an operator (the CLI's `lookup`). */
export type Lookup = Match & { trace: MatchStep[] };

const NONE: readonly string[] = [];

/**
 * At most how many entries an index files over the last full build plus how many of that build's it
 * hides (a changed node counts twice) before the next build is a full one: each such index copies the
 * maps of its changes, and the last full build keeps the entries it hides alive, drives included.
 */
const CHANGES_MAX = 512;

/** What an entry is filed under besides its uuid, name and instance ids, which are read from it as they are. */
interface EntryKeys {
  /** Per address matcher, in the index's order: the addresses it reads from the entry, each once. */
  addresses: readonly (readonly string[])[];
  /** Its ports' MACs, normalised. */
  macs: readonly string[];
}

/** The maps that file each entry under one key of a kind. */
type KeyedBy = 'byMac' | 'byUuid' | 'byName' | 'byInstanceId';

/** Calls `visit` with every key an entry is filed under: an address matcher's index, or a map's name. */
function forEachKey(entry: IndexedNode, keys: EntryKeys, visit: (map: number | KeyedBy, key: string) => void): void {
  keys.addresses.forEach((addresses, i) => addresses.forEach((address) => visit(i, address)));
  visit('byUuid', entry.node.uuid);
  if (entry.node.name) visit('byName', entry.node.name);
  for (const id of [entry.node.uuid, entry.node.instance_uuid, entry.configDrive?.metaData.uuid]) {
    if (typeof id === 'string' && id) visit('byInstanceId', id);
  }
  for (const mac of keys.macs) visit('byMac', mac);
}

/**
 * One set of maps: a full build's, or the changes filed over it since. Changes are filed only under
 * keys no other indexed entry holds, so in a copied set no key is ever held twice.
 */
class Filing {
  readonly byAddress: Map<string, IndexedNode[]>[];
  readonly byMac: Map<string, IndexedNode>;
  readonly byUuid: Map<string, IndexedNode>;
  readonly byName: Map<string, IndexedNode>;
  readonly byInstanceId: Map<string, IndexedNode>;
  /** Each entry filed, with its keys. */
  readonly keys: Map<IndexedNode, EntryKeys>;
  /**
   * Keys (`map key`) more than one entry was filed under: which of them a lookup finds depends on
   * their order, so an index that changes one of them is built in full.
   */
  readonly contested = new Set<string>();
  /** A uuid was filed twice (the same entry, or two): which one an index built from this finds depends on the order. */
  uuidTwice = false;

  constructor(matchers: number, copied?: Filing) {
    this.byAddress = copied ? copied.byAddress.map((map) => new Map(map)) : Array.from({ length: matchers }, () => new Map());
    this.byMac = new Map(copied?.byMac);
    this.byUuid = new Map(copied?.byUuid);
    this.byName = new Map(copied?.byName);
    this.byInstanceId = new Map(copied?.byInstanceId);
    this.keys = new Map(copied?.keys);
  }

  /** Files an entry under each of its keys; a later entry with the same MAC, uuid, name or instance id wins. */
  add(entry: IndexedNode, keys: EntryKeys): void {
    this.keys.set(entry, keys);
    forEachKey(entry, keys, (map, key) => {
      if (typeof map === 'number') {
        // A copy shares its lists with the set it was copied from, but never finds a key held.
        const claimants = this.byAddress[map].get(key);
        if (claimants) {
          claimants.push(entry);
          this.contested.add(`${map} ${key}`);
        } else this.byAddress[map].set(key, [entry]);
        return;
      }
      const held = this[map].get(key);
      if (held !== undefined && held !== entry) this.contested.add(`${map} ${key}`);
      if (held !== undefined && map === 'byUuid') this.uuidTwice = true;
      this[map].set(key, entry);
    });
  }

  /** Takes an entry out of every map it is filed in (an uncontested entry, the only one under its keys). */
  remove(entry: IndexedNode): void {
    const keys = this.keys.get(entry);
    if (!keys) return;
    this.keys.delete(entry);
    forEachKey(entry, keys, (map, key) => {
      if (typeof map === 'number') this.byAddress[map].delete(key);
      else if (this[map].get(key) === entry) this[map].delete(key);
    });
  }
}

/**
 * An immutable, in-memory view of the fleet: client address -> node by each matcher, MAC -> node.
 * Built whenever a load or a PATCH changed a node, port or portgroup; lookups never call Ironic.
 *
 * Built from a previous index, it files only what changed: the maps of the previous index's last full
 * build are shared, and the entries added or changed since are filed in small maps of their own, over
 * them (up to CHANGES_MAX, then it is built in full again). With one node changed or gone, that takes
 * 1-8 ms at 10,000 nodes and 15-30 ms at 100,000, where filing every node again took 5-25 and 130-240
 * ms (in-process, jest), and 55-95 ms a sync in a busy worker at 10,000 (tools/bench, --cpu-profile-dir).
 */
export class NodeIndex {
  private readonly matchNodeName: boolean;
  private readonly matchers: readonly AddressMatcher[];
  /** The last full build's maps, shared by the indexes built from this one. */
  private base: Filing;
  /** The entries added or changed since that build. */
  private changes: Filing;
  /** The entries of `base` gone or changed since (one that came back is filed again in `changes`). */
  private hidden: ReadonlySet<IndexedNode> = new Set();
  private indexed: readonly IndexedNode[] = [];

  /**
   * Indexes `entries`; a later entry with the same MAC, uuid, name or instance id wins. From a
   * `previous` index built with the same options, only the entries that are not among its own are
   * filed, over its maps (or, where `fileChanges` says a full build is due, every entry, with the
   * keys of those it shares taken from it: reading them is about four fifths of a full build,
   * in-process). An entry must not change once indexed: a changed node gets a new one.
   */
  constructor(entries: readonly IndexedNode[], options: { matchNodeName: boolean }, previous?: NodeIndex) {
    this.matchNodeName = options.matchNodeName;
    this.matchers = addressMatchers(options);
    this.base = new Filing(this.matchers.length);
    this.changes = new Filing(this.matchers.length);
    const steps = this.file(entries, previous);
    while (!steps.next().done);
  }

  /**
   * The index `new NodeIndex(entries, options, previous)` builds, built between the turns of the
   * event loop that `slices` allows: the catalog builds a new index whenever a node changed, and a
   * full build without `previous` takes about 15-20 µs a node (140-200 ms at 10,000 nodes, in one
   * piece); filing only the changes over `previous`, 30-55 ms at 100,000 nodes (in-process, jest).
   */
  static async build(
    entries: readonly IndexedNode[],
    options: { matchNodeName: boolean },
    slices: EventLoopSlices,
    previous?: NodeIndex,
  ): Promise<NodeIndex> {
    const index = new NodeIndex([], options);
    const steps = index.file(entries, previous);
    while (!steps.next().done) if (slices.spent()) await slices.turn();
    return index;
  }

  /** Files `entries`, over `previous` where `fileChanges` can, else in full; yields once a node. */
  private *file(entries: readonly IndexedNode[], previous: NodeIndex | undefined): Generator<void, void, void> {
    this.indexed = entries;
    const known = this.sameMatchers(previous);
    if (known && (yield* this.fileChanges(entries, known))) return;
    for (const entry of entries) {
      this.base.add(entry, known?.keysOf(entry) ?? this.readKeys(entry));
      yield;
    }
  }

  /** The nodes indexed, in the order given. */
  get entries(): readonly IndexedNode[] {
    return this.indexed;
  }

  get size(): number {
    return this.indexed.length;
  }

  /** `previous`, when it read keys with the same matchers. */
  private sameMatchers(previous: NodeIndex | undefined): NodeIndex | undefined {
    return previous?.matchNodeName === this.matchNodeName ? previous : undefined;
  }

  private keysOf(entry: IndexedNode): EntryKeys | undefined {
    return this.changes.keys.get(entry) ?? this.base.keys.get(entry);
  }

  private readKeys(entry: IndexedNode): EntryKeys {
    // Most matchers read nothing from a node: one empty list for all of them, kept for every node.
    const once = (keys: string[]) => (keys.length === 0 ? NONE : [...new Set(keys)]);
    return {
      addresses: this.matchers.map((matcher) => once(claimedAddresses(matcher, entry))),
      macs: once(entry.ports.flatMap((port) => normalizeMac(port.address) ?? [])),
    };
  }

  /**
   * Makes this index `previous` with the changes that make its entries `entries`, filed over its
   * maps; false (and nothing made) when a full build is due: too many changes (CHANGES_MAX), a uuid
   * or an entry twice on either side, kept entries in another order, or where which of two entries
   * claiming a key wins could differ from a full build's answer: a change to a key two entries
   * claimed in the last full build, or an entry added under a key another one holds. Yields before
   * each node it compares. Kept entries in another order happen after the Ironic source lists all
   * nodes again, which puts the ones it had fetched one by one back in Ironic's order: that build is
   * a full one, sliced as any.
   */
  private *fileChanges(entries: readonly IndexedNode[], previous: NodeIndex): Generator<void, boolean, void> {
    const limit = CHANGES_MAX - previous.changes.keys.size - previous.hidden.size;
    if (previous.base.uuidTwice) return false;
    const added: IndexedNode[] = [];
    const addedUuids = new Set<string>();
    /** Entries of `previous` not kept: replaced or dropped. */
    const gone = new Set<IndexedNode>();
    // The kept entries must come in the order they had (where two entries claim a key, the later one
    // wins), each once: walking `previous` alongside finds those not kept without a set of them all.
    const before = previous.indexed;
    let at = 0;
    /** Marks gone the entries of `previous` from where the walk is to `entry` (or to its end); false past the limit. */
    const skipTo = (entry?: IndexedNode) => {
      for (; at < before.length && before[at] !== entry; at++) {
        gone.add(before[at]);
        if (gone.size > limit) return false;
      }
      return true;
    };
    for (const entry of entries) {
      yield;
      const holder = previous.one('byUuid', entry.node.uuid);
      if (holder === entry) {
        // Not after the last one kept: out of order, or there twice.
        if (!skipTo(entry) || at === before.length) return false;
        at++;
        continue;
      }
      if (addedUuids.has(entry.node.uuid)) return false;
      addedUuids.add(entry.node.uuid);
      added.push(entry);
      if (added.length > limit) return false;
    }
    if (!skipTo()) return false;
    if (added.length + gone.size > limit) return false;
    for (const entry of gone) {
      let contested = false;
      forEachKey(
        entry,
        previous.keysOf(entry) ?? this.readKeys(entry),
        (map, key) => (contested ||= previous.base.contested.has(`${map} ${key}`)),
      );
      if (contested) return false;
    }
    const addedKeys = new Map<IndexedNode, EntryKeys>();
    const claimed = new Map<string, IndexedNode>();
    const live = (holder: IndexedNode | undefined) => holder !== undefined && !gone.has(holder);
    for (const entry of added) {
      const keys = previous.keysOf(entry) ?? this.readKeys(entry);
      addedKeys.set(entry, keys);
      let contested = false;
      forEachKey(entry, keys, (map, key) => {
        const id = `${map} ${key}`;
        const other = claimed.get(id);
        if (other !== undefined && other !== entry) contested = true;
        claimed.set(id, entry);
        if (typeof map === 'number' ? previous.claimants(map, key)?.some(live) : live(previous.one(map, key))) contested = true;
      });
      if (contested) return false;
    }
    const changes = new Filing(this.matchers.length, previous.changes);
    const hidden = new Set(previous.hidden);
    for (const entry of gone) {
      if (changes.keys.has(entry)) changes.remove(entry);
      else hidden.add(entry);
    }
    for (const [entry, keys] of addedKeys) changes.add(entry, keys);
    this.base = previous.base;
    this.changes = changes;
    this.hidden = hidden;
    return true;
  }

  /** The entry filed under `key` in `map`: a change, else one of the last full build's still indexed. */
  private one(map: KeyedBy, key: string): IndexedNode | undefined {
    const changed = this.changes[map].get(key);
    if (changed) return changed;
    const held = this.base[map].get(key);
    return held && !this.hidden.has(held) ? held : undefined;
  }

  /**
   * The entries the matcher at `i` files under `address`, in the order indexed: a change's, else the
   * last full build's still indexed (a change is filed only where none of those is).
   */
  private claimants(i: number, address: string): readonly IndexedNode[] | undefined {
    const changed = this.changes.byAddress[i].get(address);
    if (changed) return changed;
    const held = this.base.byAddress[i].get(address);
    return held && this.hidden.size > 0 && held.some((entry) => this.hidden.has(entry))
      ? held.filter((entry) => !this.hidden.has(entry))
      : held;
  }

  /** The node a port with this MAC belongs to. */
  nodeByMac(mac: string): IndexedNode | undefined {
    const normalized = normalizeMac(mac);
    return normalized ? this.one('byMac', normalized) : undefined;
  }

  /**
   * The node with this uuid, else the one with this name: a uuid wins over another node's name that
   * reads the same, as Ironic's `GET /v1/nodes/{node_ident}` tries the uuid first.
   */
  nodeByUuidOrName(id: string): IndexedNode | undefined {
    return this.one('byUuid', id) ?? this.one('byName', id);
  }

  /** The node an instance id names: its config drive's uuid, the node's instance_uuid, or its uuid. */
  nodeByInstanceId(instanceId: string): IndexedNode | undefined {
    return this.one('byInstanceId', instanceId);
  }

  /**
   * Finds the node behind a client address. Each matcher is tried in order, then the DHCP leases
   * (address -> MAC of a live IPv4 or IPv6 lease -> port -> node); only nodes that carry an instance count, and
   * an address two such nodes claim is refused rather than guessed. Says nothing of the matchers it
   * tried: the service asks this on every request, where the trace's strings were about 0.5 KB of the
   * 23 KB a `meta_data.json` request allocated (V8's sampling heap profiler) and nobody read them.
   */
  match(clientIp: string, leases?: LeaseLookup): Match {
    return this.find(normalizeIp(clientIp), leases, undefined);
  }

  /** The same answer as `match`, with a step for each matcher tried, in order. */
  lookup(clientIp: string, leases?: LeaseLookup): Lookup {
    const trace: MatchStep[] = [];
    return Object.assign({}, this.find(normalizeIp(clientIp), leases, trace), { trace });
  }

  /** `trace?.push(...)` builds a step's strings only when there is a trace to keep them. */
  private find(ip: string, leases: LeaseLookup | undefined, trace: MatchStep[] | undefined): Match {
    let ineligible: IndexedNode | undefined;
    for (let i = 0; i < this.matchers.length; i++) {
      const matcher = this.matchers[i];
      const claimants = this.claimants(i, ip);
      if (!claimants?.length) {
        trace?.push({ method: matcher.method, outcome: 'no-match', detail: `no node has ${ip} in ${matcher.field}` });
        continue;
      }
      const eligible = claimants.filter(isEligible);
      if (eligible.length === 1) {
        trace?.push({
          method: matcher.method,
          outcome: 'matched',
          detail: `${ip} is in ${matcher.field} of node ${nodeLabel(eligible[0].node)}`,
        });
        return { found: true, ip, entry: eligible[0], method: matcher.method };
      }
      if (eligible.length > 1) {
        const nodes = eligible.map((entry) => nodeLabel(entry.node)).join(', ');
        trace?.push({ method: matcher.method, outcome: 'ambiguous', detail: `${ip} is in ${matcher.field} of several nodes: ${nodes}` });
        return { found: false, ip, reason: `${ip} is claimed by several nodes (${nodes}) through ${matcher.field}; refusing to guess` };
      }
      ineligible ??= claimants[0];
      trace?.push({
        method: matcher.method,
        outcome: 'ineligible',
        detail: `${ip} is in ${matcher.field}, but ${claimants.map((entry) => `${nodeLabel(entry.node)} is ${entry.node.provision_state}`).join(', ')}`,
      });
    }
    if (leases) {
      const found = this.matchLease(ip, leases, trace);
      if (found) return found;
    }
    if (ineligible) {
      const reason = `${ip} belongs to node ${nodeLabel(ineligible.node)}, which is ${ineligible.node.provision_state}: only nodes with an instance (active or deploying) are served`;
      return { found: false, ip, reason, ineligible };
    }
    return { found: false, ip, reason: `no node matches ${ip}` };
  }

  private matchLease(ip: string, leases: LeaseLookup, trace: MatchStep[] | undefined): Match | undefined {
    const held = leases.macFor(ip);
    if ('reason' in held) {
      trace?.push({ method: 'dhcp_lease', outcome: 'no-match', detail: held.reason });
      return undefined;
    }
    const entry = this.nodeByMac(held.mac);
    const holder = held.lease.family === 6 ? `${held.mac} (the MAC in its client DUID, a ${held.lease.duid?.typeName})` : held.mac;
    if (!entry) {
      trace?.push({
        method: 'dhcp_lease',
        outcome: 'no-match',
        detail: `${ip} is leased to ${holder} (line ${held.lease.line}), which is no node's port`,
      });
      return undefined;
    }
    if (!isEligible(entry)) {
      trace?.push({
        method: 'dhcp_lease',
        outcome: 'ineligible',
        detail: `${ip} is leased to ${holder}, a port of node ${nodeLabel(entry.node)}, which is ${entry.node.provision_state}`,
      });
      return {
        found: false,
        ip,
        reason: `${ip} is leased to a port of node ${nodeLabel(entry.node)}, which is ${entry.node.provision_state}: only nodes with an instance (active or deploying) are served`,
        ineligible: entry,
      };
    }
    trace?.push({
      method: 'dhcp_lease',
      outcome: 'matched',
      detail: `${ip} is leased to ${holder}, a port of node ${nodeLabel(entry.node)}`,
    });
    return { found: true, ip, entry, method: 'dhcp_lease', mac: held.mac };
  }
}
