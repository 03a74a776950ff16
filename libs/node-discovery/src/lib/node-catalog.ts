import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import type { ConfigDriveCache } from './configdrive-cache';
import { retryingDescriptorShortage } from './descriptor-shortage';
import { nodeLabel, type IndexedNode } from '@ironic-metadata/node-addresses';
import { EventLoopSlices } from './event-loop-slices';
import { describeLeftAside, leftAsideOf } from './left-aside';
import { NodeIndex } from './node-index';
import type { NodePatch, NodeSource } from './node-source';

/** A change asked of a source that cannot make changes (an inventory file). `code` is `READ_ONLY_SOURCE`. */
export class ReadOnlySourceError extends Error {
  /** Stable code to branch on. */
  readonly code = 'READ_ONLY_SOURCE';

  constructor(source: string) {
    super(`${source} is read-only: changes to nodes need the Ironic source (unset INVENTORY_FILE)`);
    this.name = 'ReadOnlySourceError';
  }
}

export interface NodeCatalogOptions {
  matchNodeName: boolean;
  /** Seconds between background refreshes. */
  syncIntervalSeconds?: number;
  /** Least seconds between two refreshes asked for by unknown clients. */
  unknownClientRefreshSeconds?: number;
  /** How long after the last successful load the index may still be served. Default: no limit. */
  staleBudgetSeconds?: number;
  clock?: () => number;
  /** How long building a new index may hold the event loop at a time (ms); default SLICE_MS, 5. */
  sliceMs?: number;
  /** What the operator should set or check for a load error, added to its log line as `fix` (the app names its settings). */
  advise?: (error: unknown) => string | undefined;
}

/** How fresh the index is, for requests, readiness checks, metrics and the operator. */
export interface CatalogStatus {
  loaded: boolean;
  nodes: number;
  /** When the index last loaded successfully (ms since the epoch). */
  loadedAt?: number;
  /** Seconds since then. */
  ageSeconds?: number;
  /** Loaded, and no older than the stale budget: fit to answer from. */
  usable: boolean;
  staleBudgetSeconds?: number;
  /** The last load's error, until a load succeeds. */
  lastError?: string;
}

/**
 * Keeps the current NodeIndex: loads the fleet from the source, decodes config drives (once per
 * change, through the cache) and swaps in a new immutable index. Requests read `current()` and
 * never wait for the source, except for one bounded, shared refresh when an unknown client asks.
 */
export class NodeCatalog {
  private index: NodeIndex | undefined;
  /** The inventory the index was built from: a source answers the same object when nothing changed. */
  private indexed: Inventory | undefined;
  /** When the source last answered (ms since the epoch): how fresh the index is, changed or not. */
  private loadedAt: number | undefined;
  private inFlight: Promise<NodeIndex> | undefined;
  private lastError: string | undefined;
  private lastUnknownRefresh = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  /** Counts the starts and stops of syncing: a sync under way at a stop, or of an earlier start, schedules no other. */
  private syncRun = 0;
  private unwatch: (() => void) | undefined;
  /** The config drive problem last reported per node, so each is logged once, not once per refresh. */
  private readonly reported = new Map<string, string>();
  /** The values left aside last reported per node (`field: problem`), so each is logged once. */
  private readonly reportedLeftAside = new Map<string, Set<string>>();
  /** The source's unusable items last reported. */
  private reportedUnusable = new Set<string>();
  private readonly clock: () => number;
  private readonly indexListeners: Array<(index: NodeIndex) => void> = [];
  /**
   * The nodes patched while a load builds its index from what the source answered before; set only
   * while the load in flight has read the source and builds its index (over many turns of the event loop).
   */
  private patchedWhileBuilding: IronicNode[] | undefined;
  /** The load that follows the one building, for refreshes asked meanwhile. */
  private followUp: Promise<NodeIndex> | undefined;
  /** The entries the last load built, by node uuid: decoded, checked and reported (a PATCH's are not). */
  private built = new Map<string, IndexedNode>();

