import { IronicApiError, type IronicClient, type NodeFilters } from '@ironic-metadata/ironic-client';
import type { Inventory, IronicNode, IronicPort, IronicPortgroup } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import { AGENT_URL_KEY } from '@ironic-metadata/node-addresses';
import { sameStoredDrive } from './configdrive-cache';
import { EventLoopSlices } from './event-loop-slices';
import type { NodePatch, NodeSource } from './node-source';
import { ironicSourceDescription } from './source-descriptions';

// Ironic 21.4 refuses `updated_at` in `fields` ("not a valid field"), so changes are told by what
// every deploy, rebuild and tear-down moves; a periodic full listing catches the rest.
const SCAN_FIELDS = ['uuid', 'provision_state', 'provision_updated_at', 'instance_uuid'] as const;
/**
 * What indexing and metadata read of a node. Asking for these only (not `/nodes/detail`'s sixty-odd
 * fields) keeps steps and interfaces out of this service and its memory; of `driver_info` and
 * `driver_internal_info`, only the agent URL is kept (see {@link withAgentUrlOnly}).
 */
const NODE_FIELDS = [
  'uuid',
  'name',
  'instance_uuid',
  'provision_state',
  'provision_updated_at',
  'instance_info',
  'driver_info',
  'driver_internal_info',
  'properties',
  'extra',
  'network_data',
  'owner',
  'resource_class',
] as const;
const PORT_FIELDS = ['uuid', 'address', 'node_uuid', 'portgroup_uuid', 'pxe_enabled'] as const;
/** Above this share of changed nodes, one detailed listing is cheaper than a GET per node. */
const FULL_LIST_SHARE = 0.1;
const FETCH_CONCURRENCY = 8;

export interface IronicNodeSourceOptions {
  pageSize?: number;
  /**
   * Seconds between full detailed listings. In between, a load scans a few fields and fetches only
   * the nodes whose provision state, its time or the instance changed; an edit that changes none of
   * those (say, a PATCH of an active node's `instance_info`) shows at the next full listing.
   */
  fullListSeconds?: number;
  clock?: () => number;
  /**
   * Only the nodes these filters select (e.g. one site's `conductor_group` or `shard`), in the scan and
   * the full listing alike. Ports and portgroups have no such filter: they are listed whole and those
   * of other nodes dropped.
   */
  filters?: Pick<NodeFilters, 'conductor_group' | 'shard'>;
}

/**
 * Nodes from the Ironic API. A full listing (the first load, then every `fullListSeconds`) reads
 * every node, port and portgroup. In between, a load is a cheap paged scan of `uuid,
 * provision_state, provision_updated_at, instance_uuid`, then the nodes that changed are fetched
 * whole with their ports and portgroups (or the fleet is listed again, when many changed). So a
 * quiet fleet costs the scan's pages per sync, however many nodes ask for metadata.
 */
export class IronicNodeSource implements NodeSource {
  readonly description: string;
  private readonly nodes = new Map<string, KnownNode>();
  private readonly pageSize: number;
  private readonly fullListMs: number;
  private readonly clock: () => number;
  private readonly filters: NodeFilters;
  private lastFullList = -Infinity;
  /** Scans made: the number of the scan that last listed a known node is kept with it. */
  private scans = 0;
  /** The last answer, given again while no node, port or portgroup changed. */
  private answered: Inventory | undefined;
  /** While a listing or fetch of nodes is under way, the nodes patched meanwhile (see `readNotingPatches`). */
  private patchedWhileReading: Map<string, KnownNode> | undefined;

  constructor(
    private readonly client: IronicClient,
    endpoint: string,
    private readonly logger: Logger,
    options: IronicNodeSourceOptions = {},
  ) {
    this.pageSize = options.pageSize ?? 1000;
    this.fullListMs = (options.fullListSeconds ?? 300) * 1000;
    this.clock = options.clock ?? Date.now;
    this.filters = options.filters ?? {};
    this.description = ironicSourceDescription(endpoint, this.filters);
  }

  async load(): Promise<Inventory> {
    if (this.clock() - this.lastFullList >= this.fullListMs) {
      if (!(await this.listEverything()) && this.answered) return this.answered;
    } else {
      const { changed, removed, scanned } = await this.scan();
      for (const uuid of removed) this.nodes.delete(uuid);
      // Not answered again, should fetching the changed nodes fail: the next scan no longer sees them as removed.
      if (removed.length > 0) this.answered = undefined;
      if (changed.length > Math.max(1, scanned * FULL_LIST_SHARE)) await this.listEverything();
      else await this.fetchChanged(changed);
      if (changed.length > 0) this.logger.debug('nodes fetched from Ironic', { changed: changed.length, scanned });
      if (this.answered && changed.length === 0 && removed.length === 0) return this.answered;
    }
    return this.answer();
  }

