import type { Network, NetworkData, NetworkLink, NetworkService } from '@ironic-metadata/ironic-model';

/**
 * One device of netplan's version 2 network config, as far as network_data can say.
 *
 * @public
 */
export interface V2Device {
  match?: { macaddress: string };
  'set-name'?: string;
  macaddress?: string;
  mtu?: number;
  dhcp4?: boolean;
  dhcp6?: boolean;
  'accept-ra'?: boolean;
  addresses?: string[];
  routes?: { to: string; via: string }[];
  nameservers?: { addresses: string[] };
  /** Bonds: the member ethernets, by their key. */
  interfaces?: string[];
  parameters?: Record<string, string | number>;
  /** VLANs: the tag and the parent device's key. */
  id?: number;
  link?: string;
}

/**
 * Network config version 2 (cloud-init's "Networking config Version 2", netplan's schema).
 *
 * @public
 */
export interface NetworkConfigV2 {
  version: 2;
  ethernets?: Record<string, V2Device>;
  bonds?: Record<string, V2Device>;
  vlans?: Record<string, V2Device>;
}

/**
 * network_data.json bond keys -> v2 bond `parameters`, the ones cloud-init 22.4's network state
 * parser knows (`NET_CONFIG_TO_V2`); it fails on a parameter it does not know, so others are left out.
 */
const BOND_PARAMETERS: Record<string, string> = {
  bond_mode: 'mode',
  bond_miimon: 'mii-monitor-interval',
  bond_xmit_hash_policy: 'transmit-hash-policy',
};

/**
 * Converts Nova's network_data (links, networks, services) to network config version 2, the way
 * cloud-init's OpenStack source converts it to version 1 (`openstack.convert_net_json`): `bond`
 * links are bonds named `bond0..N`, `vlan` links VLANs named `<parent>.<vlan_id>`, every other link
 * an ethernet matched by its MAC; each network on a link becomes its addresses, DHCP, routes (the
 * gateway as a default route) and DNS; the top-level DNS services go on every configured device, as
 * v2 has no global name servers.
 *
 * Why version 2: a NIC matched by MAC keeps the kernel's name, where version 1 renames every NIC to
 * a name we would have to invent. cloud-init 22.4 resolves a bond's `interfaces` and a VLAN's `link`
 * by interface name rather than by v2 key, so an ethernet that a bond or VLAN refers to also gets
 * `set-name` (its key): those, and only those, are renamed, as version 1 would rename them all.
 *
 * @public
 */
export function nocloudNetworkConfig(networkData: NetworkData): NetworkConfigV2 {
  const names = deviceNames(networkData.links);
  const referenced = new Set(
    networkData.links.flatMap((link) =>
      link.type === 'bond' ? (link.bond_links ?? []) : link.type === 'vlan' && link.vlan_link ? [link.vlan_link] : [],
    ),
  );
  // Entries, made into objects only at the end, so that a link id `__proto__` stays a plain key.
  const ethernets: [string, V2Device][] = [];
  const bonds: [string, V2Device][] = [];
  const vlans: [string, V2Device][] = [];
  for (const link of networkData.links) {
    const name = names.get(link.id) as string;
    const addressing = addressingOf(
      networkData.networks.filter((network) => network.link === link.id),
      networkData.services,
    );
    // network_data.json is served as stored (an "mtu": 0 is seen in the field); netplan takes only a
    // positive whole MTU, so anything else leaves the kernel's default.
    const mtu = typeof link.mtu === 'number' && Number.isInteger(link.mtu) && link.mtu > 0 ? { mtu: link.mtu } : {};
    if (link.type === 'bond') {
      bonds.push([
        name,
        {
          interfaces: (link.bond_links ?? []).flatMap((member) => names.get(member) ?? []),
          ...(link.ethernet_mac_address ? { macaddress: link.ethernet_mac_address.toLowerCase() } : {}),
          ...mtu,
          parameters: bondParameters(link),
          ...addressing,
        },
      ]);
    } else if (link.type === 'vlan') {
      vlans.push([
        name,
        {
          id: link.vlan_id,
          link: link.vlan_link === undefined ? undefined : names.get(link.vlan_link),
          ...(link.vlan_mac_address ? { macaddress: link.vlan_mac_address.toLowerCase() } : {}),
          ...mtu,
          ...addressing,
        },
      ]);
    } else {
      ethernets.push([
        name,
        Object.assign(
          {},
          link.ethernet_mac_address ? { match: { macaddress: link.ethernet_mac_address.toLowerCase() } } : {},
          referenced.has(link.id) ? { 'set-name': name } : {},
          mtu,
          addressing,
        ),
      ]);
    }
  }
  return {
    version: 2,
    ...(ethernets.length > 0 ? { ethernets: Object.fromEntries(ethernets) } : {}),
    ...(bonds.length > 0 ? { bonds: Object.fromEntries(bonds) } : {}),
    ...(vlans.length > 0 ? { vlans: Object.fromEntries(vlans) } : {}),
  };
}

