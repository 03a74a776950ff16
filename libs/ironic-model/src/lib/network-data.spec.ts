import fc from 'fast-check';
import { applyMutation, isUnder, jsonMutation, nested, type JsonPath } from '../test-support/json-mutations';
import { readNetworkData } from './network-data';

/** network_data as Nova's Ironic driver writes it for a bonded node (nova/virt/ironic/driver.py), plus a VLAN. */
const BONDED = {
  links: [
    { id: 'port-a', type: 'phy', ethernet_mac_address: '52:54:00:00:19:01', mtu: 9000 },
    { id: 'port-b', type: 'phy', ethernet_mac_address: '52:54:00:00:19:02', mtu: 9000 },
    // Portgroup properties are copied as Ironic stores them: `--property miimon=100` is the string "100".
    {
      id: 'bond0',
      type: 'bond',
      ethernet_mac_address: '52:54:00:00:19:01',
      bond_mode: '802.3ad',
      bond_links: ['port-a', 'port-b'],
      bond_miimon: '100',
      bond_xmit_hash_policy: 'layer3+4',
    },
    { id: 'vlan42', type: 'vlan', vlan_id: 42, vlan_link: 'bond0', vlan_mac_address: '52:54:00:00:19:01' },
  ],
  networks: [
    {
      id: 'network0',
      type: 'ipv4',
      link: 'bond0',
      ip_address: '10.1.105.195',
      netmask: '255.255.255.0',
      routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '10.1.105.1' }],
      network_id: 'net-a',
    },
    { id: 'network1', type: 'ipv6', link: 'vlan42', ip_address: '2001:db8::42', netmask: 'ffff:ffff:ffff:ffff::', network_id: 'net-b' },
    { id: 'network2', type: 'ipv4_dhcp', link: 'port-a', network_id: 'net-c' },
  ],
  services: [{ type: 'dns', address: '10.1.105.1' }],
};

const addresses = (document: unknown) => readNetworkData(document).view.networks.flatMap((network) => network.ip_address ?? []);

describe('readNetworkData', () => {
  it('reads what the service uses, and keeps the document as stored', () => {
    const read = readNetworkData(BONDED);
    expect(read.document).toBe(BONDED);
    expect(read.leftAside).toEqual([]);
    expect(addresses(BONDED)).toEqual(['10.1.105.195', '2001:db8::42']);
    expect(read.view.links.map((link) => link.id)).toEqual(['port-a', 'port-b', 'bond0', 'vlan42']);
  });

  it('needs neither the MTU nor the bond options: "mtu": 0 and strings are no problem (C-18)', () => {
    const document = {
      links: [{ id: 'tap0', type: 'phy', mtu: 0, ethernet_mac_address: '52:54:00:00:18:01', bond_miimon: '100', 'x-unknown': { a: [1] } }],
      networks: [],
    };
    expect(readNetworkData(document).leftAside).toEqual([]);
    expect(readNetworkData(document).view.links[0]).toEqual(document.links[0]);
  });

  it('leaves aside one unusable value and reads the rest', () => {
    const document = {
      links: [
        { id: 'eth0', type: 'phy', ethernet_mac_address: 'not-a-mac' },
        { type: 'phy', ethernet_mac_address: '52:54:00:00:00:02' },
      ],
      networks: [
        { id: 'n0', type: 'ipv4', link: 'eth0', ip_address: '10.0.0.300' },
        { id: 'n1', type: 'ipv4', link: 7, ip_address: '10.0.0.7' },
      ],
    };
    const read = readNetworkData(document);
    expect(read.leftAside).toEqual([
      { field: 'links[0].ethernet_mac_address', problem: 'expected a MAC address such as 52:54:00:12:34:56' },
      { field: 'links[1]', problem: 'id: Invalid input: expected string, received undefined' },
      { field: 'networks[0].ip_address', problem: 'expected an IPv4 or IPv6 address' },
      { field: 'networks[1].link', problem: 'Invalid input: expected string, received number' },
    ]);
    expect(read.view.links).toEqual([{ id: 'eth0', type: 'phy' }]);
    // The network whose link is unusable still names the address the node is matched by.
    expect(addresses(document)).toEqual(['10.0.0.7']);
    expect(read.document).toBe(document);
  });

  it('a document that is not an object is left aside as a whole, and never throws', () => {
    for (const document of ['eth0', 42, [], nested(199)]) {
      const read = readNetworkData(document);
      expect(read.view).toEqual({ links: [], networks: [], services: [] });
      expect(read.leftAside).toHaveLength(1);
      expect(read.document).toBe(document);
    }
  });

  it('property: one odd field costs at most itself (or the item it identifies), never another address', () => {
    fc.assert(
      fc.property(jsonMutation(BONDED), (mutation) => {
        const mutated = applyMutation(BONDED, mutation);
        const read = readNetworkData(mutated);
        expect(read.document).toBe(mutated);
        const touched: JsonPath = mutation.change === 'add-key' ? [...mutation.path, mutation.key] : mutation.path;
        const related = (path: JsonPath) => isUnder(path, touched) || isUnder(touched, path);
        // Every address of a network the mutation did not touch is still read.
        BONDED.networks.forEach((network, index) => {
          if (network.ip_address && !related(['networks', index]) && mutation.change !== 'remove') {
            expect(read.view.networks.map((item) => item.ip_address)).toContain(network.ip_address);
          }
        });
        // And whatever was left aside lies on the mutated path.
        for (const { field } of read.leftAside) expect(related(parseField(field))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

/** `links[2].id` -> `['links', 2, 'id']`. */
function parseField(field: string): JsonPath {
  return field ? field.split(/\.|(?=\[)/).map((part) => (part.startsWith('[') ? Number(part.slice(1, -1)) : part)) : [];
}
