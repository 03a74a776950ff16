import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { httpFrom } from './support/http-from';
import { setShowInstanceSecrets } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { runProgram, runToExit, WORKSPACE } from './support/processes';

// `ironic-metadata configdrive build --node` for a node of the suite's real Ironic, read by Debian's
// cloud-init as its ConfigDrive data source reads a drive, against what the built server answers the
// same node over HTTP (issue 15: a drive with exactly what the service serves).

// Debian's cloud-init lives in Debian's Python, whatever python3 comes first on PATH.
const DEBIAN_PYTHON = '/usr/bin/python3';
const CLOUD_INIT_CLIENT = join(__dirname, 'support/cloud_init_client.py');
const CONFIG_DRIVE_READER = join(__dirname, 'support/config_drive_reader.py');
const CLI = join(WORKSPACE, 'dist/apps/cli/main.js');
const run = randomBytes(3).toString('hex');
const IP = '127.0.0.70';
const MAC = `52:54:${run.match(/../g)?.join(':')}:70`;
const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDrive drive@example.com';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every regular file under `directory`, by its path relative to it. */
function filesUnder(directory: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const path of readdirSync(directory, { recursive: true, encoding: 'utf8' })) {
    const full = join(directory, path);
    if (statSync(full).isFile()) files.set(relative(directory, full), readFileSync(full));
  }
  return files;
}

/**
 * A value of the drive's `ec2/latest/meta-data.json` as cloud-init's EC2 crawl over HTTP reads it
 * (`MetadataLeafDecoder`): a list of one line is that line, an empty one an empty file.
 */
function asCrawled(value: Json): Json {
  if (Array.isArray(value)) return value.length === 0 ? '' : value.length === 1 ? value[0] : value;
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, asCrawled(item)]));
  return value;
}

