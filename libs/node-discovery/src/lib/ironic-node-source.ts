import { IronicApiError, type IronicClient } from '@ironic-metadata/ironic-client';
import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import type { NodeSource } from './node-source';

const SCAN_FIELDS = ['uuid', 'updated_at', 'provision_state'] as const;
const PORT_FIELDS = ['uuid', 'address', 'node_uuid', 'portgroup_uuid', 'pxe_enabled'] as const;
/** Above this share of changed nodes, one detailed listing is cheaper than a GET per node. */
const FULL_LIST_SHARE = 0.1;
const FETCH_CONCURRENCY = 8;

/**
 * Nodes from the Ironic API. Every load starts with a cheap paged scan of `uuid, updated_at,
 * provision_state`; only nodes that changed since the previous load are fetched whole (or the whole
 * fleet, in one detailed listing, when many changed). Ports and portgroups are listed each time:
 * their changes do not show in the node's `updated_at`.
 */
export class IronicNodeSource implements NodeSource {
  readonly description: string;
  private readonly nodes = new Map<string, { node: IronicNode; version: string }>();

  constructor(
    private readonly client: IronicClient,
    endpoint: string,
    private readonly logger: Logger,
    private readonly pageSize = 1000,
  ) {
    this.description = `Ironic at ${endpoint}`;
  }

  async load(): Promise<Inventory> {
    const scan = await this.client.listNodes({ fields: SCAN_FIELDS, pageSize: this.pageSize }).all();
    const current = new Map(scan.map((node) => [node.uuid, versionOf(node)]));
    const changed = scan.filter((node) => this.nodes.get(node.uuid)?.version !== current.get(node.uuid)).map((node) => node.uuid);
    for (const uuid of this.nodes.keys()) if (!current.has(uuid)) this.nodes.delete(uuid);
    if (changed.length > Math.max(1, scan.length * FULL_LIST_SHARE)) {
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

function versionOf(node: Pick<IronicNode, 'updated_at' | 'provision_state'>): string {
  return `${node.updated_at ?? ''}|${node.provision_state}`;
}
