import { z } from 'zod';
import { parseLeniently, type LeftAside } from './validation';

/**
 * A MAC address as `ethernet_mac_address` carries it: six hex octets, `:` or `-` between them.
 *
 * @public
 */
export const macAddressSchema = z
  .string()
  .regex(/^[0-9a-f]{2}([:-][0-9a-f]{2}){5}$/i, { error: 'expected a MAC address such as 52:54:00:12:34:56' });

/**
 * An IPv4 or IPv6 address, as `ip_address` (Nova) and `fixed_ips` (by convention) carry it.
 *
 * @public
 */
export const ipAddressSchema = z.union([z.ipv4(), z.ipv6()], { error: 'expected an IPv4 or IPv6 address' });

/**
 * What the service reads of a link in Nova's network_data.json (nova doc/api_schemas/network_data.json),
 * and only as strictly as it reads it. Fields declared `unknown` are carried, never read: Ironic stores a
 * config drive and a node's network_data as given, and Nova's Ironic driver copies portgroup properties
 * into `bond_*` as they are (nova/virt/ironic/driver.py, so `"bond_miimon": "100"`); real drives carry
 * `"mtu": 0`. Unknown keys are kept: readers such as cloud-init look at fields this model does not name.
 *
 * @public
 */
export const networkLinkSchema = z.looseObject({
  /** The name networks refer to it by; a link without one is left aside. */
  id: z.string().min(1),
  /** `phy`, `bond`, `vlan`, `tap`, `vif`, `ovs`, ...: any name. */
  type: z.string().min(1),
  ethernet_mac_address: macAddressSchema.optional(),
  mtu: z.unknown().optional(),
  vif_id: z.unknown().optional(),
  bond_mode: z.unknown().optional(),
  /** The `id`s of the member links. */
  bond_links: z.array(z.string()).optional(),
  bond_miimon: z.unknown().optional(),
  bond_xmit_hash_policy: z.unknown().optional(),
  vlan_id: z.number().int().optional(),
  vlan_link: z.string().optional(),
  vlan_mac_address: macAddressSchema.optional(),
});

/**
 * A route of a network in network_data.json: `network`, `netmask`, `gateway` (Nova `nova/virt/netutils.py`).
 *
 * @public
 */
export const networkRouteSchema = z.looseObject({
  network: z.string(),
  netmask: z.string(),
  gateway: z.string(),
});

/**
 * A service in network_data.json, e.g. `{type: 'dns', address: '10.0.0.2'}`.
 *
 * @public
 */
export const networkServiceSchema = z.looseObject({
  type: z.string(),
  address: z.string(),
});

/**
 * What the service reads of a network: its address (to match a client, and EC2's `local-ipv4s`), its
 * netmask and the link it sits on; its type, gateway, routes and DNS services for the NoCloud network
 * config. A network whose `link` is unusable still names its address.
 *
 * @public
 */
export const networkSchema = z.looseObject({
  id: z.unknown().optional(),
  /** `ipv4`, `ipv4_dhcp`, `ipv6`, `ipv6_dhcp`, `ipv6_slaac`, ... */
  type: z.string().optional(),
  link: z.string().min(1).optional(),
  ip_address: ipAddressSchema.optional(),
  netmask: z.string().optional(),
  /** Read for the NoCloud network config's default route. */
  gateway: z.string().optional(),
  routes: z.array(networkRouteSchema).optional(),
  network_id: z.unknown().optional(),
  services: z.array(networkServiceSchema).optional(),
});

/**
 * Nova's network_data.json (`links`, `networks`, `services`), as Ironic keeps it in a node's `network_data` (API 1.66) or a config drive carries it.
 *
 * @public
 */
export const networkDataSchema = z.looseObject({
  links: z.array(networkLinkSchema).default([]),
  networks: z.array(networkSchema).default([]),
  services: z.array(networkServiceSchema).default([]),
});

/**
 * A link of network_data.json, as {@link networkLinkSchema} validates it.
 *
 * @public
 */
export type NetworkLink = z.infer<typeof networkLinkSchema>;
/**
 * A route of network_data.json, as {@link networkRouteSchema} validates it.
 *
 * @public
 */
export type NetworkRoute = z.infer<typeof networkRouteSchema>;
/**
 * A service of network_data.json, as {@link networkServiceSchema} validates it.
 *
 * @public
 */
export type NetworkService = z.infer<typeof networkServiceSchema>;
/**
 * A network of network_data.json, as {@link networkSchema} validates it.
 *
 * @public
 */
export type Network = z.infer<typeof networkSchema>;
/**
 * The view of network_data.json the service reads (see {@link readNetworkData}).
 *
 * @public
 */
export type NetworkData = z.infer<typeof networkDataSchema>;

/**
 * network_data as stored (in a config drive, or a node's `network_data` field) and what the service reads of it.
 *
 * @public
 */
export interface StoredNetworkData {
  /** The JSON value exactly as stored: what `network_data.json` serves, odd values and unknown keys included. */
  document: unknown;
  /** The links and networks the service reads; empty when the document is not an object. */
  view: NetworkData;
  /** Values the view leaves out, and why; fields are relative to the document (`links[2].id`). */
  leftAside: LeftAside[];
}

const EMPTY_VIEW: NetworkData = { links: [], networks: [], services: [] };
/** Read once per stored object: the same node or drive is indexed again at every refresh. */
const readByDocument = new WeakMap<object, StoredNetworkData>();

/**
 * Reads stored network_data leniently: each unusable value (an `ip_address` that is not an address, a
 * link without an `id`) is left out of the view and named; nothing else is checked, and the document
 * itself is kept as it was. Never throws.
 *
 * @public
 */
export function readNetworkData(document: unknown): StoredNetworkData {
  const cacheable = typeof document === 'object' && document !== null;
  const cached = cacheable ? readByDocument.get(document) : undefined;
  if (cached) return cached;
  const result = parseLeniently(networkDataSchema, document);
  const read: StoredNetworkData = result.success
    ? { document, view: result.data, leftAside: result.leftAside }
    : { document, view: EMPTY_VIEW, leftAside: [{ field: '', problem: result.problems.join('; ') }] };
  if (cacheable) readByDocument.set(document, read);
  return read;
}

/**
 * True when stored network_data says something: Ironic answers `{}` for a node without any.
 *
 * @public
 */
export function isStoredNetworkData(document: unknown): boolean {
  return typeof document === 'object' && document !== null && !Array.isArray(document) && Object.keys(document).length > 0;
}
