import type { InstanceMetadata } from '@ironic-metadata/formatters';
import type { Logger } from '@ironic-metadata/logging';
import { isEligible, nodeLabel, type IndexedNode, type LeaseLookup, type Match, type NodeCatalog } from '@ironic-metadata/node-discovery';
import type { ClientMacCheck } from './identity/client-mac';
import { buildInstanceMetadata, storePasswordPatch, withClientAddress, type BuildOptions } from '@ironic-metadata/instance-metadata';
import { LegacyPasswords } from './instance-password';
import { refuse, unavailable, type Refusal } from './refusal';
import { LRUCache } from 'lru-cache';

export type ClientMetadata =
  /** `lookup` says how an address was matched; absent when a proxy named the instance. */
  | { found: true; lookup?: Extract<Match, { found: true }>; metadata: InstanceMetadata }
  /** 403 (the client's MAC is not the node's), 404 (no instance), or 503 with Retry-After (the index cannot say). */
  | ({ found: false; lookup?: Match } & Refusal);

/** What the service counts: how each client was matched, and whether its built metadata was cached. */
export interface LookupMetrics {
  match(method: string): void;
  cacheLookup(hit: boolean): void;
}

export interface ServiceOptions extends BuildOptions {
  /** How long an unknown client waits for the refresh it triggers before it is told to retry. */
  unknownClientWaitMs?: number;
  metrics?: LookupMetrics;
  /**
   * Move passwords earlier versions left in a node's `extra` to the instance's `instance_info`
   * (METADATA_PASSWORD_WRITE; only where the source can be written).
   */
  migrateLegacyPasswords?: boolean;
  /** VERIFY_CLIENT_MAC: answer a matched address only from one of its node's MACs. */
  clientMacCheck?: ClientMacCheck;
  /** Instances whose built metadata is kept, the latest asked (default 4096: many more than boot at once in a storm). */
  builtMetadataKept?: number;
}

/** Answers "who is this client, and what is its metadata?" from the in-memory index. */
export class MetadataService {
  /**
   * Built once per indexed node, for the nodes asking lately: a load makes a new entry for a node
   * whose node, port or portgroup objects changed (for every node after a file reload or a resync)
   * and keeps the others', so stale metadata is never served. Bounded, because a storm in which every node boots would otherwise keep
   * the whole fleet's built metadata alive (tools/bench: 10 MiB a worker
   * at 10,000 nodes); a node's crawl takes seconds, so it finds its own entry throughout.
   */
  private readonly built: LRUCache<IndexedNode, InstanceMetadata>;
  /**
   * The last client-address view of each built instance (field case C-22): one slot, as a node asks
   * from one address, so a request costs a lookup rather than a copy of the metadata.
   */
  private readonly addressed = new WeakMap<InstanceMetadata, { ip: string; mac?: string; metadata: InstanceMetadata }>();
  private readonly legacyPasswords: LegacyPasswords;

  constructor(
    private readonly catalog: NodeCatalog,
    /** The DHCP lease fallback, when a lease file is configured. */
    private readonly leases: LeaseLookup | undefined,
    private readonly options: ServiceOptions,
    private readonly logger: Logger,
  ) {
    this.built = new LRUCache({ max: options.builtMetadataKept ?? 4096 });
    const writable = options.migrateLegacyPasswords === true && catalog.source.patchNode !== undefined;
    this.legacyPasswords = new LegacyPasswords({
      migrate: writable ? (uuid, patch) => catalog.patchNode(uuid, patch) : undefined,
      logger,
    });
    // Every index, as it is loaded: a legacy password's owner is the instance first seen with it.
    catalog.onIndex((index) => this.legacyPasswords.observe(index.entries));
  }

  /**
   * The metadata of the node behind `clientIp`. An address no node claims gets one shared, rate
   * limited refresh first, so that a node deployed a moment ago is found on its first request.
   */
  async forClient(clientIp: string): Promise<ClientMetadata> {
    let client = this.lookup(clientIp);
    if (!client.found && client.status === 404 && !claimedByIneligibleNode(client.lookup)) {
      if (await this.refreshBriefly()) client = this.lookup(clientIp);
      // While the source fails, "no such node" may only mean "not seen yet": ask the client to retry.
      const failing = this.catalog.status().lastError;
      if (!client.found && client.status === 404 && failing !== undefined) {
        client = {
          found: false,
          ...unavailable(`${client.reason}, and ${this.catalog.source.description} cannot be reached to look again: ${failing}`),
          lookup: client.lookup,
        };
      }
    }
    if (client.found && client.lookup && this.options.clientMacCheck) client = await this.verifyMac(clientIp, client, client.lookup);
    if (!client.found) this.logger.info('no metadata for client', { clientIp, status: client.status, reason: client.reason });
    else if (client.lookup) this.options.metrics?.match(client.lookup.method);
    return client;
  }

