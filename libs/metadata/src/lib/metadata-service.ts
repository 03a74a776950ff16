import type { InstanceMetadata } from '@ironic-metadata/formatters';
import type { Logger } from '@ironic-metadata/logging';
import type { IndexedNode, LeaseLookup, Lookup, NodeCatalog } from '@ironic-metadata/node-discovery';
import { buildInstanceMetadata, PASSWORD_EXTRA_KEY, type BuildOptions } from './instance-metadata-builder';

export type ClientMetadata =
  | { found: true; lookup: Extract<Lookup, { found: true }>; metadata: InstanceMetadata }
  | { found: false; status: 404 | 503; reason: string; lookup?: Lookup };

/** Answers "who is this client, and what is its metadata?" from the in-memory index. */
export class MetadataService {
  /** Built once per indexed node; a refresh makes new entries, so stale metadata is never served. */
  private readonly built = new WeakMap<IndexedNode, InstanceMetadata>();

  constructor(
    private readonly catalog: NodeCatalog,
    /** The DHCP lease fallback, when a lease file is configured. */
    private readonly leases: LeaseLookup | undefined,
    private readonly options: BuildOptions,
    private readonly logger: Logger,
  ) {}

  /**
   * The metadata of the node behind `clientIp`. An address no node claims gets one shared, rate
   * limited refresh first, so that a node deployed a moment ago is found on its first request.
   */
  async forClient(clientIp: string): Promise<ClientMetadata> {
    let client = this.lookup(clientIp);
    if (!client.found && client.status === 404 && !claimedByIneligibleNode(client.lookup) && (await this.catalog.refreshForUnknownClient())) {
      client = this.lookup(clientIp);
    }
    if (!client.found) this.logger.info('no metadata for client', { clientIp, status: client.status, reason: client.reason });
    return client;
  }

  /** Keeps an instance's password in its node's `extra`, where the next metadata build reads it. */
  async storePassword(nodeUuid: string, password: string): Promise<void> {
    await this.catalog.patchNode(nodeUuid, [{ op: 'add', path: `/extra/${PASSWORD_EXTRA_KEY}`, value: password }]);
    this.logger.info('instance password stored', { node: nodeUuid });
  }

  private lookup(clientIp: string): ClientMetadata {
    const index = this.catalog.current();
    if (!index) {
      return { found: false, status: 503, reason: `the node index is not loaded yet from ${this.catalog.source.description}` };
    }
    const lookup = index.lookup(clientIp, this.leases);
    if (!lookup.found) {
      return { found: false, status: 404, reason: lookup.reason, lookup };
    }
    return { found: true, lookup, metadata: this.metadataOf(lookup.entry) };
  }

  private metadataOf(entry: IndexedNode): InstanceMetadata {
    let metadata = this.built.get(entry);
    if (!metadata) {
      metadata = buildInstanceMetadata(entry, this.options);
      this.built.set(entry, metadata);
    }
    return metadata;
  }
}

/** A node that exists but carries no instance will not get one by refreshing. */
function claimedByIneligibleNode(lookup: Lookup | undefined): boolean {
  return lookup !== undefined && !lookup.found && lookup.ineligible !== undefined;
}
