import { isIPv4 } from 'node:net';
import type { Ec2Interface, InstanceMetadata } from '@ironic-metadata/formatters';
import { normalizeMac } from '@ironic-metadata/ironic-model';

/** What EC2's `local-ipv4`, `mac` and `network/interfaces/macs/<mac>/` say about one instance. */
export interface Ec2NetworkView {
  /** The instance's IPv4 address, as Nova's `local-ipv4`: its first fixed IPv4; absent when nothing names one. */
  localIpv4?: string;
  /** The primary NIC's MAC, lower case: the one with `device-number` 0 and `local-ipv4` on it. */
  mac?: string;
  /** One entry per NIC MAC, in the order of network_data's links. */
  interfaces: Ec2Interface[];
}

/**
 * network_data as far as this module relies on it. Every field is checked where it is read: a link or
 * network this translation cannot use is left out of the EC2 view and stays in network_data.json.
 */
export interface NetworkGraph {
  readonly links?: unknown;
  readonly networks?: unknown;
}

type Link = { kind: 'nic'; mac?: string } | { kind: 'bond'; mac?: string; members: string[] } | { kind: 'vlan'; parent?: string };

interface Network {
  link: string;
  type: string;
  address?: string;
  netmask?: string;
}

/**
 * EC2's per-NIC view of network_data (Nova's `links`/`networks`, nova/virt/netutils.py), following the
 * link graph down to the NICs: a VLAN's addresses belong to the NIC under its `vlan_link`, a bond's to
 * the member whose MAC the bond carries (Linux gives a bond its first member's MAC; Ironic a
 * portgroup's), else its first member. Each NIC MAC is listed once, with every IPv4 address that
 * reaches it; `local-ipv4` is the first fixed IPv4 (`instance_info.fixed_ips`), else the first IPv4 of
 * the networks, and sits on the NIC with `device-number` 0. Fixed addresses that no network places are
 * on that NIC too, as DHCP hands them to the NIC Nova's first network is on. Never throws.
 */
export function ec2NetworkView(networkData: NetworkGraph, fixedIps: readonly string[]): Ec2NetworkView {
  const links = readLinks(networkData.links);
  const nics = new Map<string, { addresses: string[]; subnet?: string }>();
  for (const link of links.values()) {
    if (link.kind === 'nic' && link.mac !== undefined && !nics.has(link.mac)) nics.set(link.mac, { addresses: [] });
  }
  const networks = readNetworks(networkData.networks);
  // Each network with the NIC under its link; a network that leads to no NIC places nothing.
  const placed = networks.flatMap((network) => {
    const mac = carrierMac(network.link, links, new Set());
    const nic = mac === undefined ? undefined : nics.get(mac);
    return nic && mac !== undefined ? [{ network, mac, nic }] : [];
  });
  for (const { network, nic } of placed) {
    if (network.address === undefined) continue;
    if (!nic.addresses.includes(network.address)) nic.addresses.push(network.address);
    if (nic.subnet === undefined && network.netmask !== undefined) nic.subnet = subnetCidr(network.address, network.netmask);
  }
  const fixedIpv4s = fixedIps.filter((ip) => isIPv4(ip));
  const localIpv4 = fixedIpv4s[0] ?? networks.find((network) => network.address !== undefined)?.address;
  const primary =
    placed.find(({ network }) => localIpv4 !== undefined && network.address === localIpv4) ??
    placed.find(({ network }) => network.type.startsWith('ipv4'));
  const mac = primary?.mac ?? nics.keys().next().value;
  // Addresses no network places (fixed_ips, a local-ipv4 on a link that leads nowhere) are the primary NIC's.
  const listed = new Set([...nics.values()].flatMap((nic) => nic.addresses));
  const unplaced = [...new Set(localIpv4 === undefined ? fixedIpv4s : [...fixedIpv4s, localIpv4])].filter((ip) => !listed.has(ip));
  if (mac !== undefined) nics.get(mac)?.addresses.push(...unplaced);
  const interfaces = [...nics].map(([nicMac, nic]) => ({
    mac: nicMac,
    deviceNumber: 0,
    localIpv4s: nic.addresses,
    subnetIpv4CidrBlock: nic.subnet,
  }));
  return { localIpv4, mac, interfaces: numbered(interfaces, mac) };
}

/**
 * The instance as seen by a client that asked from `address`: when nothing static names the instance's
 * IPv4 address, the address it was matched by (its DHCP lease, its deploy agent's URL) is its
 * `local-ipv4`, as Nova answers the fixed address DHCP hands out. It sits on the NIC of `mac` (the
 * lease's) when that is one of the instance's NICs, else on the primary NIC, which becomes
 * `device-number` 0. Returns `metadata` itself when there is nothing to add.
 */
