import type { Config, NodeSourceConfig } from '@ironic-metadata/config';
import type { NodeFilters } from '@ironic-metadata/ironic-client';
import { inventoryFileDescription, ironicSourceDescription } from '@ironic-metadata/node-discovery';

type IronicSourceConfig = Extract<NodeSourceConfig, { kind: 'ironic' }>;

/** What an Ironic source names as its endpoint: IRONIC_URL, else the Keystone catalog's entry. */
export function ironicEndpointName(source: IronicSourceConfig): string {
  return source.url ?? "the Keystone catalog's baremetal endpoint";
}

/** The filters that scope an Ironic source's nodes: IRONIC_CONDUCTOR_GROUP and IRONIC_SHARD. */
export function ironicNodeFilters(source: IronicSourceConfig): Pick<NodeFilters, 'conductor_group' | 'shard'> {
  return { conductor_group: source.conductorGroup, shard: source.shard };
}

/**
 * The node source `config` selects, as `buildContainer` would build it, without building it: its
 * `description`, and `writable`, whether it takes PATCHes (Ironic does, an inventory file does not).
 * A cluster's primary tells its workers these, and loads none of a source's code.
 */
export function nodeSourceSummary(config: Config): { description: string; writable: boolean } {
  const source = config.source;
  if (source.kind === 'file') return { description: inventoryFileDescription(source.path), writable: false };
  return { description: ironicSourceDescription(ironicEndpointName(source), ironicNodeFilters(source)), writable: true };
}
