import type { InstanceMetadata } from '@ironic-metadata/formatters';
import type { Logger } from '@ironic-metadata/logging';
import type { IndexedNode, LeaseLookup, Lookup, NodeCatalog } from '@ironic-metadata/node-discovery';
import { buildInstanceMetadata, type BuildOptions } from './instance-metadata-builder';

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

  forClient(clientIp: string): ClientMetadata {
    const index = this.catalog.current();
    if (!index) {
      return { found: false, status: 503, reason: `the node index is not loaded yet from ${this.catalog.source.description}` };
    }
    const lookup = index.lookup(clientIp, this.leases);
    if (!lookup.found) {
      this.logger.info('no node for client', { clientIp: lookup.ip, reason: lookup.reason });
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
