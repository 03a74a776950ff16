import fc from 'fast-check';
import type { NetworkData } from '@ironic-metadata/ironic-model';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { networkDataGraphs } from '../test-support/network-data-graphs';
import { ec2NetworkView, subnetCidr, withClientAddress, type Ec2NetworkView } from './ec2-interfaces';
import { buildInstanceMetadata } from './instance-metadata-builder';

/** An instance on a node whose own network_data is `networkData`. */
const instanceWith = (networkData: NetworkData) =>
  buildInstanceMetadata(
    { node: aNode({ network_data: networkData }), ports: [], portgroups: [] },
    { defaultAvailabilityZone: 'nova', region: 'RegionOne' },
  );
const phy = (id: string, mac: string, type = 'phy') => ({ id, type, ethernet_mac_address: mac });
const ipv4 = (link: string, ip_address: string, netmask = '255.255.255.0') => ({
  id: `net-${ip_address}`,
  type: 'ipv4',
  link,
  ip_address,
  netmask,
});

/** The (mac, device-number, local-ipv4s) triples, for compact expectations. */
const nics = (view: Ec2NetworkView) => view.interfaces.map((nic) => [nic.mac, nic.deviceNumber, nic.localIpv4s]);

describe('ec2NetworkView: examples from Nova and cloud-init', () => {
  it('lists a tap link as a NIC, as cloud-init does (field case C-01)', () => {
    const view = ec2NetworkView(
      { links: [phy('tapa1b2c3d4-01', '52:54:00:12:34:01', 'tap')], networks: [ipv4('tapa1b2c3d4-01', '127.0.0.21')] },
      [],
    );
    expect(view).toMatchObject({ localIpv4: '127.0.0.21', mac: '52:54:00:12:34:01' });
    expect(view.interfaces).toEqual([
      { mac: '52:54:00:12:34:01', deviceNumber: 0, localIpv4s: ['127.0.0.21'], subnetIpv4CidrBlock: '127.0.0.0/24' },
    ]);
  });

  // cloud-init's NETWORK_DATA_2 (tests of its config drive source): a tap link and a link of type null.
  it('treats every link type but bond and vlan as a NIC, even a missing one', () => {
    const view = ec2NetworkView(
      {
        links: [
          { ...phy('tap77a0dc5b-72', 'fa:16:3e:dd:50:9a', 'tap'), mtu: null },
          { id: 'tap7d6b7bec-93', type: null, ethernet_mac_address: 'fa:16:3e:a8:14:69' },
          phy('mv0', 'fa:16:3e:00:00:01', 'macvtap'),
        ],
        networks: [
          ipv4('tap77a0dc5b-72', '172.17.48.18', '255.255.255.0'),
          {
            id: 'network1',
            type: 'ipv6',
            link: 'tap77a0dc5b-72',
            ip_address: 'fdb8:52d0:9d14:0:f816:3eff:fe9f:70d',
            netmask: 'ffff:ffff:ffff:ffff::',
          },
          ipv4('tap7d6b7bec-93', '172.16.48.13', '255.255.255.128'),
        ],
      },
      [],
    );
    expect(nics(view)).toEqual([
      ['fa:16:3e:dd:50:9a', 0, ['172.17.48.18']],
      ['fa:16:3e:a8:14:69', 1, ['172.16.48.13']],
      ['fa:16:3e:00:00:01', 2, []],
    ]);
    expect(view.interfaces[1].subnetIpv4CidrBlock).toBe('172.16.48.0/25');
  });

  // cloud-init's NETWORK_DATA_BOND: a bond with a MAC of its own, two VLANs over it, the addresses on the VLANs.
  it('follows VLANs over a bond down to its first member when the bond has a MAC of its own', () => {
    const view = ec2NetworkView(
      {
        links: [
          phy('eth0', '0c:c4:7a:34:6e:3c'),
          phy('eth1', '0c:c4:7a:34:6e:3d'),
          {
            id: 'bond0',
            type: 'bond',
            bond_links: ['eth0', 'eth1'],
            bond_miimon: 100,
            bond_mode: '4',
            ethernet_mac_address: 'fa:16:3e:b3:72:36',
          },
          {
            id: 'vlan2',
            type: 'vlan',
            vlan_id: 602,
            vlan_link: 'bond0',
            vlan_mac_address: 'fa:16:3e:b3:72:30',
            ethernet_mac_address: 'fa:16:3e:b3:72:30',
          },
          {
            id: 'vlan3',
            type: 'vlan',
            vlan_id: 612,
            vlan_link: 'bond0',
            vlan_mac_address: 'fa:16:3e:66:ab:a6',
            ethernet_mac_address: 'fa:16:3e:66:ab:a6',
          },
        ],
        networks: [ipv4('vlan2', '2.2.2.13', '255.255.255.248'), ipv4('vlan3', '10.0.1.5', '255.255.255.248')],
      },
      [],
    );
    expect(view).toMatchObject({ localIpv4: '2.2.2.13', mac: '0c:c4:7a:34:6e:3c' });
    expect(nics(view)).toEqual([
      ['0c:c4:7a:34:6e:3c', 0, ['2.2.2.13', '10.0.1.5']],
      ['0c:c4:7a:34:6e:3d', 1, []],
    ]);
  });

  // Ironic's portgroup: the bond takes the portgroup's address, here its second member's.
  it("puts a bond's addresses on the member whose MAC the bond carries, and lists that NIC once", () => {
    const view = ec2NetworkView(
      {
        links: [
          phy('iface0', '52:54:00:00:00:10'),
          phy('iface1', '52:54:00:00:00:11'),
          { id: 'bond0', type: 'bond', bond_links: ['iface0', 'iface1'], ethernet_mac_address: '52:54:00:00:00:11' },
          { id: 'vlan0', type: 'vlan', vlan_id: 100, vlan_link: 'bond0', vlan_mac_address: '52:54:00:00:00:11' },
        ],
        networks: [ipv4('vlan0', '10.1.105.195'), ipv4('bond0', '10.1.106.5')],
      },
      [],
    );
    expect(view.mac).toBe('52:54:00:00:00:11');
    expect(nics(view)).toEqual([
      ['52:54:00:00:00:10', 1, []],
      ['52:54:00:00:00:11', 0, ['10.1.105.195', '10.1.106.5']],
    ]);
  });

  it('answers the first fixed IPv4 as local-ipv4, on the NIC that carries it or else on the DHCP NIC', () => {
    const links = [phy('eth0', '52:54:00:00:00:01'), phy('eth1', '52:54:00:00:00:02')];
    const dhcp = { id: 'n0', type: 'ipv4_dhcp', link: 'eth1' };
    expect(ec2NetworkView({ links, networks: [dhcp] }, ['fd00::5', '10.0.0.5'])).toMatchObject({
      localIpv4: '10.0.0.5',
      mac: '52:54:00:00:00:02',
    });
    expect(nics(ec2NetworkView({ links, networks: [dhcp] }, ['10.0.0.5']))).toEqual([
      ['52:54:00:00:00:01', 1, []],
      ['52:54:00:00:00:02', 0, ['10.0.0.5']],
    ]);
    expect(ec2NetworkView({ links, networks: [ipv4('eth1', '10.0.0.6'), ipv4('eth0', '10.0.0.5')] }, ['10.0.0.5'])).toMatchObject({
      localIpv4: '10.0.0.5',
      mac: '52:54:00:00:00:01',
    });
  });

  it('keeps every address of a NIC, and lists a MAC two links share once', () => {
    const view = ec2NetworkView(
      {
        links: [phy('a', '52:54:00:00:00:01'), phy('b', '52:54:00:00:00:01', 'tap')],
        networks: [ipv4('a', '10.0.0.1'), ipv4('b', '10.0.0.2'), ipv4('a', '10.0.0.1')],
      },
      [],
    );
    expect(nics(view)).toEqual([['52:54:00:00:00:01', 0, ['10.0.0.1', '10.0.0.2']]]);
  });

  it('leaves out what leads to no NIC: cycles, missing links, links without a usable MAC, odd values', () => {
    const view = ec2NetworkView(
      {
        links: [
          phy('eth0', '52:54:00:00:00:01'),
          { id: 'v1', type: 'vlan', vlan_link: 'v2' },
          { id: 'v2', type: 'vlan', vlan_link: 'v1' },
          { id: 'b0', type: 'bond', bond_links: ['b0', 'nowhere', 7] },
          { id: 'nomac', type: 'phy', ethernet_mac_address: 'not-a-mac' },
          { id: 'eth0', type: 'phy', ethernet_mac_address: '52:54:00:00:00:99' },
          'junk',
          null,
        ],
        networks: [
          ipv4('v1', '10.0.0.1'),
          ipv4('b0', '10.0.0.2'),
          ipv4('nomac', '10.0.0.3'),
          { link: 'eth0', ip_address: 42 },
          ipv4('eth0', '10.0.0.4', '255.0.255.0'),
        ],
      },
      [],
    );
    // The first address is still the instance's local-ipv4, and is on the primary NIC.
    expect(view).toMatchObject({ localIpv4: '10.0.0.1', mac: '52:54:00:00:00:01' });
    expect(view.interfaces).toEqual([
      { mac: '52:54:00:00:00:01', deviceNumber: 0, localIpv4s: ['10.0.0.4', '10.0.0.1'], subnetIpv4CidrBlock: undefined },
    ]);
    expect(ec2NetworkView({ links: 'nope', networks: { x: 1 } }, [])).toEqual({ localIpv4: undefined, mac: undefined, interfaces: [] });
  });
});

