import type { NodeFilters } from '@ironic-metadata/ironic-client';

/** How an inventory file names itself as a node source (`NodeSource.description`): `inventory file <path>`. */
export function inventoryFileDescription(path: string): string {
  return `inventory file ${path}`;
}

/**
 * How Ironic names itself as a node source (`NodeSource.description`): `Ironic at <endpoint>`, then
 * the filters that scope its nodes, when any is set, as `(conductor_group a, shard b)`.
 */
export function ironicSourceDescription(endpoint: string, filters: NodeFilters = {}): string {
  const scope = Object.entries(filters)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => `${name} ${String(value)}`);
  return scope.length > 0 ? `Ironic at ${endpoint} (${scope.join(', ')})` : `Ironic at ${endpoint}`;
}
