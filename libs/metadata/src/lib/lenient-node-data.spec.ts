import { PassThrough } from 'node:stream';
import { parseInventory, type Inventory } from '@ironic-metadata/ironic-model';
import { applyMutation, isUnder, jsonMutation, type JsonPath } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, NodeCatalog, type NodeSource } from '@ironic-metadata/node-discovery';
import fc from 'fast-check';
import { MetadataResponder } from './metadata-responder';
import { MetadataService } from './metadata-service';
import { SessionTokens } from './guards/session-tokens';

// End to end, from an inventory document to what a node is answered: a value the service does not
// need never vetoes the data it does (issue 19, field case C-18).

const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@example.com';
const USER_DATA = '#cloud-config\nruncmd:\n  - [touch, /run/booted]\n';
const IP = '10.0.0.5';

/** A node as Nova's Ironic driver and Ironic leave it: a JSON drive with an `"mtu": 0` and a string `bond_miimon`. */
const NODE = {
  uuid: '11111111-2222-4333-8444-555555555518',
  name: 'node-odd',
  provision_state: 'active',
  instance_uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeee0018',
  instance_info: {
    fixed_ips: [IP],
    image_source: 'http://images.example/debian.qcow2',
    configdrive: {
      meta_data: {
        uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeee0018',
        hostname: 'odd.example.com',
        availability_zone: 'az1',
        meta: { role: 'web' },
        public_keys: { ops: KEY },
      },
      network_data: {
        links: [
          { id: 'port-a', type: 'phy', ethernet_mac_address: '52:54:00:00:19:01', mtu: 0 },
          {
            id: 'bond0',
            type: 'bond',
            ethernet_mac_address: '52:54:00:00:19:01',
            bond_mode: '802.3ad',
            bond_links: ['port-a'],
            bond_miimon: '100',
          },
        ],
        networks: [{ id: 'network0', type: 'ipv4', link: 'bond0', ip_address: '10.0.0.50', netmask: '255.255.255.0', network_id: 'net-a' }],
        services: [],
      },
      user_data: USER_DATA,
    },
  },
  driver_info: {},
  driver_internal_info: {},
  properties: { cpus: 8 },
  extra: {},
  network_data: { links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: '52:54:00:00:19:03', mtu: '9000' }], networks: [] },
};

class DocumentSource implements NodeSource {
  readonly description = 'inventory document';
  constructor(private readonly inventory: Inventory) {}
  async load(): Promise<Inventory> {
    return this.inventory;
  }
}

async function serve(document: unknown) {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const logger = createLogger({ level: 'warn', format: 'json', stream });
  const catalog = new NodeCatalog(
    new DocumentSource(parseInventory(document, 'inv.json')),
    new ConfigDriveCache(),
    { matchNodeName: false },
    logger,
  );
  await catalog.refresh();
  const service = new MetadataService(catalog, undefined, { defaultAvailabilityZone: 'nova', region: 'RegionOne' }, logger);
  const responder = new MetadataResponder(service, new SessionTokens(), { imdsTokenRequired: false, passwordWrite: false }, logger);
  const get = async (path: string) => {
    const reply = await responder.respond({ method: 'GET', path, clientIp: IP, header: () => undefined });
    return { status: reply.status, text: reply.body.toString() };
  };
  return { get, catalog, warnings: () => lines.map((line) => JSON.parse(line)) };
}

describe('serving what Ironic stores, leaving aside only what cannot be used', () => {
  it('serves the drive with "mtu": 0 and "bond_miimon": "100" whole: user data, keys, hostname, network_data unchanged', async () => {
    const { get, warnings } = await serve({ nodes: [NODE] });
    expect(await get('/openstack/latest/user_data')).toEqual({ status: 200, text: USER_DATA });
    expect(JSON.parse((await get('/openstack/latest/meta_data.json')).text)).toMatchObject({
      hostname: 'odd.example.com',
      public_keys: { ops: KEY },
    });
    expect((await get('/openstack/latest/network_data.json')).text).toBe(JSON.stringify(NODE.instance_info.configdrive.network_data));
    expect((await get('/latest/meta-data/public-keys/0/openssh-key')).text).toBe(KEY);
    expect(warnings()).toEqual([]);
  });

  it("serves a node's own network_data as stored, odd values included", async () => {
    const { configdrive: _drive, ...info } = NODE.instance_info;
    const { get } = await serve({ nodes: [{ ...NODE, instance_info: info }] });
    expect((await get('/openstack/latest/network_data.json')).text).toBe(JSON.stringify(NODE.network_data));
  });

  it('leaves aside an unusable address with one warning naming the node and the field, and serves the rest', async () => {
    const drive = structuredClone(NODE.instance_info.configdrive);
    drive.network_data.networks[0].ip_address = '10.0.0.500';
    const { get, warnings, catalog } = await serve({ nodes: [{ ...NODE, instance_info: { ...NODE.instance_info, configdrive: drive } }] });
    expect(await get('/openstack/latest/user_data')).toEqual({ status: 200, text: USER_DATA });
    // network_data.json is what the drive says, the unusable address included; EC2 does without it.
    expect(JSON.parse((await get('/openstack/latest/network_data.json')).text).networks[0].ip_address).toBe('10.0.0.500');
    expect((await get('/latest/meta-data/local-ipv4')).text).toBe(IP);
    expect(warnings()).toEqual([
      expect.objectContaining({
        level: 'warn',
        message: 'value left aside; serving the rest of the node',
        node: '11111111-2222-4333-8444-555555555518 (node-odd)',
        field: 'instance_info.configdrive network_data.networks[0].ip_address',
        problem: 'expected an IPv4 or IPv6 address',
      }),
    ]);
    await catalog.refresh();
    expect(warnings()).toHaveLength(1);
  });

  it('property: whatever one other field holds, the user data and the keys are served', async () => {
    const drive: JsonPath = ['nodes', 0, 'instance_info', 'configdrive'];
    // Not the data under test, nor what the node is matched by, nor what makes it a node at all.
    const protectedPaths: JsonPath[] = [
      [...drive, 'user_data'],
      [...drive, 'meta_data', 'public_keys', 'ops'],
      ['nodes', 0, 'instance_info', 'fixed_ips', 0],
      ['nodes', 0, 'uuid'],
      ['nodes', 0, 'provision_state'],
    ];
    const elsewhere = (path: JsonPath) =>
      isUnder(path, ['nodes', 0]) && path.length >= 3 && protectedPaths.every((kept) => !isUnder(path, kept) && !isUnder(kept, path));
    const document = { nodes: [NODE] };
    await fc.assert(
      fc.asyncProperty(jsonMutation(document, elsewhere), async (mutation) => {
        const { get } = await serve(applyMutation(document, mutation));
        expect(await get('/openstack/latest/user_data')).toEqual({ status: 200, text: USER_DATA });
        expect(JSON.parse((await get('/openstack/latest/meta_data.json')).text).public_keys).toMatchObject({ ops: KEY });
        expect((await get('/latest/meta-data/public-keys/0/openssh-key')).text).toBe(KEY);
      }),
      { numRuns: 200 },
    );
  });
});