describe("a node's config drive built from what the service serves it, read by cloud-init's ConfigDrive source", () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const name = `it-${run}-served-drive`;
  const scratch = mkdtempSync(join(tmpdir(), 'it-served-drive-'));
  const configdrive = {
    meta_data: { hostname: `${name}.example.net`, public_keys: { ops: KEY }, meta: { role: 'database' } },
    user_data: `#cloud-config\nhostname: ${name}\n`,
    network_data: {
      links: [{ id: 'port0', type: 'phy', ethernet_mac_address: MAC, mtu: 1500 }],
      networks: [
        { id: 'network0', type: 'ipv4', link: 'port0', ip_address: IP, netmask: '255.0.0.0', routes: [], network_id: 'provisioning' },
      ],
      services: [{ type: 'dns', address: '127.0.0.53' }],
    },
  };
  let server: RunningServer;
  let uuid: string;
  const cli = (args: string[]) =>
    runToExit(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'], IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent' },
      timeoutMs: 30_000,
    });

  beforeAll(async () => {
    setShowInstanceSecrets(noauth.policyFile, true);
    uuid = await admin.createNode({ name });
    await admin.createPort(uuid, MAC);
    await admin.deploy(uuid, { configdrive, instanceInfo: { fixed_ips: [IP] } });
    server = await startMetadataServer({ IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent' });
  });
  afterAll(async () => {
    await server?.stop();
    setShowInstanceSecrets(noauth.policyFile, false);
    rmSync(scratch, { recursive: true, force: true });
  });

  it('is labelled config-2, and cloud-init reads from it what it reads from the service over HTTP', async () => {
    const image = join(scratch, 'drive.iso');
    const built = await cli(['configdrive', 'build', '--node', name, '-o', image, '--raw']);
    expect(built).toMatchObject({
      code: 0,
      stdout: '',
      stderr: expect.stringMatching(/^wrote .*drive\.iso: a raw ISO 9660 image, \d+ bytes, \d+ files\n$/),
    });
    const tree = join(scratch, 'tree');
    await runProgram('xorriso', ['-osirrox', 'on', '-indev', image, '-extract', '/', tree]);

    const [{ labelled, drive }, http] = await Promise.all([
      runProgram(DEBIAN_PYTHON, [CONFIG_DRIVE_READER, image, tree]).then(JSON.parse),
      runProgram(DEBIAN_PYTHON, [CLOUD_INIT_CLIENT, server.url, IP, 'openstack']).then(JSON.parse),
    ]);
    expect(labelled).toBe(true);
    expect(drive.metadata).toMatchObject({
      uuid,
      'instance-id': uuid,
      hostname: configdrive.meta_data.hostname,
      public_keys: { ops: KEY },
      meta: { role: 'database' },
    });
    // Each reading of meta_data.json has a fresh random seed; everything else is the same.
    const seedless = (metadata: Record<string, unknown>) => ({ ...metadata, random_seed: undefined });
    expect(Buffer.from(drive.metadata.random_seed.base64, 'base64')).toHaveLength(512);
    expect(seedless(drive.metadata)).toEqual(seedless(http.metadata));
    for (const key of ['userdata', 'vendordata', 'vendordata2', 'networkdata', 'files', 'version'])
      expect([key, drive[key]]).toEqual([key, http[key]]);
    expect(Buffer.from(drive.userdata.base64, 'base64').toString()).toBe(configdrive.user_data);
    expect(drive.networkdata).toMatchObject(configdrive.network_data);

    // EC2: the drive carries the tree as one JSON document (Nova's layout), where cloud-init crawls the
    // listings over HTTP and reads a key by its name.
    const { 'public-keys': driveKeys, ...driveEc2 } = drive['ec2-metadata'];
    const { 'public-keys': httpKeys, ...httpEc2 } = http['ec2-metadata'];
    expect(driveEc2).toMatchObject({
      'instance-id': expect.any(String),
      'local-ipv4': IP,
      'local-hostname': expect.stringContaining(name),
    });
    expect(asCrawled(driveEc2)).toEqual(httpEc2);
    expect([driveKeys, httpKeys]).toEqual([{ '0': { 'openssh-key': KEY } }, { ops: KEY }]);
  });

  it('holds, file for file, what the service answers the node at the same path', async () => {
    const image = join(scratch, 'every-file.iso');
    expect((await cli(['configdrive', 'build', '--node', uuid, '-o', image, '--raw'])).code).toBe(0);
    const tree = join(scratch, 'every-file');
    await runProgram('xorriso', ['-osirrox', 'on', '-indev', image, '-extract', '/', tree]);
    const files = filesUnder(tree);
    expect([...files.keys()]).toEqual(
      expect.arrayContaining([
        'openstack/2012-08-10/meta_data.json',
        'openstack/latest/vendor_data2.json',
        'ec2/2009-04-04/meta-data.json',
        'ec2/latest/user-data',
      ]),
    );
    const differing: string[] = [];
    for (const [path, body] of files) {
      // ec2/<version>/meta-data.json has no HTTP path: it is the whole tree, compared by cloud-init above.
      if (path.endsWith('/meta-data.json')) continue;
      const answer = await httpFrom(IP, `${server.url}/${path.replace(/^ec2\//, '')}`);
      const same = path.endsWith('/meta_data.json')
        ? JSON.stringify({ ...JSON.parse(answer.text), random_seed: undefined }) ===
          JSON.stringify({ ...JSON.parse(body.toString()), random_seed: undefined })
        : answer.body.equals(body);
      if (answer.status !== 200 || !same) differing.push(`${path}: ${answer.status}`);
    }
    expect(differing).toEqual([]);
  });

  it('refuses a node Ironic does not have, in one line naming it', async () => {
    const missing = await cli(['configdrive', 'build', '--node', `it-${run}-no-such-node`, '-o', join(scratch, 'none.iso')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(
      new RegExp(`^ironic-metadata: it-${run}-no-such-node: no node with that uuid or name among the \\d+ nodes loaded\\n$`),
    );
  });
});
