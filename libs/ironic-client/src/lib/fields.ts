import type { IronicNode, IronicPort } from '@ironic-metadata/ironic-model';
import type { z } from 'zod';
import type { ApiVersion } from './api-version';

/** `?fields=` itself exists from API 1.8; below it every field is sent. */
export const FIELDS_PARAMETER_MINOR = 8;

/**
 * Every node field Ironic lets a caller select, with the minor API version that introduced it
 * (ironic/api/controllers/v1/utils.py VERSIONED_FIELDS). Asking for a newer field is a 406.
 *
 * @public
 */
export const NODE_FIELD_VERSIONS = {
  uuid: 1,
  created_at: 1,
  updated_at: 1,
  chassis_uuid: 1,
  console_enabled: 1,
  driver: 1,
  driver_info: 1,
  extra: 1,
  instance_info: 1,
  instance_uuid: 1,
  last_error: 1,
  maintenance: 1,
  maintenance_reason: 1,
  power_state: 1,
  properties: 1,
  provision_state: 1,
  provision_updated_at: 1,
  reservation: 1,
  target_power_state: 1,
  target_provision_state: 1,
  driver_internal_info: 3,
  name: 5,
  inspection_finished_at: 6,
  inspection_started_at: 6,
  clean_step: 7,
  raid_config: 12,
  target_raid_config: 12,
  network_interface: 20,
  resource_class: 21,
  boot_interface: 31,
  console_interface: 31,
  deploy_interface: 31,
  inspect_interface: 31,
  management_interface: 31,
  power_interface: 31,
  raid_interface: 31,
  vendor_interface: 31,
  storage_interface: 33,
  traits: 37,
  rescue_interface: 38,
  bios_interface: 40,
  fault: 42,
  deploy_step: 44,
  conductor_group: 46,
  automated_clean: 47,
  protected: 48,
  protected_reason: 48,
  conductor: 49,
  owner: 50,
  description: 51,
  allocation_uuid: 52,
  retired: 61,
  retired_reason: 61,
  lessee: 65,
  network_data: 66,
  boot_mode: 75,
  secure_boot: 75,
  shard: 82,
} as const satisfies Record<string, number>;

/**
 * Port fields and the minor version that introduced each (ironic/api/controllers/v1/port.py).
 *
 * @public
 */
export const PORT_FIELD_VERSIONS = {
  uuid: 1,
  address: 1,
  node_uuid: 1,
  extra: 1,
  created_at: 1,
  updated_at: 1,
  internal_info: 18,
  pxe_enabled: 19,
  local_link_connection: 19,
  portgroup_uuid: 24,
  physical_network: 34,
  is_smartnic: 53,
} as const satisfies Record<string, number>;

/**
 * A node field the client can ask for with `fields`; {@link NODE_FIELD_VERSIONS} gives the API version each needs.
 *
 * @public
 */
export type NodeField = keyof typeof NODE_FIELD_VERSIONS;
/**
 * A port field the client can ask for with `fields`; {@link PORT_FIELD_VERSIONS} gives the API version each needs.
 *
 * @public
 */
export type PortField = keyof typeof PORT_FIELD_VERSIONS;

/**
 * A node as answered for a `fields` selection: the selected fields and `uuid` (always asked for, paging
 * needs it). Without a selection, the whole node.
 *
 * @public
 */
export type NodeOf<F extends NodeField> = [F] extends [never] ? IronicNode : Pick<IronicNode, F | 'uuid'>;

/**
 * A port as answered for a `fields` selection (plus `uuid`), or the whole port without one.
 *
 * @public
 */
export type PortOf<F extends PortField> = [F] extends [never] ? IronicPort : Pick<IronicPort, F | 'uuid'>;

export interface FieldSelection {
  /** What to put in `?fields=`; undefined when every field must be asked for. */
  fields: string[] | undefined;
  /** Selected fields the negotiated version does not have, left out of the request. */
  dropped: string[];
}

/**
 * The fields to ask for: the selection plus `uuid`, without those newer than the negotiated version.
 * Dropping (rather than failing) suits optional data such as `network_data`: the answer simply lacks it.
 */
export function selectFields(
  versions: Readonly<Record<string, number>>,
  requested: readonly string[] | undefined,
  version: ApiVersion,
): FieldSelection {
  if (!requested) return { fields: undefined, dropped: [] };
  const wanted = [...new Set(['uuid', ...requested])];
  const dropped = wanted.filter((field) => (versions[field] ?? 1) > version.minor);
  if (version.minor < FIELDS_PARAMETER_MINOR) return { fields: undefined, dropped };
  return { fields: wanted.filter((field) => !dropped.includes(field)), dropped };
}

/** The schema restricted to the selected fields it knows; other fields pass through unchecked. */
export function schemaForFields(schema: z.ZodObject, fields: readonly string[] | undefined): z.ZodObject {
  if (!fields) return schema;
  const mask = Object.fromEntries(fields.filter((field) => field in schema.shape).map((field) => [field, true as const]));
  // zod types a mask by literal keys; these were checked against the shape just above.
  return schema.pick(mask as never);
}