  constructor(
    readonly source: NodeSource,
    private readonly configDrives: Pick<ConfigDriveCache, 'decode' | 'retain'>,
    private readonly options: NodeCatalogOptions,
    private readonly logger: Logger,
  ) {
    this.clock = options.clock ?? Date.now;
  }

  /** The last index built, or undefined before the first load succeeded. */
  current(): NodeIndex | undefined {
    return this.index;
  }

  /** Calls `listener` with the current index, if any, and with every new one as it is swapped in. */
  onIndex(listener: (index: NodeIndex) => void): void {
    this.indexListeners.push(listener);
    if (this.index) listener(this.index);
  }

  private publish(index: NodeIndex): void {
    for (const listener of this.indexListeners) listener(index);
  }

  /** How fresh the index is at `now` (by default, the catalog's clock). */
  status(now: number = this.clock()): CatalogStatus {
    const loadedAt = this.loadedAt;
    const ageSeconds = loadedAt === undefined ? undefined : (now - loadedAt) / 1000;
    const budget = this.options.staleBudgetSeconds;
    const usable = ageSeconds !== undefined && (budget === undefined || ageSeconds <= budget);
    return {
      loaded: loadedAt !== undefined,
      nodes: this.index?.size ?? 0,
      loadedAt,
      ageSeconds,
      usable,
      staleBudgetSeconds: budget,
      lastError: this.lastError,
    };
  }

