import { z } from 'zod';

/**
 * Nova's network_data.json (nova doc/api_schemas/network_data.json), as found in a config drive, in a
 * node's `network_data` field (Ironic API 1.66) and as we render it. Unknown keys are kept: readers
 * such as cloud-init look at fields this model does not name.
 */
export const networkLinkSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  ethernet_mac_address: z.string().optional(),
  mtu: z.number().int().positive().nullable().optional(),
  vif_id: z.string().nullable().optional(),
  bond_mode: z.string().optional(),
  bond_links: z.array(z.string()).optional(),
  bond_miimon: z.number().optional(),
  bond_xmit_hash_policy: z.string().optional(),
  vlan_id: z.number().int().optional(),
  vlan_link: z.string().optional(),
  vlan_mac_address: z.string().optional(),
});

/** A route of a network in network_data.json: `network`, `netmask`, `gateway` (Nova `nova/virt/netutils.py`). */
export const networkRouteSchema = z.looseObject({
  network: z.string(),
  netmask: z.string(),
  gateway: z.string(),
});

/** A service in network_data.json, e.g. `{type: 'dns', address: '10.0.0.2'}`. */
export const networkServiceSchema = z.looseObject({
  type: z.string(),
  address: z.string(),
});

/** A network in network_data.json: `id`, `type` (`ipv4`, `ipv6`, `ipv4_dhcp`, ...), the `link` it is on, and for static types `ip_address`, `netmask`, `routes`. */
export const networkSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  link: z.string().min(1),
  ip_address: z.string().optional(),
  netmask: z.string().optional(),
  gateway: z.string().optional(),
  routes: z.array(networkRouteSchema).optional(),
  network_id: z.string().optional(),
  services: z.array(networkServiceSchema).optional(),
});

/** Nova's network_data.json (`links`, `networks`, `services`), as Ironic keeps it in a node's `network_data` (API 1.66) or a config drive carries it. */
export const networkDataSchema = z.looseObject({
  links: z.array(networkLinkSchema).default([]),
  networks: z.array(networkSchema).default([]),
  services: z.array(networkServiceSchema).default([]),
});

/** A link of network_data.json, as {@link networkLinkSchema} validates it. */
export type NetworkLink = z.infer<typeof networkLinkSchema>;
/** A route of network_data.json, as {@link networkRouteSchema} validates it. */
export type NetworkRoute = z.infer<typeof networkRouteSchema>;
/** A service of network_data.json, as {@link networkServiceSchema} validates it. */
export type NetworkService = z.infer<typeof networkServiceSchema>;
/** A network of network_data.json, as {@link networkSchema} validates it. */
export type Network = z.infer<typeof networkSchema>;
/** A whole network_data.json, as {@link networkDataSchema} validates it. */
export type NetworkData = z.infer<typeof networkDataSchema>;
