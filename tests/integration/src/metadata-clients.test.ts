import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpFrom } from './support/http-from';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { runProgram, runToExit, WORKSPACE } from './support/processes';

// The example inventory, read by real clients from each node's own loopback address.
const INVENTORY = join(WORKSPACE, 'apps/metadata-server/example/inventory.json');
const inventory = JSON.parse(readFileSync(INVENTORY, 'utf8'));
const nodeNamed = (name: string) => inventory.nodes.find((node: { name: string }) => node.name === name);
const WEB = { ip: '127.0.0.11', node: nodeNamed('compute-r01-u05') };
const FIXED = { ip: '127.0.0.12', node: nodeNamed('compute-r01-u07') };
const PORTS = { ip: '127.0.0.13', node: nodeNamed('storage-r02-u11') };
const BOND = { ip: '127.0.0.15', node: nodeNamed('storage-r02-u13') };

const CLOUD_INIT_CLIENT = join(__dirname, 'support/cloud_init_client.py');
// Debian's cloud-init lives in Debian's Python, whatever python3 comes first on PATH.
const DEBIAN_PYTHON = '/usr/bin/python3';
const AWS_CLIENT = join(__dirname, 'support/aws_imds_client.cjs');

type Bytes = { base64: string };
const text = (bytes: Bytes) => Buffer.from(bytes.base64, 'base64').toString('utf8');

async function cloudInit(server: RunningServer, ip: string, mode: 'openstack' | 'ec2') {
  return JSON.parse(await runProgram(DEBIAN_PYTHON, [CLOUD_INIT_CLIENT, server.url, ip, mode]));
}