  /**
   * Reloads from the source; concurrent callers share one load. A failed load keeps the last index,
   * and is logged unless `logFailure` is false (a caller that reports the error itself, and stops).
   */
  refresh({ logFailure = true }: { logFailure?: boolean } = {}): Promise<NodeIndex> {
    // A load building its index read the source before this ask, which may be for a change since (a
    // relay's next inventory, a SIGHUP): one more load follows it, shared by whoever asks meanwhile.
    if (this.inFlight && this.patchedWhileBuilding) {
      this.followUp ??= this.inFlight
        .catch(() => undefined)
        .then(() => {
          this.followUp = undefined;
          return this.refresh({ logFailure });
        });
      return this.followUp;
    }
    this.inFlight ??= this.load(logFailure).finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  /**
   * A refresh on behalf of a client no node matched, so that a node deployed a moment ago is found on
   * its first request. Shared with any refresh under way, and at most one per
   * `unknownClientRefreshSeconds`; resolves false when none was allowed or it failed.
   */
  async refreshForUnknownClient(): Promise<boolean> {
    if (!this.inFlight) {
      const now = this.clock();
      if (now - this.lastUnknownRefresh < (this.options.unknownClientRefreshSeconds ?? 5) * 1000) return false;
      this.lastUnknownRefresh = now;
    }
    try {
      // The load under way, even one building its index: a load after it, for every unknown client
      // asking meanwhile, would bypass the limit and make Ironic pay for each build.
      await (this.inFlight ?? this.refresh());
      return true;
    } catch {
      return false;
    }
  }

  /** Changes a node at the source and serves it as changed at once, without waiting for a refresh. */
  async patchNode(uuid: string, patch: readonly NodePatch[]): Promise<IronicNode> {
    if (!this.source.patchNode) throw new ReadOnlySourceError(this.source.description);
    const node = await this.source.patchNode(uuid, patch);
    if (this.index) {
      this.index = new NodeIndex(withNodes(this.index.entries, [node]), this.options, this.index);
      this.publish(this.index);
    }
    // Not undone when that load's index replaces this one.
    this.patchedWhileBuilding?.push(node);
    return node;
  }

  /** Refreshes in the background every `syncIntervalSeconds`, sooner while no index has loaded yet; called again, restarts. */
  startSync(): void {
    this.stopSync();
    const run = ++this.syncRun;
    const interval = (this.options.syncIntervalSeconds ?? 30) * 1000;
    let retryDelay = 1000;
    const tick = async () => {
      try {
        await this.refresh();
        retryDelay = 1000;
        this.schedule(run, tick, interval);
      } catch {
        // Until the first load succeeds, retry with back-off rather than wait a whole interval.
        this.schedule(run, tick, this.index ? interval : retryDelay);
        retryDelay = Math.min(retryDelay * 2, interval);
      }
    };
    this.schedule(run, tick, this.index ? interval : 0);
    this.unwatch = this.source.watch?.(() => {
      this.logger.info('node source changed; reloading', { source: this.source.description });
      this.refresh().catch(() => undefined);
    });
  }

  stopSync(): void {
    this.syncRun++;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.unwatch?.();
    this.unwatch = undefined;
  }

  private schedule(run: number, tick: () => Promise<void>, delay: number): void {
    if (run !== this.syncRun) return;
    this.timer = setTimeout(() => void tick(), delay);
    this.timer.unref();
  }

  private async load(logFailure: boolean): Promise<NodeIndex> {
    let inventory: Inventory;
    try {
      inventory = await retryingDescriptorShortage(() => this.source.load());
    } catch (error) {
      const message = (error as Error).message;
      if (logFailure && message !== this.lastError) {
        this.logger.error(this.index ? 'node refresh failed; serving the last index' : 'cannot load nodes; not ready', {
          source: this.source.description,
          error: message,
          fix: this.options.advise?.(error),
        });
      }
      this.lastError = message;
      throw error;
    }
    // Nothing changed: the index stands, only fresher. Rebuilding it held requests for 170 ms every
    // sync at 10,000 nodes (tools/bench).
    if (inventory !== this.indexed || !this.index) {
      // Built a slice at a time: requests are answered from the last index meanwhile.
      const slices = new EventLoopSlices(this.options.sliceMs);
      const patched: IronicNode[] = [];
      this.patchedWhileBuilding = patched;
      let index: NodeIndex;
      try {
        index = await NodeIndex.build(await this.indexEntries(inventory, slices), this.options, slices, this.index);
        // PATCHes answered meanwhile, in one more sliced build; any answered during that one in one
        // piece, as patchNode does, so that PATCHes coming faster than a build cannot hold the load back.
        if (patched.length > 0) index = await NodeIndex.build(withNodes(index.entries, patched.splice(0)), this.options, slices, index);
        if (patched.length > 0) index = new NodeIndex(withNodes(index.entries, patched.splice(0)), this.options, index);
      } finally {
        this.patchedWhileBuilding = undefined;
      }
      const previous = this.index?.size;
      this.index = index;
      this.indexed = inventory;
      this.publish(this.index);
      if (this.lastError !== undefined || previous !== index.size) {
        this.logger.info('node index loaded', { source: this.source.description, nodes: index.size, ports: inventory.ports.length });
      }
    }
    this.loadedAt = this.clock();
    this.lastError = undefined;
    return this.index;
  }

  private async indexEntries(inventory: Inventory, slices: EventLoopSlices): Promise<IndexedNode[]> {
    // The loops over nodes and ports took 80-300 ms in one piece at 100,000 nodes (jest, in-process).
    const entries = new Map<string, IndexedNode>();
    for (const node of inventory.nodes) {
      entries.set(node.uuid, { node, ports: [], portgroups: [] });
      if (slices.spent()) await slices.turn();
    }
    for (const port of inventory.ports) {
      entries.get(port.node_uuid)?.ports.push(port);
      if (slices.spent()) await slices.turn();
    }
    for (const portgroup of inventory.portgroups) entries.get(portgroup.node_uuid)?.portgroups.push(portgroup);
    await this.configDrives.retain(entries, slices);
    // A node the source answers as the very object it answered before, with the very same ports and
    // portgroups, keeps its entry: looking its drive up in the cache and checking it again took 40-60
    // ms a rebuild at 10,000 nodes (in-process, jest), and the metadata built for it stays valid.
    const fresh: IndexedNode[] = [];
    for (const [uuid, entry] of entries) {
      const before = this.built.get(uuid);
      if (before && sameEntry(before, entry)) entries.set(uuid, before);
      else fresh.push(entry);
      if (slices.spent()) await slices.turn();
    }
    const masked: string[] = [];
    for (const entry of fresh) {
      if (slices.spent()) await slices.turn();
      const decoded = await this.configDrives.decode(entry.node);
      if (decoded && 'configDrive' in decoded) entry.configDrive = decoded.configDrive;
      if (!decoded || 'configDrive' in decoded) {
        this.reported.delete(entry.node.uuid);
        continue;
      }
      entry.configDriveProblem = decoded.problem;
      if (this.reported.get(entry.node.uuid) === decoded.problem) continue;
      this.reported.set(entry.node.uuid, decoded.problem);
      if (decoded.masked) masked.push(entry.node.uuid);
      else this.logger.warn('config drive not usable; serving the node dynamic data', { node: entry.node.uuid, problem: decoded.problem });
    }
    for (const uuid of this.reported.keys()) if (!entries.has(uuid)) this.reported.delete(uuid);
    if (masked.length > 0) this.warnMasked(masked);
    for (const entry of fresh) {
      this.reportLeftAside(entry);
      if (slices.spent()) await slices.turn();
    }
    for (const uuid of this.reportedLeftAside.keys()) if (!entries.has(uuid)) this.reportedLeftAside.delete(uuid);
    this.reportUnusable(inventory.unusable ?? []);
    // Only now: an entry is reused once it is decoded and checked.
    this.built = entries;
    return [...entries.values()];
  }

  /** Notes what the service does without for a node, and warns once for each value, naming node and field. */
  private reportLeftAside(entry: IndexedNode): void {
    const leftAside = leftAsideOf(entry);
    if (leftAside.length === 0) {
      this.reportedLeftAside.delete(entry.node.uuid);
      return;
    }
    entry.leftAside = leftAside;
    const before = this.reportedLeftAside.get(entry.node.uuid);
    const now = new Set(leftAside.map(describeLeftAside));
    this.reportedLeftAside.set(entry.node.uuid, now);
    for (const value of leftAside) {
      if (before?.has(describeLeftAside(value))) continue;
      this.logger.warn('value left aside; serving the rest of the node', {
        node: nodeLabel(entry.node),
        field: value.field,
        problem: value.problem,
      });
    }
  }

  /** One warning per item of the source that is not used at all, when it first appears. */
  private reportUnusable(unusable: readonly string[]): void {
    for (const line of unusable) {
      if (!this.reportedUnusable.has(line))
        this.logger.warn('not used: the rest of the source is served', { source: this.source.description, problem: line });
    }
    this.reportedUnusable = new Set(unusable);
  }

  /** One warning for all newly masked nodes, naming the policy fix. */
  private warnMasked(uuids: string[]): void {
    this.logger.warn(
      `${uuids.length} node(s) have their config drive masked as "******" by Ironic, so only their dynamic data is served. ` +
        'Grant the policy rule in the file named by [oslo_policy]policy_file: "show_instance_secrets": "@" (or a role rule for this service\'s user); Ironic reloads it without a restart.',
      { nodes: uuids.slice(0, 20) },
    );
  }
}

/** Whether `entry`, just assembled, holds the very node, ports and portgroups that `before` holds. */
function sameEntry(before: IndexedNode, entry: IndexedNode): boolean {
  const same = <T>(a: readonly T[], b: readonly T[]) => a.length === b.length && a.every((item, i) => item === b[i]);
  return before.node === entry.node && same(before.ports, entry.ports) && same(before.portgroups, entry.portgroups);
}

/** `entries` with each of `nodes` (PATCHes' answers) in place of the node with its uuid; the last answer for a node wins. */
function withNodes(entries: readonly IndexedNode[], nodes: readonly IronicNode[]): IndexedNode[] {
  const byUuid = new Map(nodes.map((node) => [node.uuid, node]));
  return entries.map((entry) => {
    const node = byUuid.get(entry.node.uuid);
    return node ? Object.assign({}, entry, { node } satisfies Partial<IndexedNode>) : entry;
  });
}