  /**
   * Compares each page of the scan with the nodes known as it arrives, keeping nothing of it but the
   * uuids that changed. Collected whole, a 100,000-node scan (and a version string per node) lived
   * long enough to be promoted to V8's old generation, and the full collection that followed each
   * sync held the serving syncer for hundreds of milliseconds (tools/bench).
   */
  private async scan(): Promise<{ changed: string[]; removed: string[]; scanned: number }> {
    const pass = ++this.scans;
    const changed: string[] = [];
    let scanned = 0;
    for await (const page of this.client.listNodes({ fields: SCAN_FIELDS, filters: this.filters, pageSize: this.pageSize })) {
      for (const node of page) {
        scanned += 1;
        const known = this.nodes.get(node.uuid);
        if (known) known.scanned = pass;
        if (!known || !sameVersion(known.node, node)) changed.push(node.uuid);
      }
    }
    const removed: string[] = [];
    for (const [uuid, known] of this.nodes) if (known.scanned !== pass) removed.push(uuid);
    return { changed, removed, scanned };
  }

  /** The next load is a full listing, and every node in it a new object, its config drive as Ironic stores it. */
  forget(): void {
    this.nodes.clear();
    this.lastFullList = -Infinity;
    this.answered = undefined;
  }

  private answer(): Inventory {
    const known = [...this.nodes.values()];
    this.answered = {
      nodes: known.map((entry) => entry.node),
      ports: known.flatMap((entry) => entry.ports),
      portgroups: known.flatMap((entry) => entry.portgroups),
    };
    return this.answered;
  }

  async patchNode(uuid: string, patch: readonly NodePatch[]): Promise<IronicNode> {
    const node = withAgentUrlOnly(await this.client.patchNode(uuid, patch));
    // Kept as patched: the scan cannot see an edit of `extra`, and must not undo it.
    const known = this.nodes.get(uuid);
    const entry = { node, scanned: this.scans, ports: known?.ports ?? [], portgroups: known?.portgroups ?? [] };
    this.nodes.set(uuid, entry);
    this.patchedWhileReading?.set(uuid, entry);
    this.answered = undefined; // the next load answers the patched node
    return node;
  }

  /**
   * Lists every node, port and portgroup. A node listed as it is known (its ports and portgroups
   * too) stays the very object known, so that nothing downstream redoes its work: without this, each
   * full listing re-sent the whole fleet to every cluster worker and rebuilt every index. A node
   * patched while the listing is under way is kept as patched: its page may have been read before
   * the PATCH, and filed over it, the listing undid the PATCH until the next one (a password a node
   * had just posted went unserved for up to `fullListSeconds`). Answers whether anything changed.
   */
  private listEverything(): Promise<boolean> {
    this.lastFullList = this.clock();
    return this.readNotingPatches(async (patched) => {
      const [nodes, ports, portgroups] = await Promise.all([
        this.client.listNodes({ fields: NODE_FIELDS, filters: this.filters, pageSize: this.pageSize }).all(),
        this.client.listPorts({ fields: PORT_FIELDS, pageSize: this.pageSize }).all(),
        this.client.listPortgroups({ pageSize: this.pageSize }).all(),
      ]);
      const listed = new Map<string, KnownNode>(
        nodes.map((node) => [node.uuid, { node: withAgentUrlOnly(node), scanned: this.scans, ports: [], portgroups: [] }]),
      );
      for (const port of ports) listed.get(port.node_uuid)?.ports.push(port);
      for (const portgroup of portgroups) listed.get(portgroup.node_uuid)?.portgroups.push(portgroup);
      let changed = listed.size !== this.nodes.size;
      // Comparing a large fleet takes a while: let requests in between.
      const slices = new EventLoopSlices();
      for (const [uuid, entry] of listed) {
        const known = this.nodes.get(uuid);
        if (known && sameKnownNode(known, entry)) listed.set(uuid, known);
        else changed = true;
        if (slices.spent()) await slices.turn();
      }
      this.nodes.clear();
      for (const [uuid, entry] of listed) {
        const patch = patched.get(uuid);
        this.nodes.set(uuid, patch && patch !== entry ? Object.assign({}, entry, { node: patch.node }) : entry);
      }
      return changed || patched.size > 0;
    });
  }