/** Link id -> device name: a bond is `bondN` and a VLAN `<parent>.<vlan_id>`, as cloud-init names them. */
function deviceNames(links: readonly NetworkLink[]): Map<string, string> {
  const names = new Map<string, string>();
  let bonds = 0;
  for (const link of links) {
    if (link.type === 'bond') names.set(link.id, `bond${bonds++}`);
    else if (link.type !== 'vlan') names.set(link.id, link.id);
  }
  for (const link of links) {
    if (link.type === 'vlan') names.set(link.id, `${names.get(link.vlan_link ?? '') ?? link.vlan_link}.${link.vlan_id}`);
  }
  return names;
}

function bondParameters(link: NetworkLink): Record<string, string | number> {
  return Object.fromEntries(
    Object.entries(BOND_PARAMETERS).flatMap(([key, parameter]) => {
      const value = link[key];
      // Nova's Ironic driver copies portgroup properties as stored, so `bond_miimon` is often "100";
      // netplan's mii-monitor-interval is a whole number of milliseconds.
      if (parameter === 'mii-monitor-interval' && typeof value === 'string' && /^\d+$/.test(value)) return [[parameter, Number(value)]];
      return typeof value === 'string' || typeof value === 'number' ? [[parameter, value]] : [];
    }),
  );
}

/** The v2 keys for the networks on one device, as convert_net_json reads each network's type. */
function addressingOf(networks: readonly Network[], services: readonly NetworkService[]): Partial<V2Device> {
  if (networks.length === 0) return {};
  const device: Partial<V2Device> = {};
  const addresses: string[] = [];
  const routes: { to: string; via: string }[] = [];
  for (const network of networks) {
    switch (network.type) {
      case 'ipv4_dhcp':
        device.dhcp4 = true;
        break;
      case 'ipv6_dhcp':
      case 'ipv6_dhcpv6-stateful':
      case 'ipv6_dhcpv6-stateless':
        device.dhcp6 = true;
        device['accept-ra'] = true;
        break;
      case 'ipv6_slaac':
        device['accept-ra'] = true;
        break;
      case 'ipv4':
      case 'ipv6':
        if (network.ip_address) addresses.push(withPrefix(network.ip_address, network.netmask));
        if (network.type === 'ipv6') device['accept-ra'] = false;
        break;
    }
    if (network.gateway) routes.push({ to: network.gateway.includes(':') ? '::/0' : '0.0.0.0/0', via: network.gateway });
    for (const route of network.routes ?? []) routes.push({ to: withPrefix(route.network, route.netmask), via: route.gateway });
  }
  const dns = [...networks.flatMap((network) => network.services ?? []), ...services]
    .filter((service) => service.type === 'dns')
    .map((service) => service.address);
  return Object.assign(
    {},
    device,
    addresses.length > 0 ? { addresses } : {},
    routes.length > 0 ? { routes } : {},
    dns.length > 0 ? { nameservers: { addresses: [...new Set(dns)] } } : {},
  );
}

/** `10.0.0.5` + `255.255.255.0` -> `10.0.0.5/24`; `2001:db8::5` + `ffff:ffff:ffff:ffff::` -> `/64`. */
function withPrefix(address: string, netmask: string | undefined): string {
  if (address.includes('/') || netmask === undefined) return address;
  const prefix = prefixLength(netmask);
  return prefix === undefined ? address : `${address}/${prefix}`;
}

/**
 * The prefix length a netmask spells: a number (`24`, `64`), a dotted IPv4 mask or an IPv6 mask.
 * Undefined when it is none of these, or not contiguous ones then zeros.
 */
export function prefixLength(netmask: string): number | undefined {
  if (/^\d{1,3}$/.test(netmask)) return Number(netmask) <= 128 ? Number(netmask) : undefined;
  const bits = netmask.includes(':') ? ipv6Bits(netmask) : ipv4Bits(netmask);
  if (bits === undefined || !/^1*0*$/.test(bits)) return undefined;
  return bits.indexOf('0') === -1 ? bits.length : bits.indexOf('0');
}

function ipv4Bits(mask: string): string | undefined {
  const octets = mask.split('.');
  if (octets.length !== 4 || octets.some((octet) => !/^\d{1,3}$/.test(octet) || Number(octet) > 255)) return undefined;
  return octets.map((octet) => Number(octet).toString(2).padStart(8, '0')).join('');
}

function ipv6Bits(mask: string): string | undefined {
  const halves = mask.split('::');
  if (halves.length > 2) return undefined;
  const groups = halves.map((half) => (half === '' ? [] : half.split(':')));
  const missing = 8 - groups.flat().length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return undefined;
  const all = halves.length === 1 ? groups[0] : [...groups[0], ...Array<string>(missing).fill('0'), ...groups[1]];
  if (all.some((group) => !/^[0-9a-f]{1,4}$/i.test(group))) return undefined;
  return all.map((group) => parseInt(group, 16).toString(2).padStart(16, '0')).join('');
}
