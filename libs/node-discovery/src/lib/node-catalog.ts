import type { Inventory } from '@ironic-metadata/ironic-model';
import type { Logger } from '@ironic-metadata/logging';
import type { ConfigDriveCache } from './configdrive-cache';
import type { IndexedNode } from './indexed-node';
import { NodeIndex } from './node-index';
import type { NodeSource } from './node-source';

export interface NodeCatalogOptions {
  matchNodeName: boolean;
}

/**
 * Keeps the current NodeIndex: loads the fleet from the source, decodes config drives (once per
 * change, through the cache) and swaps in a new immutable index. Requests read `current()` and never
 * wait for the source.
 */
export class NodeCatalog {
  private index: NodeIndex | undefined;
  private inFlight: Promise<NodeIndex> | undefined;
  private readonly warnedMasked = new Set<string>();

  constructor(
    readonly source: NodeSource,
    private readonly configDrives: ConfigDriveCache,
    private readonly options: NodeCatalogOptions,
    private readonly logger: Logger,
  ) {}

  /** The last index built, or undefined before the first load succeeded. */
  current(): NodeIndex | undefined {
    return this.index;
  }

  /** Reloads from the source; concurrent callers share one load. */
  refresh(): Promise<NodeIndex> {
    this.inFlight ??= this.load().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async load(): Promise<NodeIndex> {
    const inventory = await this.source.load();
    const entries = await this.indexEntries(inventory);
    this.configDrives.retain(new Set(entries.map((entry) => entry.node.uuid)));
    this.index = new NodeIndex(entries, this.options);
    this.logger.info('node index loaded', { source: this.source.description, nodes: entries.length, ports: inventory.ports.length });
    return this.index;
  }

  private async indexEntries(inventory: Inventory): Promise<IndexedNode[]> {
    const entries = new Map<string, IndexedNode>(inventory.nodes.map((node) => [node.uuid, { node, ports: [], portgroups: [] }]));
    for (const port of inventory.ports) entries.get(port.node_uuid)?.ports.push(port);
    for (const portgroup of inventory.portgroups) entries.get(portgroup.node_uuid)?.portgroups.push(portgroup);
    const masked: string[] = [];
    for (const entry of entries.values()) {
      const decoded = await this.configDrives.decode(entry.node);
      if (decoded && 'configDrive' in decoded) entry.configDrive = decoded.configDrive;
      else if (decoded) {
        entry.configDriveProblem = decoded.problem;
        if (decoded.masked) masked.push(entry.node.uuid);
        else this.logger.warn('config drive not usable; serving the node dynamic data', { node: entry.node.uuid, problem: decoded.problem });
      }
    }
    this.warnMaskedOnce(masked);
    return [...entries.values()];
  }

  /** One warning per newly masked set of nodes, naming the policy fix, not one per node per refresh. */
  private warnMaskedOnce(masked: string[]): void {
    const fresh = masked.filter((uuid) => !this.warnedMasked.has(uuid));
    if (fresh.length === 0) return;
    fresh.forEach((uuid) => this.warnedMasked.add(uuid));
    this.logger.warn(
      `${fresh.length} node(s) have their config drive masked as "******" by Ironic, so only their dynamic data is served. ` +
        'Grant the policy rule in the file named by [oslo_policy]policy_file: "show_instance_secrets": "@" (or a role rule for this service\'s user); Ironic reloads it without a restart.',
      { nodes: fresh.slice(0, 20) },
    );
  }
}
