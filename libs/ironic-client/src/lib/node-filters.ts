/**
 * Filters of `GET /v1/nodes`, named as Ironic names its query parameters. Ironic applies them; the
 * client sends them again with every page (Ironic's own `next` link drops most of them).
 *
 * @public
 */
export interface NodeFilters {
  provision_state?: string;
  owner?: string;
  lessee?: string;
  conductor_group?: string;
  /** A node's shard (API 1.82): a label that splits a fleet between services such as this one. */
  shard?: string;
  conductor?: string;
  resource_class?: string;
  driver?: string;
  fault?: string;
  instance_uuid?: string;
  maintenance?: boolean;
  /** Whether an instance is associated (`instance_uuid` set). */
  associated?: boolean;
}

/**
 * The minor API version each filter needs (ironic/api/controllers/v1/utils.py check_allow_filter_*).
 *
 * @public
 */
export const NODE_FILTER_VERSIONS: Readonly<Record<keyof NodeFilters, number>> = {
  instance_uuid: 1,
  maintenance: 1,
  associated: 1,
  provision_state: 9,
  driver: 16,
  resource_class: 21,
  fault: 42,
  conductor_group: 46,
  conductor: 49,
  owner: 50,
  lessee: 65,
  shard: 82,
};

/** The filters actually given, each with the version it needs. */
export function usedNodeFilters(filters: NodeFilters): { name: keyof NodeFilters; minor: number }[] {
  return (Object.keys(NODE_FILTER_VERSIONS) as (keyof NodeFilters)[])
    .filter((name) => filters[name] !== undefined)
    .map((name) => ({ name, minor: NODE_FILTER_VERSIONS[name] }));
}
