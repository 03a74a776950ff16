import { z } from 'zod';
import { ipAddressSchema, isStoredNetworkData, readNetworkData, type StoredNetworkData } from './network-data';

/**
 * Every provision state Ironic reports (ironic/common/states.py).
 *
 * @public
 */
export const PROVISION_STATES = [
  'enroll',
  'verifying',
  'manageable',
  'available',
  'active',
  'deploying',
  'wait call-back',
  'deploy failed',
  'deploy complete',
  'deploy hold',
  'deleting',
  'deleted',
  'cleaning',
  'clean wait',
  'clean failed',
  'clean hold',
  'error',
  'rebuild',
  'inspecting',
  'inspect wait',
  'inspect failed',
  'adopting',
  'adopt failed',
  'rescue',
  'rescuing',
  'rescue wait',
  'rescue failed',
  'unrescuing',
  'unrescue failed',
  'servicing',
  'service wait',
  'service failed',
  'service hold',
  'unprovisioned',
] as const;
/**
 * One of Ironic's provision states, as {@link PROVISION_STATES} lists them.
 *
 * @public
 */
export type ProvisionState = (typeof PROVISION_STATES)[number];

/**
 * States in which the node carries an instance and may be served instance data. A node that is being
 * cleaned, torn down or made available again must never see the previous instance's data.
 *
 * @public
 */
export const INSTANCE_STATES: ReadonlySet<string> = new Set([
  'active',
  'deploying',
  'wait call-back',
  'deploy complete',
  'deploy hold',
  'rebuild',
]);

/**
 * What Ironic shows in place of a secret when the `show_instance_secrets` policy is not granted.
 *
 * @public
 */
export const MASKED_SECRET = '******';

const jsonObject = z.record(z.string(), z.unknown());

/**
 * A fixed IP, by convention in `instance_info.fixed_ips`: a bare address or Neutron's `{ip_address}`.
 *
 * @public
 */
export const fixedIpSchema = z.union([ipAddressSchema, z.looseObject({ ip_address: ipAddressSchema })], {
  error: 'expected an IPv4 or IPv6 address, or {"ip_address": <address>}',
});

/**
 * The parts of `instance_info` this service reads. Ironic stores whatever the deployer gave, so the
 * rest is kept as it came; parsed leniently ({@link parseLeniently}), an unusable value is left aside.
 *
 * @public
 */
export const instanceInfoSchema = z.looseObject({
  image_source: z.string().optional(),
  fixed_ips: z.array(fixedIpSchema).optional(),
  /** `{name: key}`, or a list of keys. */
  public_keys: z.union([z.record(z.string(), z.string()), z.array(z.string())]).optional(),
  user_data: z.string().optional(),
  /** A JSON object, or a string (JSON, base64 of gzip of ISO 9660, a URL) or Ironic's mask. */
  configdrive: z.union([jsonObject, z.string()]).nullable().optional(),
  hostname: z.string().optional(),
  availability_zone: z.string().optional(),
  root_gb: z.union([z.number(), z.string()]).optional(),
});

/**
 * A node as `GET /v1/nodes/detail` and `GET /v1/nodes/{id}` answer it. Only `uuid` and
 * `provision_state` are needed to serve a node at all; parse it with {@link parseLeniently} so that
 * any other unusable value costs only itself.
 *
 * @public
 */
export const ironicNodeSchema = z.looseObject({
  uuid: z.string().min(1),
  name: z.string().nullable().optional(),
  instance_uuid: z.string().nullable().optional(),
  provision_state: z.string().min(1),
  updated_at: z.string().nullable().optional(),
  created_at: z.string().nullable().optional(),
  provision_updated_at: z.string().nullable().optional(),
  driver: z.string().optional(),
  instance_info: instanceInfoSchema.default({}),
  driver_info: jsonObject.default({}),
  /** Written by Ironic itself, e.g. the deploy agent's `agent_url`. */
  driver_internal_info: jsonObject.default({}),
  properties: jsonObject.default({}),
  extra: jsonObject.default({}),
  /** API 1.66; `{}` when unset. Kept as stored (it is served as is); {@link nodeNetworkData} reads it. */
  network_data: z.record(z.string(), z.unknown()).nullable().optional(),
  owner: z.string().nullable().optional(),
  lessee: z.string().nullable().optional(),
  resource_class: z.string().nullable().optional(),
  conductor_group: z.string().nullable().optional(),
});

/**
 * A port as `GET /v1/ports/detail` answers it.
 *
 * @public
 */
export const ironicPortSchema = z.looseObject({
  uuid: z.string().min(1),
  address: z.string().min(1),
  node_uuid: z.string().min(1),
  pxe_enabled: z.boolean().optional(),
  portgroup_uuid: z.string().nullable().optional(),
  physical_network: z.string().nullable().optional(),
  local_link_connection: jsonObject.optional(),
  extra: jsonObject.optional(),
});

/**
 * A portgroup (bond) as `GET /v1/portgroups/detail` answers it.
 *
 * @public
 */
export const ironicPortgroupSchema = z.looseObject({
  uuid: z.string().min(1),
  address: z.string().nullable().optional(),
  node_uuid: z.string().min(1),
  name: z.string().nullable().optional(),
  mode: z.string().nullable().optional(),
  properties: jsonObject.optional(),
  standalone_ports_supported: z.boolean().optional(),
});

/**
 * An `instance_info.fixed_ips` entry: an address, or `{ip_address}`.
 *
 * @public
 */
export type FixedIp = z.infer<typeof fixedIpSchema>;
/**
 * A node's `instance_info`, as {@link instanceInfoSchema} validates it; other keys are kept.
 *
 * @public
 */
export type InstanceInfo = z.infer<typeof instanceInfoSchema>;
/**
 * A node as `GET /v1/nodes/{node_ident}` answers it, as {@link ironicNodeSchema} validates it.
 *
 * @public
 */
export type IronicNode = z.infer<typeof ironicNodeSchema>;
/**
 * A port as `GET /v1/ports` answers it, as {@link ironicPortSchema} validates it.
 *
 * @public
 */
export type IronicPort = z.infer<typeof ironicPortSchema>;
/**
 * A portgroup as `GET /v1/portgroups` answers it (API 1.23), as {@link ironicPortgroupSchema} validates it.
 *
 * @public
 */
export type IronicPortgroup = z.infer<typeof ironicPortgroupSchema>;

/**
 * The address of a fixed IP entry, whichever of the two conventional shapes it has.
 *
 * @public
 */
export function fixedIpAddress(entry: FixedIp): string {
  return typeof entry === 'string' ? entry : entry.ip_address;
}

/**
 * The node's own network_data, as stored and as read, or undefined when it has none (Ironic answers `{}`).
 *
 * @public
 */
export function nodeNetworkData(node: Pick<IronicNode, 'network_data'>): StoredNetworkData | undefined {
  return isStoredNetworkData(node.network_data) ? readNetworkData(node.network_data) : undefined;
}
