import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIso9660 } from '@ironic-metadata/configdrive';
import { captured, EXAMPLE_INVENTORY, withEnv, NO_LEASES } from '../../test-support/capture';
import { renderCommand } from '../render/render';
import { configDriveBuildCommand } from './build';
import { configDriveDecodeCommand } from './decode';
import { CommandFailure, UsageError } from '../../support/context';

describe('ironic-metadata configdrive', () => {
  withEnv({ LOG_LEVEL: undefined });
  const dir = mkdtempSync(join(tmpdir(), 'cli-configdrive-'));
  const tree = join(dir, 'drive');
  const reproducible = { SOURCE_DATE_EPOCH: '1700000000' };
  beforeAll(() => {
    mkdirSync(join(tree, 'openstack/latest'), { recursive: true });
    writeFileSync(join(tree, 'openstack/latest/meta_data.json'), JSON.stringify({ uuid: 'u-1', hostname: 'from-a-tree' }));
    writeFileSync(join(tree, 'openstack/latest/user_data'), Buffer.from([0x23, 0x21, 0x00, 0xff]));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds base64 of a gzipped image from a tree, reproducibly, and decodes it back', async () => {
    const out = join(dir, 'drive.b64');
    const built = await captured(() => configDriveBuildCommand(tree, { output: out }, reproducible));
    expect(built.result).toBe(0);
    expect(built.stderr).toMatch(/^wrote .*drive\.b64: base64 of a gzipped ISO 9660 image, \d+ bytes, 2 files\n$/);
    const first = readFileSync(out, 'utf8');
    await captured(() => configDriveBuildCommand(tree, { output: out }, reproducible));
    expect(readFileSync(out, 'utf8')).toBe(first);

    const decoded = await captured(() => configDriveDecodeCommand(out, {}));
    expect(decoded.result).toBe(0);
    expect(decoded.stdout.toString()).toContain('stored as base64 of a gzipped ISO 9660 image');
    expect(decoded.stdout.toString()).toMatch(/hostname\s+from-a-tree/);
    expect(decoded.stdout.toString()).toMatch(/openstack\/latest\/user_data\s+4\n/);
    const file = await captured(() => configDriveDecodeCommand(out, { file: 'openstack/latest/user_data' }));
    expect(file.stdout).toEqual(Buffer.from([0x23, 0x21, 0x00, 0xff]));
  });

  it('builds a raw image from JSON, warning that meta_data has no uuid', async () => {
    const json = join(dir, 'drive.json');
    writeFileSync(json, JSON.stringify({ meta_data: { hostname: 'from-json' }, user_data: { runcmd: [] } }));
    const { result, stdout, stderr } = await captured(() =>
      configDriveBuildCommand(json, { output: join(dir, 'drive.iso'), raw: true, json: true }, reproducible),
    );
    expect(result).toBe(0);
    expect(JSON.parse(stdout.toString())).toMatchObject({
      form: 'a raw ISO 9660 image',
      files: expect.arrayContaining([{ path: 'openstack/2012-08-10/user_data', size: 13 }]),
    });
    expect(stderr).toContain("meta_data has no uuid, which cloud-init's config drive source requires");
    expect(stderr).toContain('pass --node NODE');
    const decoded = await captured(() => configDriveDecodeCommand(join(dir, 'drive.iso'), { json: true }));
    expect(JSON.parse(decoded.stdout.toString())).toMatchObject({
      form: 'an ISO 9660 image',
      metaData: { hostname: 'from-json' },
      userDataBytes: 13,
    });
  });

  it('refuses a tree that is no config drive, and an input that is not there', async () => {
    mkdirSync(join(dir, 'empty'));
    await expect(configDriveBuildCommand(join(dir, 'empty'), { output: join(dir, 'x') })).rejects.toThrow(CommandFailure);
    await expect(configDriveBuildCommand(join(dir, 'missing'), { output: join(dir, 'x') })).rejects.toThrow(UsageError);
  });

  it('writes the node’s uuid and name into a JSON drive without them, as Ironic does, with --node', async () => {
    const json = join(dir, 'for-node.json');
    writeFileSync(json, JSON.stringify({ meta_data: { hostname: 'from-json' } }));
    const out = join(dir, 'for-node.iso');
    const { result, stderr } = await captured(() =>
      configDriveBuildCommand(json, { output: out, raw: true, node: 'compute-r01-u07', inventory: EXAMPLE_INVENTORY }, reproducible),
    );
    expect(result).toBe(0);
    expect(stderr).not.toContain('warning');
    const decoded = await captured(() => configDriveDecodeCommand(out, { json: true }));
    expect(JSON.parse(decoded.stdout.toString()).metaData).toEqual({
      hostname: 'from-json',
      uuid: '4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57',
      name: 'compute-r01-u07',
    });
    await expect(configDriveBuildCommand(json, { output: out, node: 'no-such-node', inventory: EXAMPLE_INVENTORY })).rejects.toThrow(
      'no-such-node: no node with that uuid or name among the 5 nodes loaded',
    );
    await expect(configDriveBuildCommand(tree, { output: out, node: 'compute-r01-u07', inventory: EXAMPLE_INVENTORY })).rejects.toThrow(
      '--node fills a JSON config drive, as Ironic does; in a directory tree, write uuid and name into openstack/<version>/meta_data.json yourself',
    );
  });

  it("decodes a node's config drive by name from the node source, as Ironic would render it", async () => {
    const { result, stdout } = await captured(() =>
      configDriveDecodeCommand('compute-r01-u05', { inventory: EXAMPLE_INVENTORY, json: true }),
    );
    expect(result).toBe(0);
    const drive = JSON.parse(stdout.toString());
    expect(drive).toMatchObject({
      source: 'node 1be26c0b-03f2-4d2e-ae87-c02d7f33c123 (compute-r01-u05)',
      metaData: { hostname: 'web-01.example.net' },
    });
    expect(drive.files.map((file: { path: string }) => file.path)).toContain('openstack/latest/network_data.json');
  });

  it("decodes a node's drive stored as base64, which the node index keeps only a reference to once decoded", async () => {
    const image = join(dir, 'node-drive.b64');
    await captured(() => configDriveBuildCommand(tree, { output: image }, reproducible));
    const base64 = readFileSync(image, 'utf8');
    // ConfigDriveCache replaces a stored drive of 1,024 characters or more by a reference.
    expect(base64.length).toBeGreaterThanOrEqual(1024);
    const inventory = JSON.parse(readFileSync(EXAMPLE_INVENTORY, 'utf8'));
    const [node] = inventory.nodes;
    node.instance_info.configdrive = base64;
    writeFileSync(join(dir, 'iso-inventory.json'), JSON.stringify(inventory));

    const shown = await captured(() => configDriveDecodeCommand(node.name, { inventory: join(dir, 'iso-inventory.json') }));
    expect(shown.stderr.toString()).not.toMatch(/invalid base64/);
    expect(shown.result).toBe(0);
    expect(shown.stdout.toString()).toContain('stored as base64 of a gzipped ISO 9660 image');
    const file = await captured(() =>
      configDriveDecodeCommand(node.uuid, { inventory: join(dir, 'iso-inventory.json'), file: 'openstack/latest/user_data' }),
    );
    expect(file.stdout).toEqual(Buffer.from([0x23, 0x21, 0x00, 0xff]));
  });

  it("shows a node's JSON drive as Ironic writes it to the disk: the node's uuid and name where the JSON has none", async () => {
    const inventory = JSON.parse(readFileSync(EXAMPLE_INVENTORY, 'utf8'));
    const [node] = inventory.nodes;
    delete node.instance_info.configdrive.meta_data.uuid;
    delete node.instance_info.configdrive.meta_data.name;
    writeFileSync(join(dir, 'inventory.json'), JSON.stringify(inventory));
    const { stdout } = await captured(() => configDriveDecodeCommand(node.name, { inventory: join(dir, 'inventory.json'), json: true }));
    expect(JSON.parse(stdout.toString()).metaData).toMatchObject({ uuid: node.uuid, name: node.name, hostname: 'web-01.example.net' });
  });

  it('names the policy fix for a masked drive, and says which node has none', async () => {
    writeFileSync(join(dir, 'masked'), '******');
    await expect(configDriveDecodeCommand(join(dir, 'masked'), {})).rejects.toThrow(
      /masked as "\*\*\*\*\*\*".*show_instance_secrets.*\[oslo_policy\]policy_file/,
    );
    await expect(configDriveDecodeCommand('compute-r01-u07', { inventory: EXAMPLE_INVENTORY })).rejects.toThrow(
      /has no config drive: instance_info\.configdrive is empty/,
    );
    await expect(configDriveDecodeCommand('no-such-node', { inventory: EXAMPLE_INVENTORY })).rejects.toThrow(
      'no-such-node: no such file, and no node with that uuid or name among the 5 nodes loaded',
    );
  });

  it('refuses an output path it cannot write in one line naming it and what to do', async () => {
    const json = join(dir, 'to-write.json');
    writeFileSync(json, JSON.stringify({ meta_data: { uuid: 'u-2' } }));
    const build = (output: string) => configDriveBuildCommand(json, { output, raw: true });
    await expect(build(join(dir, 'nodir/e.iso'))).rejects.toMatchObject({
      code: 'USAGE',
      message: `cannot write ${join(dir, 'nodir/e.iso')}: the directory ${join(dir, 'nodir')} does not exist; create it (mkdir -p ${join(dir, 'nodir')}) or give -o a file in an existing directory`,
    });
    await expect(build(dir)).rejects.toMatchObject({
      code: 'USAGE',
      message: `cannot write ${dir}: it is a directory; give -o the path of a file to write in it`,
    });
    await expect(build(join(json, 'e.iso'))).rejects.toMatchObject({
      code: 'USAGE',
      message: `cannot write ${join(json, 'e.iso')}: ${json} is not a directory; give -o a file in an existing directory`,
    });
  });

  describe('build --node without an input: what the service serves the node', () => {
    const out = join(dir, 'served.iso');
    const served = () =>
      captured(() =>
        configDriveBuildCommand(undefined, { output: out, raw: true, node: 'compute-r01-u07', inventory: EXAMPLE_INVENTORY }, reproducible),
      );
    /** The body the service answers the node, which asks from 127.0.0.12, at `path`. */
    const answered = async (path: string) => {
      const { result, stdout } = await captured(() =>
        renderCommand('127.0.0.12', path, { inventory: EXAMPLE_INVENTORY, leases: NO_LEASES }),
      );
      expect(result).toBe(0);
      return stdout;
    };
    const withoutSeed = (body: Buffer | undefined) => ({ ...JSON.parse(body?.toString() ?? ''), random_seed: undefined });

    it("holds every OpenStack file the service serves, laid out as Nova's drive, and EC2's meta-data.json", async () => {
      const { result, stderr } = await served();
      expect(result).toBe(0);
      expect(stderr).not.toContain('warning');
      const { volumeId, files } = readIso9660(readFileSync(out));
      expect(volumeId).toBe('config-2');
      for (const version of ['2012-08-10', '2016-10-06', 'latest']) {
        expect(withoutSeed(files.get(`openstack/${version}/meta_data.json`))).toEqual(
          withoutSeed(await answered(`openstack/${version}/meta_data.json`)),
        );
      }
      for (const file of ['user_data', 'vendor_data.json', 'network_data.json', 'vendor_data2.json']) {
        expect(files.get(`openstack/latest/${file}`)).toEqual(await answered(`openstack/latest/${file}`));
      }
      expect(files.has('openstack/latest/password')).toBe(false);
      const ec2 = JSON.parse(files.get('ec2/latest/meta-data.json')?.toString() ?? '');
      expect(ec2).toMatchObject({ 'instance-id': (await answered('latest/meta-data/instance-id')).toString(), 'local-ipv4': '127.0.0.12' });
      expect(ec2['local-hostname']).toBe((await answered('latest/meta-data/local-hostname')).toString());
      expect(files.get('ec2/2009-04-04/user-data')).toEqual(await answered('2009-04-04/user-data'));
    });

    it('refuses an unknown node, a name several nodes have, a node the service does not serve, and no input at all', async () => {
      await expect(configDriveBuildCommand(undefined, { output: out, node: 'no-such-node', inventory: EXAMPLE_INVENTORY })).rejects.toThrow(
        new CommandFailure('no-such-node: no node with that uuid or name among the 5 nodes loaded'),
      );
      const inventory = JSON.parse(readFileSync(EXAMPLE_INVENTORY, 'utf8'));
      inventory.nodes[2].name = inventory.nodes[1].name;
      writeFileSync(join(dir, 'twins.json'), JSON.stringify(inventory));
      await expect(
        configDriveBuildCommand(undefined, { output: out, node: 'compute-r01-u07', inventory: join(dir, 'twins.json') }),
      ).rejects.toThrow(
        new CommandFailure(
          `compute-r01-u07: 2 nodes have that name (${inventory.nodes[1].uuid}, ${inventory.nodes[2].uuid}); give the uuid of the one you mean`,
        ),
      );
      await expect(
        configDriveBuildCommand(undefined, { output: out, node: inventory.nodes[2].uuid, inventory: join(dir, 'twins.json') }),
      ).resolves.toBe(0);
      // A node whose name is another node's uuid: the uuid wins, as in Ironic.
      const shadowed = JSON.parse(readFileSync(EXAMPLE_INVENTORY, 'utf8'));
      shadowed.nodes[0].name = shadowed.nodes[1].uuid;
      writeFileSync(join(dir, 'shadowed.json'), JSON.stringify(shadowed));
      const built = await captured(() =>
        configDriveBuildCommand(undefined, { output: out, raw: true, node: shadowed.nodes[1].uuid, inventory: join(dir, 'shadowed.json') }),
      );
      expect(built.result).toBe(0);
      expect(JSON.parse(readIso9660(readFileSync(out)).files.get('openstack/latest/meta_data.json')?.toString() ?? '')).toMatchObject({
        name: shadowed.nodes[1].name,
      });
      await expect(
        configDriveBuildCommand(undefined, { output: out, node: 'compute-r02-u03', inventory: EXAMPLE_INVENTORY }),
      ).rejects.toThrow(
        new CommandFailure(
          'compute-r02-u03: node c2a9e4f7-5b1d-4e3a-9c8f-0d7b6a5e4f31 (compute-r02-u03) is available, not deployed: it has no instance, so the metadata service serves it nothing and there is no drive to build; deploy it first, or give the node that holds the instance',
        ),
      );
      await expect(configDriveBuildCommand(undefined, { output: out })).rejects.toThrow(
        new UsageError(
          'give a directory tree or a JSON file to build from, or --node NODE for a drive of what the metadata service serves that node',
        ),
      );
    });
  });
});
