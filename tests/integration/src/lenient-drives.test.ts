import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { httpFrom } from './support/http-from';
import { setShowInstanceSecrets } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { runToExit, WORKSPACE } from './support/processes';

// Ironic keeps a JSON config drive and a node's network_data as given, and the node reads the drive
// from its disk: one value the service does not need (an "mtu": 0, a bond option as a string, as
// Nova's Ironic driver copies portgroup properties) must never cost the node its data (C-18).
const run = randomBytes(3).toString('hex');
const CLI = join(WORKSPACE, 'dist/apps/cli/main.js');
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@example.com';
const USER_DATA = '#cloud-config\nruncmd:\n  - [touch, /run/lenient-booted]\n';
// Ironic refuses these values in a node's own network_data (it checks it against its copy of Nova's
// schema: 400 "not valid under any of the given schemas"), so only a drive, or an inventory file, has them.
const bonded = (ip: string, mtu: number) => ({
  links: [
    { id: 'port-a', type: 'phy', ethernet_mac_address: '52:54:00:00:19:01', mtu },
    { id: 'port-b', type: 'phy', ethernet_mac_address: '52:54:00:00:19:02', mtu },
    {
      id: 'bond0',
      type: 'bond',
      ethernet_mac_address: '52:54:00:00:19:01',
      mtu,
      bond_mode: '802.3ad',
      bond_links: ['port-a', 'port-b'],
      bond_miimon: '100',
      bond_xmit_hash_policy: 'layer3+4',
      'x-vendor-hint': { queues: 8 },
    },
  ],
  networks: [
    {
      id: 'network0',
      type: 'ipv4',
      link: 'bond0',
      ip_address: ip,
      netmask: '255.255.255.0',
      routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '127.0.19.254' }],
      network_id: 'net-19',
    },
  ],
  services: [],
});

describe('values the service does not need, in a real Ironic', () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const drive = {
    meta_data: { hostname: 'lenient.example.com', public_keys: { ops: KEY } },
    user_data: USER_DATA,
    network_data: bonded('127.0.19.1', 0),
  };
  const uuids: Record<string, string> = {};
  let server: RunningServer;
  const get = (ip: string, path: string) => httpFrom(ip, `${server.url}/${path}`);

  beforeAll(async () => {
    setShowInstanceSecrets(noauth.policyFile, true);
    await Promise.all([
      (async () => {
        uuids['drive'] = await admin.createActiveNode({ name: `it-${run}-lenient-drive` }, { configdrive: drive });
      })(),
      (async () => {
        uuids['odd'] = await admin.createActiveNode(
          { name: `it-${run}-lenient-odd` },
          {
            configdrive: {
              ...drive,
              network_data: { ...drive.network_data, networks: [{ ...drive.network_data.networks[0], ip_address: 'not-an-address' }] },
            },
            instanceInfo: { fixed_ips: ['127.0.19.3', 'nope'] },
          },
        );
      })(),
    ]);
    server = await startMetadataServer({ IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent' });
  });
  afterAll(async () => {
    await server?.stop();
    setShowInstanceSecrets(noauth.policyFile, false);
  });

  it('serves a JSON drive with "mtu": 0 and a string bond_miimon its user data, keys and network_data unchanged', async () => {
    const userData = await get('127.0.19.1', 'openstack/latest/user_data');
    expect(userData).toMatchObject({ status: 200, text: USER_DATA });
    const metaData = JSON.parse((await get('127.0.19.1', 'openstack/latest/meta_data.json')).text);
    expect(metaData).toMatchObject({ uuid: uuids['drive'], hostname: 'lenient.example.com', public_keys: { ops: KEY } });
    expect(JSON.parse((await get('127.0.19.1', 'openstack/latest/network_data.json')).text)).toEqual(drive.network_data);
    expect((await get('127.0.19.1', 'latest/meta-data/public-keys/0/openssh-key')).text).toBe(KEY);
  });

  it('leaves aside an address that is not one, serves the rest, and lookup says which and why', async () => {
    expect(await get('127.0.19.3', 'openstack/latest/user_data')).toMatchObject({ status: 200, text: USER_DATA });
    const network = JSON.parse((await get('127.0.19.3', 'openstack/latest/network_data.json')).text);
    expect(network.networks[0].ip_address).toBe('not-an-address');
    const exit = await runToExit(process.execPath, [CLI, 'lookup', '127.0.19.3', '--json'], {
      env: { PATH: process.env['PATH'], IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent' },
    });
    expect(exit.code).toBe(0);
    expect(JSON.parse(exit.stdout).node.leftAside).toEqual([
      { field: 'instance_info.fixed_ips[1]', problem: 'expected an IPv4 or IPv6 address, or {"ip_address": <address>}' },
      { field: 'instance_info.configdrive network_data.networks[0].ip_address', problem: 'expected an IPv4 or IPv6 address' },
    ]);
  });
});
