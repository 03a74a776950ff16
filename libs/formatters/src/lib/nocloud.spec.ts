import fc from 'fast-check';
import { parse } from 'yaml';
import type { NetworkData } from '@ironic-metadata/ironic-model';
import { instanceMetadata, serve, text } from '../test-support/instance-metadata.fixture';
import { nocloudNetworkConfig, prefixLength } from './nocloud-network-config';

/** Read back as cloud-init reads it: PyYAML's YAML 1.1. */
const yaml11 = (body: string): unknown => parse(body, { version: '1.1' });

describe('the NoCloud seed', () => {
  it('lists its four files at /nocloud, with or without a trailing slash', () => {
    expect(text('/nocloud')).toBe('meta-data\nuser-data\nvendor-data\nnetwork-config');
    expect(text('/nocloud/')).toBe(text('/nocloud'));
  });

  it('meta-data carries the instance id, hostname, zone and keys of meta_data.json', () => {
    const md = instanceMetadata({
      publicKeys: [
        { name: 'a', type: 'ssh', data: 'ssh-ed25519 AAAA a' },
        { name: 'b', type: 'ssh', data: 'ssh-rsa BBBB b' },
      ],
    });
    const novaMetaData = JSON.parse(text('/openstack/latest/meta_data.json', md));
    expect(yaml11(text('/nocloud/meta-data', md))).toEqual({
      'instance-id': novaMetaData.uuid,
      'local-hostname': novaMetaData.hostname,
      'availability-zone': novaMetaData.availability_zone,
      'public-keys': ['ssh-ed25519 AAAA a', 'ssh-rsa BBBB b'],
    });
  });

  it('leaves public-keys out when the instance has none', () => {
    expect(yaml11(text('/nocloud/meta-data', instanceMetadata({ publicKeys: [] })))).not.toHaveProperty('public-keys');
  });

  it('keeps values YAML 1.1 would read as booleans, numbers or base-60 integers as the strings they are', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom(
            'on',
            'no',
            'Yes',
            'null',
            '~',
            '1e3',
            '0x1F',
            '12:30:45',
            '2024-01-01',
            '.inf',
            "'",
            '"',
            '#x',
            '- a',
            '? b',
            'a: b',
          ),
          fc.string({ unit: 'binary', maxLength: 40 }),
        ),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        (hostname, uuid) => {
          expect(yaml11(text('/nocloud/meta-data', instanceMetadata({ hostname, uuid })))).toMatchObject({
            'instance-id': uuid,
            'local-hostname': hostname,
          });
        },
      ),
    );
  });

  it('writes a long SSH key on one line', () => {
    const key = `ssh-rsa ${'A'.repeat(700)} ops@example`;
    expect(text('/nocloud/meta-data', instanceMetadata({ publicKeys: [{ name: 'ops', type: 'ssh', data: key }] }))).toContain(
      `- "${key}"\n`,
    );
  });

  it('serves user data byte for byte, and an empty 200 when there is none (cloud-init 22.4 gives up on a 404)', () => {
    const bytes = Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0xfe, 0x00, 0x0a]);
    const rendered = serve('/nocloud/user-data', instanceMetadata({ userData: bytes }));
    expect(rendered.status === 200 && rendered.body.equals(bytes)).toBe(true);
    expect(serve('/nocloud/user-data', instanceMetadata({ userData: undefined }))).toMatchObject({ status: 200, body: Buffer.alloc(0) });
  });

  it.each([
    ['a string', '#cloud-config\nntp: {enabled: true}\n', '#cloud-config\nntp: {enabled: true}\n'],
    ["a dict's cloud-init string", { 'cloud-init': '#cloud-config\nruncmd: [x]\n', other: 1 }, '#cloud-config\nruncmd: [x]\n'],
    ['a dict without one', { region: 'r1' }, ''],
    ['a list', ['#cloud-config\n'], ''],
    ['nothing', {}, ''],
  ])('vendor-data is vendor_data.json as cloud-init reads it: %s', (_case, vendorData, expected) => {
    expect(text('/nocloud/vendor-data', instanceMetadata({ vendorData }))).toBe(expected);
  });

  it("vendor-data falls back to vendor_data2.json's cloud-init string, where a JSON drive's vendor_data goes", () => {
    const vendorData2 = { 'cloud-init': '#cloud-config\nruncmd: [y]\n' };
    expect(text('/nocloud/vendor-data', instanceMetadata({ vendorData: {}, vendorData2 }))).toBe('#cloud-config\nruncmd: [y]\n');
    expect(text('/nocloud/vendor-data', instanceMetadata({ vendorData: '#cloud-config\n', vendorData2 }))).toBe('#cloud-config\n');
  });

  it.each([0, -1, 1.5])('network-config leaves out an MTU netplan refuses (%p), which network_data.json keeps', (mtu) => {
    const networkData = {
      links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: '52:54:00:00:00:01', mtu }],
      networks: [],
      services: [],
    };
    expect(text('/nocloud/network-config', instanceMetadata({ networkData }))).not.toContain('mtu');
  });

  it("network-config gives a bond's miimon as the number netplan takes, though network_data.json keeps Ironic's string", () => {
    const networkData = {
      links: [
        { id: 'p0', type: 'phy', ethernet_mac_address: '52:54:00:00:00:01' },
        {
          id: 'bond0',
          type: 'bond',
          ethernet_mac_address: '52:54:00:00:00:01',
          bond_links: ['p0'],
          bond_mode: '802.3ad',
          bond_miimon: '100',
        },
      ],
      networks: [],
      services: [],
    };
    expect(yaml11(text('/nocloud/network-config', instanceMetadata({ networkData })))).toMatchObject({
      bonds: { bond0: { parameters: { mode: '802.3ad', 'mii-monitor-interval': 100 } } },
    });
  });

  it('network-config is version 2 YAML made from the network data', () => {
    expect(yaml11(text('/nocloud/network-config'))).toEqual({
      version: 2,
      ethernets: {
        iface0: {
          match: { macaddress: '52:54:00:aa:bb:01' },
          mtu: 1500,
          addresses: ['10.1.0.5/24'],
          nameservers: { addresses: ['10.1.0.1'] },
        },
      },
    });
  });

  it('has no network-config, listed or served, for an instance without network data', () => {
    const md = instanceMetadata({ networkData: { links: [], networks: [], services: [] } });
    expect(text('/nocloud', md)).toBe('meta-data\nuser-data\nvendor-data');
    expect(serve('/nocloud/network-config', md)).toEqual({ status: 404, reason: expect.stringContaining('cloud-init keeps its fallback') });
  });

  it.each(['/nocloud/meta-data.json', '/nocloud/latest/meta-data', '/nocloud/user_data'])(
    'does not find %s, naming the files it has',
    (path) => {
      expect(serve(path)).toEqual({
        status: 404,
        reason: expect.stringContaining('it has meta-data, user-data, vendor-data, network-config'),
      });
    },
  );
});