describe('real clients against the built server on the example inventory', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startMetadataServer({ INVENTORY_FILE: INVENTORY });
  });
  afterAll(() => server?.stop());

  it("cloud-init's OpenStack reader gets uuid, hostname, keys, user data and network data", async () => {
    const result = await cloudInit(server, WEB.ip, 'openstack');
    const drive = WEB.node.instance_info.configdrive;
    expect(result.metadata).toMatchObject({
      uuid: drive.meta_data.uuid,
      hostname: drive.meta_data.hostname,
      'local-hostname': drive.meta_data.hostname,
      'instance-id': drive.meta_data.uuid,
      public_keys: drive.meta_data.public_keys,
    });
    expect(Buffer.from(result.metadata.random_seed.base64, 'base64')).toHaveLength(512);
    expect(text(result.userdata)).toBe(drive.user_data);
    expect(result.networkdata).toMatchObject(drive.network_data);
    // cloud-init's own conversion accepts it and configures the static address on the NIC's MAC.
    expect(result.network_config.config).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'physical',
          mac_address: '9c:6b:00:70:59:8b',
          subnets: [expect.objectContaining({ type: 'static', address: '127.0.0.11', netmask: '255.0.0.0' })],
        }),
        { type: 'nameserver', address: '127.0.0.53' },
      ]),
    );
    // The reader's EC2 crawl went to our server too.
    expect(result['ec2-metadata']).toMatchObject({ 'instance-id': drive.meta_data.uuid });
  });

  it('converts network data built from ports and from a portgroup bond', async () => {
    const ports = await cloudInit(server, PORTS.ip, 'openstack');
    expect(
      ports.network_config.config
        .filter((entry: { type: string }) => entry.type === 'physical')
        .map((entry: { mac_address: string }) => entry.mac_address),
    ).toEqual(['b8:59:9f:c0:10:0a', 'b8:59:9f:c0:10:0b']);
    const bond = await cloudInit(server, BOND.ip, 'openstack');
    expect(bond.network_config.config).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          type: 'bond',
          mac_address: '0c:42:a1:5e:77:10',
          bond_interfaces: expect.arrayContaining([expect.any(String), expect.any(String)]),
          // Nova's Ironic driver copies portgroup properties as Ironic stores them: `miimon` is the string "100".
          params: expect.objectContaining({ bond_mode: '802.3ad', bond_miimon: '100', bond_xmit_hash_policy: 'layer3+4' }),
          subnets: [{ type: 'dhcp4' }],
        }),
      ]),
    );
    expect(bond.userdata).toBe('');
  });

  it("cloud-init's EC2 reader gets the whole tree", async () => {
    const { metadata, userdata, identity } = await cloudInit(server, FIXED.ip, 'ec2');
    const node = FIXED.node;
    expect(metadata).toMatchObject({
      'instance-id': node.uuid,
      'ami-id': node.instance_info.image_source,
      hostname: node.name,
      'local-hostname': node.name,
      'local-ipv4': '127.0.0.12',
      'instance-type': node.resource_class,
      'reservation-id': expect.stringMatching(/^r-/),
      'security-groups': 'default',
      placement: { 'availability-zone': 'nova', region: 'RegionOne' },
      'public-keys': { deploy: node.instance_info.public_keys.deploy },
      'block-device-mapping': { ami: 'sda', root: '/dev/sda' },
      mac: '3c:ec:ef:12:a4:01',
      network: {
        interfaces: {
          macs: {
            '3c:ec:ef:12:a4:01': expect.objectContaining({ 'device-number': '0', 'local-ipv4s': '127.0.0.12', mac: '3c:ec:ef:12:a4:01' }),
          },
        },
      },
    });
    expect(text(userdata)).toBe(node.instance_info.user_data);
    expect(identity).toEqual({
      document: {
        accountId: node.owner,
        architecture: 'x86_64',
        availabilityZone: 'nova',
        billingProducts: null,
        devpayProductCodes: null,
        marketplaceProductCodes: null,
        imageId: node.instance_info.image_source,
        instanceId: metadata['instance-id'],
        instanceType: node.resource_class,
        kernelId: null,
        pendingTime: '2025-11-03T09:41:27Z',
        privateIp: metadata['local-ipv4'],
        ramdiskId: null,
        region: 'RegionOne',
        version: '2017-09-30',
      },
    });
  });

  it("the AWS SDK's IMDS client reads instance-id with an IMDSv2 token", async () => {
    const values = JSON.parse(
      await runProgram(process.execPath, [
        AWS_CLIENT,
        server.url,
        PORTS.ip,
        '/latest/meta-data/instance-id',
        '/latest/meta-data/local-ipv4',
      ]),
    );
    expect(values).toEqual({ '/latest/meta-data/instance-id': PORTS.node.uuid, '/latest/meta-data/local-ipv4': '127.0.0.13' });
    const requests = server
      .logs()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line));
    expect(requests).toContainEqual(
      expect.objectContaining({ message: 'request', method: 'PUT', path: '/latest/api/token', status: 200, clientIp: PORTS.ip }),
    );
  });

  it('the AWS SDK reads the identity document and the region under latest and a dated version, agreeing with meta-data/ and meta_data.json', async () => {
    const paths = [
      '/latest/dynamic/instance-identity/document',
      '/2019-10-01/dynamic/instance-identity/document/',
      '/latest/meta-data/placement/region',
      '/2019-10-01/user-data',
    ];
    const values = JSON.parse(
      await runProgram(process.execPath, [
        AWS_CLIENT,
        server.url,
        FIXED.ip,
        ...paths,
        '/latest/meta-data/instance-id',
        '/latest/meta-data/local-ipv4',
      ]),
    );
    const document = JSON.parse(values['/latest/dynamic/instance-identity/document']);
    expect(JSON.parse(values['/2019-10-01/dynamic/instance-identity/document/'])).toEqual(document);
    expect(document).toMatchObject({
      instanceId: values['/latest/meta-data/instance-id'],
      privateIp: values['/latest/meta-data/local-ipv4'],
      region: 'RegionOne',
      version: '2017-09-30',
    });
    expect(values['/latest/meta-data/placement/region']).toBe('RegionOne');
    expect(values['/2019-10-01/user-data']).toBe(FIXED.node.instance_info.user_data);
    const openstack = await httpFrom(FIXED.ip, `${server.url}/openstack/latest/meta_data.json`);
    expect(JSON.parse(openstack.text).uuid).toBe(document.instanceId);
  });

  it("resolves a path's .. as Nova does, sent as it is on the wire (Perl's VM::EC2 asks meta-data/../user-data)", async () => {
    const userData = await httpFrom(FIXED.ip, server.url, { rawPath: '/latest/meta-data/../user-data' });
    expect(userData).toMatchObject({ status: 200, text: FIXED.node.instance_info.user_data });
    const climbing = await httpFrom(FIXED.ip, server.url, { rawPath: '/../latest/meta-data/instance-id' });
    expect(climbing).toMatchObject({ status: 404, text: expect.stringContaining('climbs above the root') });
  });

  it('gives two nodes asking at once only their own data, and 404 to an unknown address', async () => {
    const [a, b] = await Promise.all([cloudInit(server, FIXED.ip, 'ec2'), cloudInit(server, PORTS.ip, 'ec2')]);
    expect(a.metadata['instance-id']).toBe(FIXED.node.uuid);
    expect(b.metadata['instance-id']).toBe(PORTS.node.uuid);
    await expect(cloudInit(server, '127.0.0.99', 'openstack')).rejects.toThrow(/404|Missing mandatory path/);
  });
});