  /**
   * Fetches the nodes `uuids` names (in the scan's order, Ironic's) and files them once all are in,
   * in that order: a node new since the last full listing then has the place that listing will give
   * it (unless it is new to this source's filters with a lower id), and the node index, which builds
   * in full when kept nodes change order, only files it. A node patched meanwhile is kept as patched.
   */
  private fetchChanged(uuids: string[]): Promise<void> {
    return this.readNotingPatches(async (patched) => {
      const fetched = new Map<string, KnownNode | undefined>(uuids.map((uuid) => [uuid, undefined]));
      const queue = [...uuids];
      const worker = async () => {
        for (let uuid = queue.shift(); uuid !== undefined; uuid = queue.shift()) {
          try {
            const [node, ports, portgroups] = await Promise.all([
              this.client.getNode(uuid, NODE_FIELDS),
              this.client.listPorts({ nodeUuid: uuid, fields: PORT_FIELDS, pageSize: this.pageSize }).all(),
              this.client.listPortgroups({ nodeUuid: uuid, pageSize: this.pageSize }).all(),
            ]);
            fetched.set(uuid, { node: withAgentUrlOnly(node), scanned: this.scans, ports, portgroups });
          } catch (error) {
            // Deleted between the scan and the fetch (left undefined): the next scan no longer lists it.
            if (!(error instanceof IronicApiError && error.status === 404)) throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, uuids.length) }, worker));
      for (const [uuid, known] of fetched) {
        if (patched.has(uuid)) continue;
        if (known) this.nodes.set(uuid, known);
        else this.nodes.delete(uuid);
      }
    });
  }

  /**
   * Runs `read`, a listing or fetch of nodes, with the nodes patched meanwhile noted in `patched`:
   * a PATCH's answer is at least as fresh as what the read found for its node, which may have been
   * read before the PATCH.
   */
  private async readNotingPatches<T>(read: (patched: ReadonlyMap<string, KnownNode>) => Promise<T>): Promise<T> {
    const patched = new Map<string, KnownNode>();
    this.patchedWhileReading = patched;
    try {
      return await read(patched);
    } finally {
      this.patchedWhileReading = undefined;
    }
  }
}

/** A node as last fetched, with its ports and bonds. */
interface KnownNode {
  node: IronicNode;
  /** The number of the last scan that listed it (or the scans made when it was fetched). */
  scanned: number;
  ports: IronicPort[];
  portgroups: IronicPortgroup[];
}

/** Whether a node listed now is the node known, with the same ports and portgroups. */
function sameKnownNode(known: KnownNode, listed: KnownNode): boolean {
  if (
    !sameVersion(known.node, listed.node) ||
    !sameStoredDrive(known.node.instance_info.configdrive, listed.node.instance_info.configdrive)
  )
    return false;
  // The drive is compared above: the cache may have replaced the known one by its reference.
  const withoutDrive = (node: IronicNode) =>
    JSON.stringify(node, function (this: unknown, key: string, value: unknown) {
      return key === 'configdrive' && this === node.instance_info ? undefined : value;
    });
  return (
    withoutDrive(known.node) === withoutDrive(listed.node) &&
    JSON.stringify([known.ports, known.portgroups]) === JSON.stringify([listed.ports, listed.portgroups])
  );
}

/**
 * The node with only the agent URL left in `driver_info` and `driver_internal_info`: a lookup reads
 * nothing else there, and the rest (the BMC's address and credentials; the agent's cached deploy and
 * clean steps, kilobytes a node on a real Ironic) has no business in this service's memory.
 */
function withAgentUrlOnly(node: IronicNode): IronicNode {
  const agentUrlOnly = (info: IronicNode['driver_info']) => (AGENT_URL_KEY in info ? { [AGENT_URL_KEY]: info[AGENT_URL_KEY] } : {});
  node.driver_info = agentUrlOnly(node.driver_info);
  node.driver_internal_info = agentUrlOnly(node.driver_internal_info);
  return node;
}

type ScannedNode = Pick<IronicNode, (typeof SCAN_FIELDS)[number]>;

/** Whether the scan's fields say nothing changed: every deploy, rebuild and tear-down moves one of them. */
function sameVersion(known: ScannedNode, scanned: ScannedNode): boolean {
  return (
    known.provision_state === scanned.provision_state &&
    (known['provision_updated_at'] ?? null) === (scanned['provision_updated_at'] ?? null) &&
    (known.instance_uuid ?? null) === (scanned.instance_uuid ?? null)
  );
}