describe('nocloudNetworkConfig', () => {
  const bonded: NetworkData = {
    links: [
      { id: 'port0', type: 'phy', ethernet_mac_address: '0C:42:A1:5E:77:10' },
      { id: 'port1', type: 'phy', ethernet_mac_address: '0c:42:a1:5e:77:11' },
      {
        id: 'pg0',
        type: 'bond',
        ethernet_mac_address: '0c:42:a1:5e:77:10',
        bond_links: ['port0', 'port1'],
        bond_mode: '802.3ad',
        bond_miimon: 100,
        bond_xmit_hash_policy: 'layer3+4',
        bond_lacp_rate: 'fast',
        mtu: 9000,
      },
      { id: 'vlan0', type: 'vlan', vlan_link: 'pg0', vlan_id: 42, vlan_mac_address: '0c:42:a1:5e:77:10' },
      { id: 'oob', type: 'ethernet', ethernet_mac_address: '0c:42:a1:5e:77:20' },
    ],
    networks: [
      { id: 'n0', type: 'ipv4_dhcp', link: 'pg0' },
      {
        id: 'n1',
        type: 'ipv4',
        link: 'vlan0',
        ip_address: '192.0.2.10',
        netmask: '255.255.255.0',
        gateway: '192.0.2.1',
        routes: [{ network: '198.51.100.0', netmask: '255.255.255.0', gateway: '192.0.2.254' }],
      },
      {
        id: 'n2',
        type: 'ipv6',
        link: 'vlan0',
        ip_address: '2001:db8::10',
        netmask: 'ffff:ffff:ffff:ffff::',
        services: [{ type: 'dns', address: '2001:db8::53' }],
      },
      { id: 'n3', type: 'ipv6_slaac', link: 'oob' },
    ],
    services: [{ type: 'dns', address: '192.0.2.53' }],
  };

  it('makes bonds bondN and VLANs <parent>.<id>, renaming only the ethernets they refer to', () => {
    expect(nocloudNetworkConfig(bonded)).toEqual({
      version: 2,
      ethernets: {
        port0: { match: { macaddress: '0c:42:a1:5e:77:10' }, 'set-name': 'port0' },
        port1: { match: { macaddress: '0c:42:a1:5e:77:11' }, 'set-name': 'port1' },
        oob: { match: { macaddress: '0c:42:a1:5e:77:20' }, 'accept-ra': true, nameservers: { addresses: ['192.0.2.53'] } },
      },
      bonds: {
        bond0: {
          interfaces: ['port0', 'port1'],
          macaddress: '0c:42:a1:5e:77:10',
          mtu: 9000,
          // bond_lacp_rate is not one cloud-init 22.4's parser knows, and it would fail on it.
          parameters: { mode: '802.3ad', 'mii-monitor-interval': 100, 'transmit-hash-policy': 'layer3+4' },
          dhcp4: true,
          nameservers: { addresses: ['192.0.2.53'] },
        },
      },
      vlans: {
        'bond0.42': {
          id: 42,
          link: 'bond0',
          macaddress: '0c:42:a1:5e:77:10',
          'accept-ra': false,
          addresses: ['192.0.2.10/24', '2001:db8::10/64'],
          routes: [
            { to: '0.0.0.0/0', via: '192.0.2.1' },
            { to: '198.51.100.0/24', via: '192.0.2.254' },
          ],
          nameservers: { addresses: ['2001:db8::53', '192.0.2.53'] },
        },
      },
    });
  });

  it('is just the version when there is no network data', () => {
    expect(nocloudNetworkConfig({ links: [], networks: [], services: [] })).toEqual({ version: 2 });
  });

  it('puts every phy link in ethernets, matched by its lower-case MAC, whatever the ids', () => {
    const mac = fc.tuple(...Array.from({ length: 6 }, () => fc.integer({ min: 0, max: 255 }))).map((bytes) =>
      bytes
        .map((byte) => byte.toString(16).padStart(2, '0'))
        .join(':')
        .toUpperCase(),
    );
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.record({ id: fc.oneof(fc.constantFrom('__proto__', 'constructor', '0'), fc.string({ minLength: 1, maxLength: 15 })), mac }),
          { selector: (link) => link.id, maxLength: 6 },
        ),
        (links) => {
          const config = nocloudNetworkConfig({
            links: links.map(({ id, mac }) => ({ id, type: 'phy', ethernet_mac_address: mac })),
            networks: [],
            services: [],
          });
          const macs = Object.fromEntries(links.map(({ id, mac }) => [id, { match: { macaddress: mac.toLowerCase() } }]));
          expect(config).toEqual(links.length > 0 ? { version: 2, ethernets: macs } : { version: 2 });
        },
      ),
    );
  });
});

describe('prefixLength', () => {
  it.each([
    ['255.255.255.0', 24],
    ['255.255.255.255', 32],
    ['0.0.0.0', 0],
    ['255.255.254.0', 23],
    ['ffff:ffff:ffff:ffff::', 64],
    ['ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 128],
    ['::', 0],
    ['64', 64],
    ['255.0.255.0', undefined],
    ['255.255.255', undefined],
    ['ffff::ffff', undefined],
    ['mask', undefined],
  ])('%s is /%s', (netmask, prefix) => {
    expect(prefixLength(netmask)).toBe(prefix);
  });

  it('reads back every IPv4 and IPv6 prefix its mask spells', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 32 }), (prefix) => {
        const bits = '1'.repeat(prefix).padEnd(32, '0');
        expect(prefixLength([0, 8, 16, 24].map((at) => parseInt(bits.slice(at, at + 8), 2)).join('.'))).toBe(prefix);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 128 }), (prefix) => {
        const bits = '1'.repeat(prefix).padEnd(128, '0');
        const groups = Array.from({ length: 8 }, (_, i) => parseInt(bits.slice(i * 16, i * 16 + 16), 2).toString(16));
        expect(prefixLength(groups.join(':'))).toBe(prefix);
      }),
    );
  });
});