describe('start-up checks', () => {
  const SERVER = join(WORKSPACE, 'dist/apps/metadata-server/main.js');
  const start = (env: Record<string, string>) =>
    runToExit(process.execPath, [SERVER], { env: { PATH: process.env['PATH'], BIND_ADDR: '127.0.0.1', BIND_PORT: '0', ...env } });

  it.each([
    [{ BIND_PORT: 'eighty' }, 'ironic-metadata: invalid configuration: BIND_PORT: expected a whole number from 0 to 65535, got "eighty"\n'],
    [
      { BIND_ADDR: 'metadata.local' },
      'ironic-metadata: invalid configuration: BIND_ADDR: expected IPv4 or IPv6 addresses, comma separated, got "metadata.local"\n',
    ],
    [
      { IMDS_TOKEN_REQUIRED: 'sometimes' },
      'ironic-metadata: invalid configuration: IMDS_TOKEN_REQUIRED: expected true or false, got "sometimes"\n',
    ],
    [
      { BIND_PORT: '18600', ADMIN_BIND_ADDR: '127.0.0.1', ADMIN_BIND_PORT: '18600' },
      'ironic-metadata: invalid configuration: ADMIN_BIND_PORT: 18600 is BIND_PORT too, on overlapping addresses (BIND_ADDR 127.0.0.1, ADMIN_BIND_ADDR 127.0.0.1); give the admin listener another port or address\n',
    ],
    [
      { BIND_ADDR: '127.0.0.1,127.0.0.1', BIND_PORT: '18600' },
      'ironic-metadata: invalid configuration: BIND_ADDR: 127.0.0.1 is listed twice; list each address once\n',
    ],
    [
      { MAX_CONNECTIONS: '300', MAX_CONNECTIONS_PER_CLIENT: '500' },
      'ironic-metadata: invalid configuration: MAX_CONNECTIONS_PER_CLIENT: 500 is more than MAX_CONNECTIONS (300), the connections of all clients together; set it to at most 300, or 0 to derive it\n',
    ],
    [{ LOG_LEVEL: 'verbose' }, 'ironic-metadata: invalid configuration: LOG_LEVEL: expected one of error, warn, info, http, debug\n'],
  ])('a bad environment variable %j stops start-up with one line naming it', async (env, message) => {
    const exit = await start({ INVENTORY_FILE: INVENTORY, ...env });
    expect(exit).toMatchObject({ code: 2, stderr: message });
  });

  it('an unusable vendor data file stops start-up naming it', async () => {
    const exit = await start({ INVENTORY_FILE: INVENTORY, VENDOR_DATA_FILE: join(__dirname, 'fixtures/malformed-inventory.json.missing') });
    expect(exit.code).toBe(2);
    expect(exit.stderr).toMatch(
      /^ironic-metadata: invalid configuration: VENDOR_DATA_FILE .*malformed-inventory\.json\.missing: cannot read it \(ENOENT\)\n$/,
    );
  });

  it('an inventory file that cannot be read stops start-up with one line naming it, as the CLI does', async () => {
    const missing = join(__dirname, 'fixtures/malformed-inventory.json.missing');
    const exit = await start({ INVENTORY_FILE: missing });
    expect(exit).toMatchObject({
      code: 2,
      stderr: `ironic-metadata: ${missing}: cannot read the inventory file (no such file); check INVENTORY_FILE\n`,
    });
    const cli = await runToExit(
      process.execPath,
      [join(WORKSPACE, 'dist/apps/cli/main.js'), 'lookup', '127.0.0.1', '--inventory', missing],
      {
        env: { PATH: process.env['PATH'], LEASE_FILE: '/nonexistent' },
      },
    );
    expect(cli).toMatchObject({ code: 2, stderr: exit.stderr });
  });

  it('an inventory file that is not JSON stops start-up with one line, its text escaped (one process or a cluster)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'start-up-'));
    try {
      const yaml = join(dir, 'inventory.yaml');
      writeFileSync(yaml, 'x: [\n');
      const message = `ironic-metadata: ${yaml}: not valid JSON: Unexpected token 'x', "x: [\\n" is not valid JSON\n`;
      for (const WORKERS of ['1', '2']) expect(await start({ INVENTORY_FILE: yaml, WORKERS })).toMatchObject({ code: 2, stderr: message });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('main.js copied without the chunks beside it stops start-up with one line naming its directory', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'main-alone-'));
    try {
      const alone = join(dir, 'main.js');
      writeFileSync(alone, readFileSync(SERVER));
      for (const WORKERS of ['1', '2']) {
        const exit = await runToExit(process.execPath, [alone], {
          env: { PATH: process.env['PATH'], NODE_PATH: join(WORKSPACE, 'node_modules'), INVENTORY_FILE: INVENTORY, WORKERS },
        });
        expect(exit.code).toBe(1);
        expect(exit.stderr).toMatch(
          new RegExp(
            `^ironic-metadata: cannot load the server's code \\(Cannot find module '\\./\\d+\\.chunk\\.js'\\): install the whole ${dir} directory, not main\\.js alone\\n$`,
          ),
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each(['--bogus', 'help', '--version'])('the argument %s stops start-up with one line pointing at --help', async (argument) => {
    const exit = await runToExit(process.execPath, [SERVER, argument], { env: { PATH: process.env['PATH'], INVENTORY_FILE: INVENTORY } });
    expect(exit).toMatchObject({
      code: 2,
      stderr: `ironic-metadata: unknown argument "${argument}": the server takes no arguments, only environment variables; see node dist/apps/metadata-server/main.js --help\n`,
    });
  });

  it('a node with an unusable value starts all the same: the value is left aside, named with its node and field, once', async () => {
    const server = await startMetadataServer({ INVENTORY_FILE: join(__dirname, 'fixtures/malformed-inventory.json') });
    try {
      const answer = await httpFrom('127.0.0.21', `${server.url}/openstack/latest/meta_data.json`);
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.text)).toMatchObject({ uuid: 'good-node-uuid' });
      const warnings = server
        .logs()
        .split('\n')
        .filter((line) => line.includes('value left aside'));
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain('bad-node-uuid (broken-node)');
      expect(warnings[0]).toContain('instance_info.fixed_ips[0]');
    } finally {
      await server.stop();
    }
  });
});
