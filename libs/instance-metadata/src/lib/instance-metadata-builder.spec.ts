import { configDriveFromJson } from '@ironic-metadata/configdrive';
import { aNode, aPort, aPortgroup } from '@ironic-metadata/ironic-model/testing';
import { buildInstanceMetadata, type InstanceSource } from './instance-metadata-builder';

const options = { defaultAvailabilityZone: 'nova', region: 'RegionOne' };
const KEY = 'ssh-ed25519 AAAAC3Nza test@host';

describe('buildInstanceMetadata', () => {
  it('takes the config drive first and the node second', () => {
    const node = aNode({
      name: 'compute-1',
      owner: 'project-a',
      properties: { cpus: 8, role: 'node' },
      instance_info: { public_keys: { node: 'ssh-rsa AAAB node', ops: 'ssh-rsa AAAB other' }, user_data: 'node data' },
    });
    const configDrive = configDriveFromJson({
      meta_data: { uuid: 'instance-1', hostname: 'web-1.example', public_keys: { ops: KEY }, meta: { role: 'web' }, admin_pass: 'x' },
      user_data: '#cloud-config\n',
    });
    const md = buildInstanceMetadata({ node, ports: [], portgroups: [], configDrive }, options);
    expect(md).toMatchObject({
      uuid: 'instance-1',
      nodeUuid: node.uuid,
      name: 'compute-1',
      hostname: 'web-1.example',
      projectId: 'project-a',
      availabilityZone: 'nova',
    });
    expect(md.publicKeys).toEqual([
      { name: 'ops', type: 'ssh', data: KEY },
      { name: 'node', type: 'ssh', data: 'ssh-rsa AAAB node' },
    ]);
    expect(md.meta).toEqual({ cpus: '8', role: 'web' });
    expect(md.userData?.toString()).toBe('#cloud-config\n');
    expect(md.extraMetaData).toEqual({ admin_pass: 'x' });
  });

  it('fills everything from the node alone, as Ironic fills a drive without uuid or name', () => {
    const node = aNode({
      name: 'compute-2',
      resource_class: 'gpu',
      instance_info: { fixed_ips: ['10.0.0.5'], public_keys: [KEY], image_source: 'http://img/debian.qcow2' },
    });
    const md = buildInstanceMetadata({ node, ports: [aPort(node, '52:54:00:00:00:02')], portgroups: [] }, options);
    expect(md).toMatchObject({
      uuid: node.uuid,
      name: 'compute-2',
      hostname: 'compute-2',
      userData: undefined,
      vendorData: {},
      vendorData2: {},
      password: '',
    });
    expect(md.publicKeys).toEqual([{ name: 'key-0', type: 'ssh', data: KEY }]);
    expect(md.ec2).toMatchObject({
      instanceId: node.uuid,
      amiId: 'http://img/debian.qcow2',
      instanceType: 'gpu',
      localIpv4: '10.0.0.5',
      mac: '52:54:00:00:00:02',
    });
    expect(md.ec2.interfaces).toEqual([
      { mac: '52:54:00:00:00:02', deviceNumber: 0, localIpv4s: ['10.0.0.5'], subnetIpv4CidrBlock: undefined },
    ]);
  });

  it("gives EC2's identity document its region, architecture and pendingTime", () => {
    const node = aNode({
      properties: { cpu_arch: 'aarch64' },
      provision_state: 'active',
      provision_updated_at: '2024-03-01T10:20:30+00:00',
    });
    const md = buildInstanceMetadata({ node, ports: [], portgroups: [] }, { ...options, region: 'site-1' });
    expect(md.ec2).toMatchObject({ region: 'site-1', architecture: 'arm64', pendingTime: '2024-03-01T10:20:30Z' });
  });

  it('answers one identity in both trees: the one Ironic writes to the disk (C-16, C-19)', () => {
    const node = aNode({ name: 'Rack1_Node_07', instance_uuid: '99999999-8888-4777-8666-555555555516' });
    const fromJson = buildInstanceMetadata(
      { node, ports: [], portgroups: [], configDrive: configDriveFromJson({ meta_data: { hostname: 'json-drive.example.com' } }) },
      options,
    );
    expect(fromJson).toMatchObject({ uuid: node.uuid, name: 'Rack1_Node_07', hostname: 'json-drive.example.com' });
    expect(fromJson.ec2).toMatchObject({ instanceId: node.uuid, localHostname: 'json-drive.example.com' });
    const alone = buildInstanceMetadata({ node, ports: [], portgroups: [] }, options);
    expect(alone).toMatchObject({ uuid: node.instance_uuid, name: 'Rack1_Node_07', hostname: 'rack1-node-07' });
    expect(alone.ec2).toMatchObject({ instanceId: node.instance_uuid, localHostname: 'rack1-node-07', publicHostname: 'rack1-node-07' });
  });

  it('prefers the drive network_data, then the node network_data, then the ports', () => {
    const node = aNode({
      network_data: {
        links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: 'aa:bb:cc:dd:ee:01' }],
        networks: [{ id: 'n', type: 'ipv4', link: 'eth0', ip_address: '10.1.105.195', netmask: '255.255.255.0' }],
        services: [],
      },
    });
    const entry: InstanceSource = { node, ports: [aPort(node, '52:54:00:00:00:03')], portgroups: [] };
    const md = buildInstanceMetadata(entry, options);
    expect(md.networkData.links[0].id).toBe('eth0');
    expect(md.ec2.interfaces[0]).toMatchObject({ localIpv4s: ['10.1.105.195'], subnetIpv4CidrBlock: '10.1.105.0/24' });
    expect(buildInstanceMetadata({ ...entry, node: aNode() }, options).networkData.links[0]).toMatchObject({
      id: 'iface0',
      type: 'phy',
      ethernet_mac_address: '52:54:00:00:00:03',
    });
  });

  it('builds bonds from portgroups with their mode and properties', () => {
    const node = aNode();
    const group = aPortgroup(node, { mode: '802.3ad', properties: { miimon: '100', xmit_hash_policy: 'layer3+4' } });
    const ports = [
      aPort(node, '52:54:00:00:00:11', { portgroup_uuid: group.uuid }),
      aPort(node, '52:54:00:00:00:10', { portgroup_uuid: group.uuid }),
      aPort(node, '52:54:00:00:00:20'),
    ];
    const { networkData } = buildInstanceMetadata({ node, ports, portgroups: [group] }, options);
    expect(networkData.links.map((link) => [link.id, link.type, link.ethernet_mac_address])).toEqual([
      ['iface0', 'phy', '52:54:00:00:00:10'],
      ['iface1', 'phy', '52:54:00:00:00:11'],
      ['iface2', 'phy', '52:54:00:00:00:20'],
      ['iface3', 'bond', '52:54:00:00:00:10'],
    ]);
    expect(networkData.links[3]).toMatchObject({
      bond_mode: '802.3ad',
      bond_links: ['iface0', 'iface1'],
      bond_miimon: '100',
      bond_xmit_hash_policy: 'layer3+4',
    });
    expect(networkData.networks.map((network) => [network.link, network.type])).toEqual([
      ['iface2', 'ipv4_dhcp'],
      ['iface3', 'ipv4_dhcp'],
    ]);
  });

  it('keeps user data bytes exactly', () => {
    const bytes = Buffer.from([0x1f, 0x8b, 0x00, 0xff, 0xfe]);
    const configDrive = { ...configDriveFromJson({ meta_data: {} }), userData: bytes };
    expect(buildInstanceMetadata({ node: aNode(), ports: [], portgroups: [], configDrive }, options).userData).toEqual(bytes);
  });
});
