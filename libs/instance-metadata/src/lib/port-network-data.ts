import type { IronicPort, IronicPortgroup, NetworkData, NetworkLink } from '@ironic-metadata/ironic-model';

/**
 * network_data.json for a node that has none of its own, built the way Nova's Ironic driver does:
 * a `phy` link per port with its real MAC, a `bond` link per portgroup over its member ports, and a
 * DHCP network on every link that is not a bond member. Links are named `iface0..N` because readers
 * use the id as the interface name.
 */
export function networkDataFromPorts(ports: readonly IronicPort[], portgroups: readonly IronicPortgroup[]): NetworkData {
  const sorted = [...ports].sort((a, b) => a.address.localeCompare(b.address));
  const links: NetworkLink[] = sorted.map((port, index) => ({
    id: `iface${index}`,
    type: 'phy',
    ethernet_mac_address: port.address.toLowerCase(),
    mtu: null,
    vif_id: port.uuid,
  }));
  const linkIdOfPort = new Map(sorted.map((port, index) => [port.uuid, links[index].id]));
  const bonded = new Set<string>();
  for (const portgroup of portgroups) {
    const members = sorted.filter((port) => port.portgroup_uuid === portgroup.uuid);
    if (members.length === 0) continue;
    members.forEach((port) => bonded.add(port.uuid));
    links.push({
      id: `iface${links.length}`,
      type: 'bond',
      ethernet_mac_address: (portgroup.address ?? members[0].address).toLowerCase(),
      mtu: null,
      vif_id: portgroup.uuid,
      bond_mode: portgroup.mode ?? 'active-backup',
      bond_links: members.flatMap((port) => linkIdOfPort.get(port.uuid) ?? []),
      ...bondProperties(portgroup.properties ?? {}),
    });
  }
  const served = links.filter((link) => link.type === 'bond' || !bonded.has(String(link.vif_id)));
  return {
    links,
    networks: served.map((link, index) => ({ id: `network${index}`, type: 'ipv4_dhcp', link: link.id, network_id: String(link.vif_id) })),
    services: [],
  };
}

/**
 * Portgroup properties as Nova's Ironic driver passes them (nova/virt/ironic/driver.py,
 * `_get_network_metadata`): a key not starting with `bond` gets the `bond_` prefix, and every value is
 * copied as it is (Ironic stores `--property miimon=100` as the string "100").
 */
function bondProperties(properties: Record<string, unknown>): Partial<NetworkLink> {
  return Object.fromEntries(Object.entries(properties).map(([key, value]) => [key.startsWith('bond') ? key : `bond_${key}`, value]));
}