export function withClientAddress(metadata: InstanceMetadata, address: string, mac?: string): InstanceMetadata {
  const { ec2 } = metadata;
  if (ec2.localIpv4 !== undefined || !isIPv4(address)) return metadata;
  const leased = mac === undefined ? undefined : normalizeMac(mac);
  const target = ec2.interfaces.find((nic) => nic.mac === leased)?.mac ?? ec2.mac;
  const interfaces = ec2.interfaces.map((nic) =>
    nic.mac === target ? Object.assign({}, nic, { localIpv4s: [...nic.localIpv4s, address] } satisfies Partial<Ec2Interface>) : nic,
  );
  const located = { localIpv4: address, mac: target, interfaces: numbered(interfaces, target) } satisfies Partial<InstanceMetadata['ec2']>;
  // eslint-disable-next-line no-restricted-syntax -- only ec2, a key it has, is replaced: the Map is reused (eslint.config.mjs)
  return { ...metadata, ec2: Object.assign({}, ec2, located) };
}

/** `device-number` 0 for the primary NIC, then 1, 2, ... in link order. */
function numbered(interfaces: readonly Ec2Interface[], primaryMac: string | undefined): Ec2Interface[] {
  let next = 1;
  return interfaces.map((nic) =>
    Object.assign({}, nic, { deviceNumber: nic.mac === primaryMac ? 0 : next++ } satisfies Partial<Ec2Interface>),
  );
}

/**
 * The MAC of the NIC that carries traffic for link `id`, following VLANs to their `vlan_link` and
 * bonds to a member; undefined for a link that leads to no NIC with a MAC (a missing id, a cycle).
 */
function carrierMac(id: string, links: ReadonlyMap<string, Link>, seen: Set<string>): string | undefined {
  const link = links.get(id);
  if (!link || seen.has(id)) return undefined;
  seen.add(id);
  if (link.kind === 'nic') return link.mac;
  if (link.kind === 'vlan') return link.parent === undefined ? undefined : carrierMac(link.parent, links, seen);
  const members = link.members.flatMap((member) => carrierMac(member, links, seen) ?? []);
  return members.find((member) => member === link.mac) ?? members[0];
}

/**
 * Links by id (the first of a repeated id), each checked field by field. `bond` and `vlan` are the only
 * link types that are not a NIC of their own: cloud-init's `convert_net_json`
 * (cloudinit/sources/helpers/openstack.py) configures every other type as a physical NIC by its MAC:
 * `phy`, `ethernet`, `tap`, `vif`, `ovs`, `bridge`, `hw_veb`, `hyperv`, `dvs`, `vhostuser`, and any
 * unknown type such as `macvtap` ("treating as physical").
 */
function readLinks(value: unknown): Map<string, Link> {
  const links = new Map<string, Link>();
  for (const link of Array.isArray(value) ? value : []) {
    if (!isRecord(link) || !nonEmptyString(link.id) || links.has(link.id)) continue;
    const mac = typeof link.ethernet_mac_address === 'string' ? normalizeMac(link.ethernet_mac_address) : undefined;
    if (link.type === 'vlan') links.set(link.id, { kind: 'vlan', parent: nonEmptyString(link.vlan_link) ? link.vlan_link : undefined });
    else if (link.type === 'bond')
      links.set(link.id, { kind: 'bond', mac, members: Array.isArray(link.bond_links) ? link.bond_links.filter(nonEmptyString) : [] });
    else links.set(link.id, { kind: 'nic', mac });
  }
  return links;
}

/** Networks on a link, with their IPv4 address and netmask when they carry usable ones. */
function readNetworks(value: unknown): Network[] {
  return (Array.isArray(value) ? value : []).flatMap((network): Network[] => {
    if (!isRecord(network) || !nonEmptyString(network.link)) return [];
    const address = typeof network.ip_address === 'string' && isIPv4(network.ip_address) ? network.ip_address : undefined;
    const netmask = typeof network.netmask === 'string' ? network.netmask : undefined;
    return [{ link: network.link, type: typeof network.type === 'string' ? network.type : '', address, netmask }];
  });
}

/** `10.1.105.195` + `255.255.255.0` -> `10.1.105.0/24`; undefined for anything but a dotted contiguous mask. */
export function subnetCidr(address: string, netmask: string): string | undefined {
  const octets = (text: string) => text.split('.').map((part) => (/^\d{1,3}$/.test(part) ? Number(part) : NaN));
  const ip = octets(address);
  const mask = octets(netmask);
  if (ip.length !== 4 || mask.length !== 4 || [...ip, ...mask].some((n) => !Number.isInteger(n) || n > 255)) return undefined;
  const bits = mask.map((octet) => octet.toString(2).padStart(8, '0')).join('');
  if (!/^1*0*$/.test(bits)) return undefined;
  return `${ip.map((octet, i) => octet & mask[i]).join('.')}/${bits.indexOf('0') === -1 ? 32 : bits.indexOf('0')}`;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