describe('ec2NetworkView on generated network_data graphs', () => {
  it('lists each NIC once, in link order, with device-number 0 for the one mac names', () => {
    fc.assert(
      fc.property(networkDataGraphs, ({ networkData, nicMacs }) => {
        const view = ec2NetworkView(networkData, []);
        expect(view.interfaces.map((nic) => nic.mac)).toEqual(nicMacs);
        expect(view.interfaces.map((nic) => nic.deviceNumber).sort((a, b) => a - b)).toEqual(nicMacs.map((_, index) => index));
        expect(view.interfaces.find((nic) => nic.deviceNumber === 0)?.mac).toBe(view.mac);
      }),
    );
  });

  it('puts every static IPv4 on exactly the NIC under its link, and nothing else', () => {
    fc.assert(
      fc.property(networkDataGraphs, ({ networkData, carrierOf }) => {
        const view = ec2NetworkView(networkData, []);
        const listed = view.interfaces.flatMap((nic) => nic.localIpv4s.map((ip) => [ip, nic.mac]));
        expect(Object.fromEntries(listed)).toEqual(carrierOf);
        expect(listed).toHaveLength(Object.keys(carrierOf).length);
      }),
    );
  });

  it('answers the first static IPv4 as local-ipv4, on the NIC mac names', () => {
    fc.assert(
      fc.property(networkDataGraphs, ({ networkData }) => {
        const view = ec2NetworkView(networkData, []);
        const first = networkData.networks.find((network) => network.type === 'ipv4')?.ip_address;
        expect(view.localIpv4).toBe(first);
        if (first !== undefined) expect(view.interfaces.find((nic) => nic.mac === view.mac)?.localIpv4s).toContain(first);
      }),
    );
  });

  it('answers the first fixed IPv4 as local-ipv4, on the NIC mac names, and moves no other address', () => {
    fc.assert(
      fc.property(networkDataGraphs, ({ networkData, carrierOf }) => {
        const view = ec2NetworkView(networkData, ['fd00::99', '192.0.2.99']);
        expect(view.localIpv4).toBe('192.0.2.99');
        expect(view.interfaces.find((nic) => nic.mac === view.mac)?.localIpv4s).toContain('192.0.2.99');
        const others = view.interfaces.flatMap((nic) => nic.localIpv4s.filter((ip) => ip !== '192.0.2.99').map((ip) => [ip, nic.mac]));
        expect(Object.fromEntries(others)).toEqual(carrierOf);
      }),
    );
  });

  it('never throws on arbitrary JSON in links and networks, and lists only MACs', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (links, networks) => {
        const view = ec2NetworkView({ links, networks }, []);
        for (const nic of view.interfaces) expect(nic.mac).toMatch(/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/);
      }),
    );
  });
});

