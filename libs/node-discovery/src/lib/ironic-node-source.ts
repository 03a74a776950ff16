import { IronicApiError, type IronicClient } from '@ironic-metadata/ironic-client';
import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import type { NodePatch, NodeSource } from './node-source';

// Ironic 21.4 refuses `updated_at` in `fields` ("not a valid field"), so changes are told by what
// every deploy, rebuild and tear-down moves; a periodic full listing catches the rest.
const SCAN_FIELDS = ['uuid', 'provision_state', 'provision_updated_at', 'instance_uuid'] as const;
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
}

/**
 * Nodes from the Ironic API. A load is a cheap paged scan of `uuid, provision_state,
 * provision_updated_at, instance_uuid` and a fetch of only the nodes that changed since the previous
 * load (or one detailed listing of the fleet, when many changed or a full listing is due). Ports and
 * portgroups are listed each time: their changes do not show on the node.
 */
export class IronicNodeSource implements NodeSource {
  readonly description: string;
  private readonly nodes = new Map<string, { node: IronicNode; version: string }>();
  private readonly pageSize: number;
  private readonly fullListMs: number;
  private readonly clock: () => number;
  private lastFullList = -Infinity;

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
  }

  async load(): Promise<Inventory> {
    const scan = await this.client.listNodes({ fields: SCAN_FIELDS, pageSize: this.pageSize }).all();
    const current = new Map(scan.map((node) => [node.uuid, versionOf(node)]));
    const changed = scan.filter((node) => this.nodes.get(node.uuid)?.version !== current.get(node.uuid)).map((node) => node.uuid);
    for (const uuid of this.nodes.keys()) if (!current.has(uuid)) this.nodes.delete(uuid);
    const now = this.clock();
    if (now - this.lastFullList >= this.fullListMs || changed.length > Math.max(1, scan.length * FULL_LIST_SHARE)) {
      this.lastFullList = now;
      this.nodes.clear();
      for (const node of await this.client.listNodes({ pageSize: this.pageSize }).all()) this.nodes.set(node.uuid, { node, version: versionOf(node) });
    } else {
      await this.fetchChanged(changed);
    }
    if (changed.length > 0) this.logger.debug('nodes fetched from Ironic', { changed: changed.length, scanned: scan.length });
    const [ports, portgroups] = await Promise.all([
      this.client.listPorts({ fields: PORT_FIELDS, pageSize: this.pageSize }).all(),
      this.client.listPortgroups({ pageSize: this.pageSize }).all(),
    ]);
    return { nodes: [...this.nodes.values()].map((entry) => entry.node), ports, portgroups };
  }

  async patchNode(uuid: string, patch: readonly NodePatch[]): Promise<IronicNode> {
    const node = await this.client.patchNode(uuid, patch);
    // Kept as patched: the scan cannot see an edit of `extra`, and must not undo it.
    this.nodes.set(uuid, { node, version: versionOf(node) });
    return node;
  }

  private async fetchChanged(uuids: string[]): Promise<void> {
    const queue = [...uuids];
    const worker = async () => {
      for (let uuid = queue.shift(); uuid !== undefined; uuid = queue.shift()) {
        try {
          const node = await this.client.getNode(uuid);
          this.nodes.set(uuid, { node, version: versionOf(node) });
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

function versionOf(node: Pick<IronicNode, (typeof SCAN_FIELDS)[number]>): string {
  return `${node.provision_state}|${String(node['provision_updated_at'] ?? '')}|${node.instance_uuid ?? ''}`;
}
