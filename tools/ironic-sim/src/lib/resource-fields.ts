/** What a collection lets a caller see and select, by API version. */
export interface ResourceFields {
  /** Fields that exist only from API 1.N: hidden below it, and a 406 when selected. */
  minorOf: Readonly<Record<string, number>>;
  /** What `GET /v1/<collection>` shows without `fields` (plus `links`). */
  listDefault: readonly string[];
  /** Whether `fields=` may name this field (Ironic's own list, not simply every key). */
  selectable(field: string): boolean;
}

// ironic/api/controllers/v1/utils.py VERSIONED_FIELDS, for the fields the simulator serves.
const NODE_FIELD_MINOR: Record<string, number> = {
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
};

/**
 * The node fields `?fields=` accepts (ironic/api/controllers/v1/node.py `_get_fields_for_node_query`).
 * `created_at` and `updated_at` are not among them: Ironic 21.4 answers 400 "Field updated_at is not
 * a valid field." for them, and the simulator must refuse them too so that clients find out here.
 */
const NODE_SELECTABLE = new Set([
  'uuid',
  'traits',
  'allocation_uuid',
  'chassis_uuid',
  'conductor',
  'automated_clean',
  'bios_interface',
  'boot_interface',
  'boot_mode',
  'clean_step',
  'conductor_group',
  'console_enabled',
  'console_interface',
  'deploy_interface',
  'deploy_step',
  'description',
  'driver',
  'driver_info',
  'driver_internal_info',
  'extra',
  'fault',
  'inspection_finished_at',
  'inspection_started_at',
  'inspect_interface',
  'instance_info',
  'instance_uuid',
  'last_error',
  'lessee',
  'maintenance',
  'maintenance_reason',
  'management_interface',
  'name',
  'network_data',
  'network_interface',
  'owner',
  'power_interface',
  'power_state',
  'properties',
  'protected',
  'protected_reason',
  'provision_state',
  'provision_updated_at',
  'raid_config',
  'raid_interface',
  'rescue_interface',
  'reservation',
  'resource_class',
  'retired',
  'retired_reason',
  'secure_boot',
  'shard',
  'storage_interface',
  'target_power_state',
  'target_provision_state',
  'target_raid_config',
  'vendor_interface',
]);

export const NODE_FIELDS: ResourceFields = {
  minorOf: NODE_FIELD_MINOR,
  listDefault: ['instance_uuid', 'maintenance', 'power_state', 'provision_state', 'uuid', 'name'],
  selectable: (field) => NODE_SELECTABLE.has(field),
};

const PORT_FIELD_MINOR: Record<string, number> = {
  internal_info: 18,
  pxe_enabled: 19,
  local_link_connection: 19,
  portgroup_uuid: 24,
  physical_network: 34,
  is_smartnic: 53,
};
const PORT_SELECTABLE = new Set([
  'uuid',
  'address',
  'node_uuid',
  'extra',
  'created_at',
  'updated_at',
  'links',
  ...Object.keys(PORT_FIELD_MINOR),
]);

/** Ports: any field a port has may be selected (ironic's check_for_invalid_fields). */
export const PORT_FIELDS: ResourceFields = {
  minorOf: PORT_FIELD_MINOR,
  listDefault: ['uuid', 'address'],
  selectable: (field) => PORT_SELECTABLE.has(field),
};

const PORTGROUP_SELECTABLE = new Set([
  'uuid',
  'address',
  'name',
  'node_uuid',
  'mode',
  'properties',
  'standalone_ports_supported',
  'internal_info',
  'extra',
  'created_at',
  'updated_at',
  'links',
]);

/** Portgroups exist from 1.23, `mode` and `properties` from 1.26. */
export const PORTGROUP_FIELDS: ResourceFields = {
  minorOf: { mode: 26, properties: 26 },
  listDefault: ['uuid', 'address', 'name'],
  selectable: (field) => PORTGROUP_SELECTABLE.has(field),
};
