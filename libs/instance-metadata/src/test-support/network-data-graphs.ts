import fc from 'fast-check';
import type { NetworkData } from '@ironic-metadata/ironic-model';

/**
 * A generated network_data graph and what its construction says about it: the NICs' MACs in link
 * order, and for each static IPv4 address the MAC of the NIC that carries it (a VLAN's parent's, a
 * bond's member whose MAC the bond copies, else its first member's).
 */
export interface NetworkDataGraph {
  networkData: NetworkData;
  nicMacs: string[];
  carrierOf: Record<string, string>;
}

/** Link types cloud-init's `convert_net_json` configures as physical NICs, plus one it does not know. */
export const NIC_LINK_TYPES = [
  'phy',
  'ethernet',
  'tap',
  'vif',
  'ovs',
  'bridge',
  'hw_veb',
  'hyperv',
  'dvs',
  'vhostuser',
  'macvtap',
] as const;

const macOf = (index: number, upper: boolean) => {
  const mac = `52:54:00:7e:${(index >> 8).toString(16).padStart(2, '0')}:${(index & 0xff).toString(16).padStart(2, '0')}`;
  return upper ? mac.toUpperCase() : mac;
};

interface Shape {
  nics: { type: string; upper: boolean }[];
  /** Each bond: the NIC indexes it takes (a NIC joins one bond at most), and whether it copies a member's MAC. */
  bonds: { take: number; copiesMember: number | null }[];
  vlans: { parent: number; vlanId: number }[];
  networks: { on: number; kind: 'ipv4' | 'ipv4_dhcp' | 'ipv6' | 'ipv6_dhcp' }[];
}

const shapes: fc.Arbitrary<Shape> = fc.record({
  nics: fc.array(fc.record({ type: fc.constantFrom(...NIC_LINK_TYPES), upper: fc.boolean() }), { minLength: 1, maxLength: 5 }),
  bonds: fc.array(fc.record({ take: fc.integer({ min: 1, max: 3 }), copiesMember: fc.option(fc.nat(2)) }), { maxLength: 2 }),
  vlans: fc.array(fc.record({ parent: fc.nat(), vlanId: fc.integer({ min: 1, max: 4094 }) }), { maxLength: 3 }),
  networks: fc.array(
    fc.record({ on: fc.nat(), kind: fc.constantFrom('ipv4' as const, 'ipv4_dhcp' as const, 'ipv6' as const, 'ipv6_dhcp' as const) }),
    { maxLength: 6 },
  ),
});

/** The graph a shape describes: NICs, bonds over unbonded NICs, VLANs over a NIC or a bond, networks on any link. */
function graphOf(shape: Shape): NetworkDataGraph {
  const links: NetworkData['links'] = [];
  const carrier = new Map<string, string>();
  shape.nics.forEach((nic, index) => {
    const mac = macOf(index, nic.upper);
    links.push({ id: `${nic.type}${index}`, type: nic.type, ethernet_mac_address: mac, mtu: 1500, vif_id: `vif-${index}` });
    carrier.set(`${nic.type}${index}`, mac.toLowerCase());
  });
  let free = links.map((link) => link.id);
  shape.bonds.forEach((bond, index) => {
    const members = free.slice(0, bond.take);
    if (members.length === 0) return;
    free = free.slice(members.length);
    const copied = bond.copiesMember === null ? undefined : members[bond.copiesMember % members.length];
    const mac = copied === undefined ? macOf(0x100 + index, false) : String(links.find((link) => link.id === copied)?.ethernet_mac_address);
    links.push({
      id: `bond${index}`,
      type: 'bond',
      ethernet_mac_address: mac,
      bond_links: members,
      bond_mode: '802.3ad',
      bond_miimon: 100,
      bond_xmit_hash_policy: 'layer3+4',
    });
    carrier.set(`bond${index}`, carrier.get(copied ?? members[0]) as string);
  });
  const lowerLinks = [...links];
  shape.vlans.forEach((vlan, index) => {
    const parent = lowerLinks[vlan.parent % lowerLinks.length];
    const mac = carrier.get(parent.id) as string;
    links.push({
      id: `vlan${index}`,
      type: 'vlan',
      vlan_link: parent.id,
      vlan_id: vlan.vlanId,
      vlan_mac_address: mac,
      ethernet_mac_address: mac,
    });
    carrier.set(`vlan${index}`, mac);
  });
  const carrierOf: Record<string, string> = {};
  const networks = shape.networks.map((network, index) => {
    const link = links[network.on % links.length].id;
    const base = { id: `network${index}`, type: network.kind, link, network_id: `net-${index}` };
    if (network.kind === 'ipv4') {
      const address = `10.${index}.0.${10 + index}`;
      carrierOf[address] = carrier.get(link) as string;
      return {
        ...base,
        ip_address: address,
        netmask: '255.255.255.0',
        routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: `10.${index}.0.1` }],
      };
    }
    return network.kind === 'ipv6' ? { ...base, ip_address: `fd00:${index}::10`, netmask: 'ffff:ffff:ffff:ffff::' } : base;
  });
  return {
    networkData: { links, networks, services: [{ type: 'dns', address: '10.0.0.2' }] },
    nicMacs: shape.nics.map((_, index) => macOf(index, false)),
    carrierOf,
  };
}

/**
 * network_data graphs as Nova and Ironic write them: 1-5 NICs of any type cloud-init treats as
 * physical, up to two bonds (whose MAC is a member's or their own), up to three VLANs over a NIC or a
 * bond, up to six `ipv4`, `ipv4_dhcp`, `ipv6` or `ipv6_dhcp` networks on any link.
 */
export const networkDataGraphs: fc.Arbitrary<NetworkDataGraph> = shapes.map(graphOf);
