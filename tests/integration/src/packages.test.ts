import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { stripVTControlCharacters } from 'node:util';
import { IRONIC_GENISOIMAGE_FLAGS } from './support/genisoimage';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';

// The published libraries as an outside project gets them: packed, installed from the tarballs into a
// project of its own, and used from CommonJS, from an ES module and from strict TypeScript.
const WORKSPACE = resolve(__dirname, '../../..');
const PACKAGES = ['ironic-model', 'configdrive', 'formatters', 'ironic-client', 'node-addresses'];
const FIXTURE = join(__dirname, 'fixtures/package-consumer');

const run = randomBytes(3).toString('hex');
const mac = `52:54:00:${run.match(/../g)?.join(':')}`;

function sh(command: string, args: readonly string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): string {
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0)
    throw new Error(`${command} ${args.join(' ')} (in ${options.cwd}) exited with ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result.stdout;
}

describe('the published packages, installed into an outside project', () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const owner = `pkg-${run}`;
  const names = [0, 1, 2].map((index) => `pkg-${run}-node-${index}`);
  let root: string;
  let app: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'packages-consumer-'));
    app = join(root, 'app');
    mkdirSync(join(root, 'tarballs'));
    mkdirSync(app);
    for (const name of PACKAGES) {
      const directory = join(WORKSPACE, 'libs', name);
      if (!existsSync(join(directory, 'dist/index.js'))) throw new Error(`libs/${name} is not built: run npx nx run ${name}:build`);
      sh('npm', ['pack', '--silent', '--pack-destination', join(root, 'tarballs')], { cwd: directory });
    }
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'packages-consumer', version: '1.0.0', private: true }));
    const tarballs = readdirSync(join(root, 'tarballs')).map((file) => join(root, 'tarballs', file));
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs], { cwd: app });
    sh('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--save-dev', '@types/node@20', 'fast-check@4'], { cwd: app });
    for (const file of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, file), join(app, file));

    // A config drive as Ironic builds one, by genisoimage with Ironic's flags.
    const tree = join(root, 'drive');
    mkdirSync(join(tree, 'openstack/latest'), { recursive: true });
    writeFileSync(join(tree, 'openstack/latest/meta_data.json'), JSON.stringify({ uuid: `uuid-${run}`, name: `instance-${run}` }));
    const networkData = { links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: mac }], networks: [], services: [] };
    writeFileSync(join(tree, 'openstack/latest/network_data.json'), JSON.stringify(networkData));
    execFileSync('genisoimage', ['-o', join(root, 'drive.iso'), ...IRONIC_GENISOIMAGE_FLAGS, tree]);

    // Three nodes of one owner (two pages of two), one with a fixed IP and a port.
    const uuids = await Promise.all(names.map((name) => admin.createNode({ name, owner })));
    await admin.createPort(uuids[1], mac);
    await admin.client.patchNode(uuids[1], [{ op: 'add', path: '/instance_info/fixed_ips', value: [{ ip_address: '10.77.0.5' }] }]);
    const expiry = Math.floor(Date.now() / 1000) + 3600;
    writeFileSync(join(root, 'leases'), `${expiry} ${mac} 10.77.0.9 ${names[1]} *\n${expiry} 52:54:00:00:00:01 10.77.0.10 other *\n`);

    env = { IRONIC_URL: noauth.url, OWNER: owner, ISO: join(root, 'drive.iso'), LEASES: join(root, 'leases'), LEASED_IP: '10.77.0.9' };
  });

  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const expectations = (summary: Record<string, unknown>) => {
    expect(summary).toMatchObject({
      drive: { uuid: `uuid-${run}`, name: `instance-${run}`, links: 1, sameStored: true },
      refused: { name: 'ConfigDriveError', code: expect.any(String) },
      pages: [names.slice(0, 2).sort(), names.slice(2)].map(() => expect.any(Array)),
      nodes: names,
      metaData: { uuid: `uuid-${run}`, name: names[1], hostname: names[1] },
      ec2Mac: mac,
      claimed: { fixed_ips: ['10.77.0.5'] },
      leaseProblems: 0,
      leasedMac: mac,
      portMac: mac,
    });
    expect((summary['pages'] as string[][]).map((page) => page.length)).toEqual([2, 1]);
    expect(summary['ec2Listing']).toEqual(expect.arrayContaining(['instance-id', 'local-hostname', 'mac', 'network/']));
  };

  it.each([
    ['CommonJS require', 'main.cjs'],
    ['ESM import', 'main.mjs'],
  ])('from %s: decodes and builds config drives, lists nodes page by page, renders both trees, parses leases', (_how, entry) => {
    const built = join(root, `built-${entry}.iso`);
    const summary = JSON.parse(sh(process.execPath, [entry], { cwd: app, env: { ...env, BUILT: built } }));
    expectations(summary);
    // What the library wrote, isoinfo reads back (Joliet names, as cloud-init mounts it).
    const metaData = JSON.parse(execFileSync('isoinfo', ['-J', '-i', built, '-x', '/openstack/latest/meta_data.json']).toString('utf8'));
    expect(metaData).toEqual({ uuid: `uuid-${run}`, name: 'built-by-consumer' });
    expect(execFileSync('isoinfo', ['-d', '-i', built]).toString('utf8')).toContain('Volume id: config-2');
  });

  it.each(['node16', 'nodenext', 'bundler'])('type-checks strictly under moduleResolution %s', (mode) => {
    sh(process.execPath, [join(WORKSPACE, 'node_modules/typescript/bin/tsc'), '-p', `tsconfig.${mode}.json`], { cwd: app });
  });

  /** What each README's example prints, in part: it must run as written, from the installed package. */
  const README_OUTPUT: Record<string, string> = {
    'ironic-model': 'InvalidMacAddressError INVALID_MAC_ADDRESS',
    configdrive: 'ConfigDriveError masked',
    formatters: '/latest/meta-data/instance-id i-00000001',
    'ironic-client': 'IronicApiError IRONIC_API 404',
    'node-addresses': '52:54:00:12:34:56 0',
  };

  it.each(PACKAGES)("runs the example at the top of %s's README", (name) => {
    const readme = readFileSync(join(WORKSPACE, 'libs', name, 'README.md'), 'utf8');
    expect(readme).toMatch(new RegExp(`^# @ironic-metadata/${name}\n\n\`\`\`sh\nnpm install @ironic-metadata/${name}`));
    const example = /```js\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example.trimEnd().split('\n').length).toBeLessThanOrEqual(12);
    writeFileSync(join(app, `readme-${name}.mjs`), example);
    // console.log colours numbers when the test runner forces colour: compare the text.
    expect(stripVTControlCharacters(sh(process.execPath, [`readme-${name}.mjs`], { cwd: app, env }))).toContain(README_OUTPUT[name]);
  });

  it('brings no HTTP, logging or container dependency with configdrive and formatters', () => {
    const tree = JSON.parse(sh('npm', ['ls', '--all', '--omit=dev', '--json'], { cwd: app })) as NpmTree;
    const below = (name: string) => [...flatten(tree.dependencies?.[name]?.dependencies ?? {})].sort();
    expect(below('@ironic-metadata/configdrive')).toEqual(['@ironic-metadata/ironic-model']);
    expect(below('@ironic-metadata/formatters')).toEqual(['@ironic-metadata/ironic-model', 'yaml']);
    // zod, and fast-check (with its pure-rand): the optional peer of ./testing, which this project installed.
    expect(below('@ironic-metadata/ironic-model')).toEqual(['fast-check', 'pure-rand', 'zod']);
    expect(below('@ironic-metadata/ironic-client')).toEqual(expect.arrayContaining(['axios', 'zod']));
  });
});

interface NpmTree {
  dependencies?: Record<string, NpmTree>;
}

function* flatten(dependencies: Record<string, NpmTree>): Generator<string> {
  for (const [name, tree] of Object.entries(dependencies)) {
    yield name;
    yield* flatten(tree.dependencies ?? {});
  }
}