  /**
   * The metadata of the instance a proxy names by X-Instance-ID (Nova's proxy mode): the config
   * drive's uuid, the node's instance_uuid or its uuid.
   */
  forInstance(instanceId: string): ClientMetadata {
    const index = this.usableIndex();
    if ('found' in index) return index;
    const entry = index.nodeByInstanceId(instanceId);
    if (!entry) return { found: false, ...refuse(404, `no node has instance ${instanceId}`) };
    if (!isEligible(entry))
      return {
        found: false,
        ...refuse(404, `instance ${instanceId} is on node ${nodeLabel(entry.node)}, which is ${entry.node.provision_state}`),
      };
    return { found: true, metadata: this.metadataOf(entry) };
  }

  /** The client as found, or 403 when its MAC is not one of the matched node's. */
  private async verifyMac(clientIp: string, client: ClientMetadata, lookup: Extract<Match, { found: true }>): Promise<ClientMetadata> {
    const index = this.catalog.current();
    const refusal = index && (await this.options.clientMacCheck?.refusal(clientIp, lookup.entry, index));
    return refusal ? { found: false, ...refuse(403, refusal), lookup } : client;
  }

  /** A refresh for an unknown client, waited for at most `unknownClientWaitMs`; true when it completed. */
  private async refreshBriefly(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), this.options.unknownClientWaitMs ?? 2000);
    });
    try {
      return await Promise.race([this.catalog.refreshForUnknownClient(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The index, unless there is none yet or it is older than the catalog's stale budget. */
  private usableIndex(): NonNullable<ReturnType<NodeCatalog['current']>> | Extract<ClientMetadata, { found: false }> {
    const index = this.catalog.current();
    if (!index) {
      return { found: false, ...unavailable(`the node index is not loaded yet from ${this.catalog.source.description}`) };
    }
    const status = this.catalog.status();
    if (!status.usable) {
      const failing = status.lastError ?? 'no refresh succeeded';
      return {
        found: false,
        ...unavailable(
          `the node index is ${Math.round(status.ageSeconds ?? 0)} s old, past the ${status.staleBudgetSeconds} s stale budget (${failing})`,
        ),
      };
    }
    return index;
  }

  /**
   * Keeps an instance's password at its instance's scope (`instance_info`, which Ironic empties at
   * tear-down), where the next metadata build reads it. Throws ReadOnlySourceError for an inventory file.
   */
  async storePassword(nodeUuid: string, password: string): Promise<void> {
    await this.catalog.patchNode(nodeUuid, storePasswordPatch(password));
    this.logger.info('instance password stored', { node: nodeUuid });
  }

  private lookup(clientIp: string): ClientMetadata {
    const index = this.usableIndex();
    if ('found' in index) return index;
    const lookup = index.match(clientIp, this.leases);
    if (!lookup.found) {
      return { found: false, ...refuse(404, lookup.reason), lookup };
    }
    return { found: true, lookup, metadata: this.withMatchedAddress(this.metadataOf(lookup.entry), lookup) };
  }

  /** The instance with the address it was matched by as its `local-ipv4`, when nothing static names one. */
  private withMatchedAddress(metadata: InstanceMetadata, lookup: Extract<Match, { found: true }>): InstanceMetadata {
    if (metadata.ec2.localIpv4 !== undefined) return metadata;
    const cached = this.addressed.get(metadata);
    if (cached?.ip === lookup.ip && cached.mac === lookup.mac) return cached.metadata;
    const addressed = withClientAddress(metadata, lookup.ip, lookup.mac);
    this.addressed.set(metadata, { ip: lookup.ip, mac: lookup.mac, metadata: addressed });
    return addressed;
  }

  private metadataOf(entry: IndexedNode): InstanceMetadata {
    let metadata = this.built.get(entry);
    this.options.metrics?.cacheLookup(metadata !== undefined);
    if (!metadata) {
      metadata = buildInstanceMetadata(entry, this.options);
      if (metadata.password === '') metadata.password = this.legacyPasswords.passwordOf(entry);
      this.built.set(entry, metadata);
    }
    return metadata;
  }
}

/** A node that exists but carries no instance will not get one by refreshing. */
function claimedByIneligibleNode(lookup: Match | undefined): boolean {
  return lookup !== undefined && !lookup.found && lookup.ineligible !== undefined;
}
