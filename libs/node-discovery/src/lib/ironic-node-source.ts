import { IronicApiError, type IronicClient, type NodeFilters } from '@ironic-metadata/ironic-client';
import type { Inventory, IronicNode, IronicPort, IronicPortgroup } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import { sameStoredDrive } from './configdrive-cache';
import type { NodePatch, NodeSource } from './node-source';

// Ironic 21.4 refuses `updated_at` in `fields` ("not a valid field"), so changes are told by what
// every deploy, rebuild and tear-down moves; a periodic full listing catches the rest.
const SCAN_FIELDS = ['uuid', 'provision_state', 'provision_updated_at', 'instance_uuid'] as const;
/**
 * What indexing and metadata read of a node. Asking for these only (not `/nodes/detail`'s sixty-odd
 * fields) keeps BMC settings, steps and interfaces out of this service and its memory.
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
/** Nodes compared between two turns of the event loop in a full listing (about 5 ms of work). */
const COMPARE_BATCH = 500;

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
  /** The last answer, given again while no node, port or portgroup changed. */
  private answered: Inventory | undefined;

  constructor(
    private readonly client: IronicClient,
    endpoint: string,
    private readonly logger: Logger,
    options: IronicNodeSourceOptions = {},
  ) {
    this.description = `Ironic at ${endpoint}`;
    this.pageSize = options.pageSize ?? 1000;
    this.fullListMs = (options.fullListSeconds ?? 300) * 1000;
    this.clock = options.clock ?? Date.now;
    this.filters = options.filters ?? {};
    const scope = Object.entries(this.filters)
      .filter(([, value]) => value !== undefined)
      .map(([name, value]) => `${name} ${String(value)}`);
    if (scope.length > 0) this.description += ` (${scope.join(', ')})`;
  }

  async load(): Promise<Inventory> {
    if (this.clock() - this.lastFullList >= this.fullListMs) {
      if (!(await this.listEverything()) && this.answered) return this.answered;
    } else {
      const scan = await this.client.listNodes({ fields: SCAN_FIELDS, filters: this.filters, pageSize: this.pageSize }).all();
      const current = new Map(scan.map((node) => [node.uuid, versionOf(node)]));
      const removed = [...this.nodes.keys()].filter((uuid) => !current.has(uuid));
      for (const uuid of removed) this.nodes.delete(uuid);
      const changed = scan.filter((node) => this.nodes.get(node.uuid)?.version !== current.get(node.uuid)).map((node) => node.uuid);
      if (changed.length > Math.max(1, scan.length * FULL_LIST_SHARE)) await this.listEverything();
      else await this.fetchChanged(changed);
      if (changed.length > 0) this.logger.debug('nodes fetched from Ironic', { changed: changed.length, scanned: scan.length });
      if (this.answered && changed.length === 0 && removed.length === 0) return this.answered;
    }
    return this.answer();
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
    const node = await this.client.patchNode(uuid, patch);
    // Kept as patched: the scan cannot see an edit of `extra`, and must not undo it.
    const known = this.nodes.get(uuid);
    this.nodes.set(uuid, { node, version: versionOf(node), ports: known?.ports ?? [], portgroups: known?.portgroups ?? [] });
    this.answered = undefined; // the next load answers the patched node
    return node;
  }

  /**
   * Lists every node, port and portgroup. A node listed as it is known (its ports and portgroups
   * too) stays the very object known, so that nothing downstream redoes its work: without this, each
   * full listing re-sent the whole fleet to every cluster worker and rebuilt every index. Answers
   * whether anything changed.
   */
  private async listEverything(): Promise<boolean> {
    this.lastFullList = this.clock();
    const [nodes, ports, portgroups] = await Promise.all([
      this.client.listNodes({ fields: NODE_FIELDS, filters: this.filters, pageSize: this.pageSize }).all(),
      this.client.listPorts({ fields: PORT_FIELDS, pageSize: this.pageSize }).all(),
      this.client.listPortgroups({ pageSize: this.pageSize }).all(),
    ]);
    const listed = new Map<string, KnownNode>(
      nodes.map((node) => [node.uuid, { node, version: versionOf(node), ports: [], portgroups: [] }]),
    );
    for (const port of ports) listed.get(port.node_uuid)?.ports.push(port);
    for (const portgroup of portgroups) listed.get(portgroup.node_uuid)?.portgroups.push(portgroup);
    let changed = listed.size !== this.nodes.size;
    let compared = 0;
    for (const [uuid, entry] of listed) {
      const known = this.nodes.get(uuid);
      if (known && sameKnownNode(known, entry)) listed.set(uuid, known);
      else changed = true;
      // Comparing a large fleet takes a while: let requests in between.
      if (++compared % COMPARE_BATCH === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    this.nodes.clear();
    for (const [uuid, entry] of listed) this.nodes.set(uuid, entry);
    return changed;
  }

  private async fetchChanged(uuids: string[]): Promise<void> {
    const queue = [...uuids];
    const worker = async () => {
      for (let uuid = queue.shift(); uuid !== undefined; uuid = queue.shift()) {
        try {
          const [node, ports, portgroups] = await Promise.all([
            this.client.getNode(uuid, NODE_FIELDS),
            this.client.listPorts({ nodeUuid: uuid, fields: PORT_FIELDS, pageSize: this.pageSize }).all(),
            this.client.listPortgroups({ nodeUuid: uuid, pageSize: this.pageSize }).all(),
          ]);
          this.nodes.set(uuid, { node, version: versionOf(node), ports, portgroups });
        } catch (error) {
          // Deleted between the scan and the fetch: the next scan no longer lists it.
          if (error instanceof IronicApiError && error.status === 404) this.nodes.delete(uuid);
          else throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, uuids.length) }, worker));
  }
}

/** A node as last fetched, with what tells whether it changed since, and its ports and bonds. */
interface KnownNode {
  node: IronicNode;
  version: string;
  ports: IronicPort[];
  portgroups: IronicPortgroup[];
}

/** Whether a node listed now is the node known, with the same ports and portgroups. */
function sameKnownNode(known: KnownNode, listed: KnownNode): boolean {
  if (known.version !== listed.version || !sameStoredDrive(known.node.instance_info.configdrive, listed.node.instance_info.configdrive))
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

function versionOf(node: Pick<IronicNode, (typeof SCAN_FIELDS)[number]>): string {
  return `${node.provision_state}|${String(node['provision_updated_at'] ?? '')}|${node.instance_uuid ?? ''}`;
}