describe('withClientAddress (field case C-22)', () => {
  const dhcpOnly = (macs: string[]) =>
    instanceWith({
      links: macs.map((mac, i) => phy(`iface${i}`, mac)),
      networks: macs.map((_, i) => ({ id: `n${i}`, type: 'ipv4_dhcp', link: `iface${i}` })),
      services: [],
    });

  it('answers the address the node was matched by, on the NIC its lease names', () => {
    const md = withClientAddress(dhcpOnly(['52:54:00:00:22:01', '52:54:00:00:22:02']), '127.0.0.54', '52:54:00:00:22:02');
    expect(md.ec2).toMatchObject({ localIpv4: '127.0.0.54', mac: '52:54:00:00:22:02' });
    expect(nics(md.ec2)).toEqual([
      ['52:54:00:00:22:01', 1, []],
      ['52:54:00:00:22:02', 0, ['127.0.0.54']],
    ]);
  });

  it('uses the primary NIC when the address is not a lease (an agent URL host), and works without NICs', () => {
    expect(nics(withClientAddress(dhcpOnly(['52:54:00:00:22:01', '52:54:00:00:22:02']), '127.0.0.44').ec2)).toEqual([
      ['52:54:00:00:22:01', 0, ['127.0.0.44']],
      ['52:54:00:00:22:02', 1, []],
    ]);
    expect(withClientAddress(dhcpOnly([]), '127.0.0.44').ec2).toMatchObject({ localIpv4: '127.0.0.44', mac: undefined, interfaces: [] });
  });

  it('changes nothing when a static address names the instance, or the client address is IPv6', () => {
    const md = instanceWith({ links: [phy('eth0', '52:54:00:aa:bb:01')], networks: [ipv4('eth0', '10.1.0.5')], services: [] });
    expect(withClientAddress(md, '127.0.0.54', '52:54:00:aa:bb:01')).toBe(md);
    const dhcp = dhcpOnly(['52:54:00:00:22:01']);
    expect(withClientAddress(dhcp, 'fd00::54', '52:54:00:00:22:01')).toBe(dhcp);
  });

  it('keeps the invariants on every generated graph without a static IPv4', () => {
    fc.assert(
      fc.property(networkDataGraphs, fc.nat(), ({ networkData, nicMacs }, pick) => {
        const networks = networkData.networks.filter((network) => network.type !== 'ipv4');
        const md = instanceWith({ ...networkData, networks });
        const leased = nicMacs[pick % nicMacs.length].toUpperCase();
        const { ec2 } = withClientAddress(md, '127.0.0.54', leased);
        expect(ec2).toMatchObject({ localIpv4: '127.0.0.54', mac: leased.toLowerCase() });
        expect(ec2.interfaces.map((nic) => nic.mac)).toEqual(nicMacs);
        expect(ec2.interfaces.flatMap((nic) => nic.localIpv4s)).toEqual(['127.0.0.54']);
        expect(ec2.interfaces.find((nic) => nic.deviceNumber === 0)?.localIpv4s).toEqual(['127.0.0.54']);
        expect(ec2.interfaces.map((nic) => nic.deviceNumber).sort((a, b) => a - b)).toEqual(nicMacs.map((_, index) => index));
      }),
    );
  });
});

describe('subnetCidr', () => {
  it.each([
    ['10.1.105.195', '255.255.255.0', '10.1.105.0/24'],
    ['127.0.0.11', '255.0.0.0', '127.0.0.0/8'],
    ['10.0.0.1', '255.255.255.255', '10.0.0.1/32'],
    ['10.0.0.1', '0.0.0.0', '0.0.0.0/0'],
    ['10.0.0.1', 'bogus', undefined],
    ['10.0.0.1', '255.0.255.0', undefined],
    ['10.0.0.1', '255.255.255.0x', undefined],
  ])('%s %s -> %s', (ip, mask, cidr) => expect(subnetCidr(ip, mask)).toBe(cidr));
});
