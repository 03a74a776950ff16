import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { httpFrom } from './support/http-from';
import { startServerIn, type NamespacedServer } from './networking/support/namespaced-server';
import { waitUntil } from './networking/support/wait';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { runProgram, runToExit, WORKSPACE } from './support/processes';

// docs/NODE_IMAGES.md, checked with the very files it ships: Debian 12's cloud-init (22.4) runs its
// data sources as on a bare-metal server (a mount namespace whose DMI says a Dell PowerEdge, and
// not a container), from the node's own address, against the built server.
const INVENTORY = join(WORKSPACE, 'apps/metadata-server/example/inventory.json');
const NODE_IMAGES = join(WORKSPACE, 'deploy/node-images');
const snippet = (path: string) => join(NODE_IMAGES, path);
const RUNNER = join(__dirname, 'support/cloud_init_datasource.py');
const BARE_METAL = join(__dirname, 'support/bare-metal-dmi.sh');
const DEBIAN_PYTHON = '/usr/bin/python3';
const DS_IDENTIFY = '/usr/lib/cloud-init/ds-identify';
// Debian's ignition package ships the binary for its dracut module only.
const IGNITION = '/usr/lib/dracut/modules.d/30ignition/ignition';

const DELL = ['Dell Inc.', 'PowerEdge R650', ''];
const NOVA = ['OpenStack Foundation', 'OpenStack Nova', ''];
const WEB = '127.0.0.11'; // a config drive with a key and user data
const FIXED = '127.0.0.12'; // instance_info only
const BOND = '127.0.0.15'; // a portgroup bond, no user data
const NO_NETWORK = '127.0.0.16'; // added below: no ports, no network data

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- inventory nodes are edited as plain JSON
type InventoryNode = Record<string, any>;
const nodeNamed = (nodes: InventoryNode[], name: string) => nodes.find((candidate) => candidate.name === name) as InventoryNode;

/** The example inventory, edited by `edit`, written into `dir`; returns its path. */
function exampleInventoryIn(dir: string, edit: (nodes: InventoryNode[]) => void): string {
  const inventory = JSON.parse(readFileSync(INVENTORY, 'utf8'));
  edit(inventory.nodes);
  const path = join(dir, 'inventory.json');
  writeFileSync(path, JSON.stringify(inventory));
  return path;
}

type Bytes = { base64: string } | null;
const bytes = (value: Bytes) => Buffer.from(value?.base64 ?? '', 'base64');

interface Run {
  dmi: string[];
  ip: string;
  datasource: 'OpenStack' | 'NoCloudNet' | 'NoCloud';
  config?: string[];
  cmdline?: string;
}

describe('node images: cloud-init on a bare-metal server, configured as docs/NODE_IMAGES.md says', () => {
  let server: RunningServer;
  let dir: string;
  beforeAll(async () => {
    // The example nodes, and one more without ports or network data, found by its fixed IP.
    dir = mkdtempSync(join(tmpdir(), 'nc-inventory-'));
    const inventory = exampleInventoryIn(dir, (nodes) => {
      const template = nodeNamed(nodes, 'compute-r01-u07');
      nodes.push({
        ...template,
        uuid: '5c0ffee0-0000-4000-8000-000000000016',
        name: 'no-network',
        instance_uuid: null,
        network_data: {},
        instance_info: { ...template.instance_info, fixed_ips: [NO_NETWORK] },
      });
    });
    server = await startMetadataServer({ INVENTORY_FILE: inventory });
  });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const runnerArgs = (run: Run, extra: string[] = []) => [
    RUNNER,
    run.ip,
    String(server.port),
    run.datasource,
    ...(run.config ?? []).flatMap((file) => ['--config', snippet(file)]),
    ...(run.cmdline ? ['--cmdline', snippet(run.cmdline)] : []),
    ...extra,
  ];
  const onBareMetal = async (run: Run) => JSON.parse(await runProgram(BARE_METAL, [...run.dmi, '--', DEBIAN_PYTHON, ...runnerArgs(run)]));
  const requestsFrom = (ip: string) =>
    server
      .logs()
      .split('\n')
      .filter((line) => line.includes(`"clientIp":"${ip}"`)).length;

  /** What the OpenStack tree tells the same node: the NoCloud seed must agree byte for byte. */
  async function novaView(ip: string) {
    const metaData = JSON.parse((await httpFrom(ip, `${server.url}/openstack/latest/meta_data.json`)).text);
    const userData = await httpFrom(ip, `${server.url}/openstack/latest/user_data`);
    return { metaData, userData: userData.status === 200 ? userData.body : Buffer.alloc(0) };
  }

  function expectSameNode(found: Record<string, unknown>, nova: Awaited<ReturnType<typeof novaView>>) {
    expect(found).toMatchObject({
      found: true,
      instance_id: nova.metaData.uuid,
      local_hostname: nova.metaData.hostname,
      hostname: nova.metaData.hostname,
      public_keys: Object.values(nova.metaData.public_keys ?? {}),
      availability_zone: nova.metaData.availability_zone,
    });
    expect(bytes(found['userdata_raw'] as Bytes).equals(nova.userData)).toBe(true);
  }

  /** Debian's ds-identify, the boot-time generator that enables cloud-init, on the Dell: what it chose. */
  async function dsIdentify(files: { config?: string; cmdline?: string }) {
    const root = mkdtempSync(join(tmpdir(), 'nc-ds-identify-'));
    try {
      for (const dir of ['etc/cloud/cloud.cfg.d', 'sys/class/dmi/id', 'proc', 'run']) mkdirSync(join(root, dir), { recursive: true });
      copyFileSync('/etc/cloud/cloud.cfg', join(root, 'etc/cloud/cloud.cfg'));
      if (files.config) copyFileSync(snippet(files.config), join(root, 'etc/cloud/cloud.cfg.d', basename(files.config)));
      const [vendor, product] = DELL;
      writeFileSync(join(root, 'sys/class/dmi/id/sys_vendor'), `${vendor}\n`);
      writeFileSync(join(root, 'sys/class/dmi/id/product_name'), `${product}\n`);
      const argument = files.cmdline ? ` ${readFileSync(snippet(files.cmdline), 'utf8').trim()}` : '';
      writeFileSync(join(root, 'proc/cmdline'), `BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro${argument}\n`);
      const exit = await runToExit(BARE_METAL, [...DELL, '--', 'env', `PATH_ROOT=${root}`, 'DI_LOG=stderr', DS_IDENTIFY, '--force']);
      const chosen = existsSync(join(root, 'run/cloud-init/cloud.cfg'))
        ? readFileSync(join(root, 'run/cloud-init/cloud.cfg'), 'utf8').trim()
        : '';
      return { code: exit.code, chosen };
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }

  it.each([
    ['cloud-init/90-ironic-metadata-nocloud.cfg', undefined, 'datasource_list: [ NoCloud, None ]'],
    ['cloud-init/90-ironic-metadata-openstack.cfg', undefined, 'datasource_list: [ OpenStack, None ]'],
    [undefined, 'cloud-init/kernel-cmdline-nocloud.txt', 'datasource_list: [ NoCloud, None ]'],
  ])(
    "at boot, ds-identify enables cloud-init on the Dell with the guide's file %s or kernel argument %s",
    async (config, cmdline, chosen) => {
      expect(await dsIdentify({ config, cmdline })).toEqual({ code: 0, chosen });
    },
  );

  it('at boot, ds-identify finds nothing on the Dell without them, and disables cloud-init', async () => {
    expect(await dsIdentify({})).toEqual({ code: 1, chosen: expect.stringContaining('# reporting not found result. notfound=disabled.') });
  });

  it("22.4's OpenStack source, even with the guide's datasource_list, gives up on a Dell before asking anything", async () => {
    const before = requestsFrom(FIXED);
    const result = await onBareMetal({
      dmi: DELL,
      ip: FIXED,
      datasource: 'OpenStack',
      config: ['cloud-init/90-ironic-metadata-openstack.cfg'],
    });
    expect(result).toEqual({ datasource_list: ['OpenStack'], found: false });
    expect(requestsFrom(FIXED)).toBe(before);
  });

  it('the same source and file read the node where the DMI says OpenStack Nova (so the check, not the service, is what stops it)', async () => {
    const result = await onBareMetal({
      dmi: NOVA,
      ip: FIXED,
      datasource: 'OpenStack',
      config: ['cloud-init/90-ironic-metadata-openstack.cfg'],
    });
    const nova = await novaView(FIXED);
    expect(result).toMatchObject({ found: true, instance_id: nova.metaData.uuid, local_hostname: nova.metaData.hostname });
  });

  it("NoCloud with the guide's cloud.cfg.d file reads instance id, hostname, keys and user data byte for byte", async () => {
    const result = await onBareMetal({
      dmi: DELL,
      ip: WEB,
      datasource: 'NoCloudNet',
      config: ['cloud-init/90-ironic-metadata-nocloud.cfg'],
    });
    expect(result).toMatchObject({ datasource_list: ['NoCloud', 'None'], dsmode: 'net' });
    const nova = await novaView(WEB);
    expectSameNode(result, nova);
    // The example node's own user data, as stored in its config drive.
    const node = nodeNamed(JSON.parse(readFileSync(INVENTORY, 'utf8')).nodes, 'compute-r01-u05');
    expect(bytes(result.userdata_raw).toString('utf8')).toBe(node.instance_info.configdrive.user_data);
    // 22.4 reads no network-config from a URL (cloud-init 24.3 does): the node keeps DHCP on its first NIC.
    expect(result.network_config).toBeNull();
  });

  it("NoCloud with the guide's kernel argument reads the same, in cloud-init's network stage", async () => {
    const result = await onBareMetal({ dmi: DELL, ip: WEB, datasource: 'NoCloudNet', cmdline: 'cloud-init/kernel-cmdline-nocloud.txt' });
    expect(result).toMatchObject({ found: true, dsmode: 'net' });
    expectSameNode(result, await novaView(WEB));
  });

  it("'ds=nocloud;s=http://...' (without -net) is claimed for the local stage on 22.4, which the network stage then drops, as the guide warns", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nc-cmdline-'));
    try {
      const kernelArgument = readFileSync(snippet('cloud-init/kernel-cmdline-nocloud.txt'), 'utf8').replace(
        'ds=nocloud-net;',
        'ds=nocloud;',
      );
      writeFileSync(join(dir, 'cmdline'), kernelArgument);
      const result = JSON.parse(
        await runProgram(BARE_METAL, [
          ...DELL,
          '--',
          DEBIAN_PYTHON,
          RUNNER,
          WEB,
          String(server.port),
          'NoCloudNet',
          '--cmdline',
          join(dir, 'cmdline'),
        ]),
      );
      expect(result).toMatchObject({ found: true, dsmode: 'local' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  /** Runs the guide's kickstart %post as the node at `ip`, then NoCloud's local stage on the seed it left. */
  async function kickstartThenNoCloud(ip: string) {
    const kickstart = readFileSync(snippet('kickstart/nocloud-seed.ks'), 'utf8');
    const post = /^%post[^\n]*\n([\s\S]*?)^%end$/m.exec(kickstart)?.[1];
    expect(post).toContain('http://169.254.169.254/nocloud/');
    // curl's own configuration plays the node's network: its address, and its route to the service.
    const curlHome = mkdtempSync(join(tmpdir(), 'nc-curl-'));
    try {
      writeFileSync(join(curlHome, '.curlrc'), `interface = ${ip}\nconnect-to = 169.254.169.254:80:127.0.0.1:${server.port}\n`);
      writeFileSync(join(curlHome, 'post.sh'), post as string);
      const script = `sh "$1" && shift && exec "$@"`;
      const run: Run = { dmi: DELL, ip, datasource: 'NoCloud' };
      const output = await runProgram(
        BARE_METAL,
        [
          ...DELL,
          '--tmpfs',
          '/var/lib/cloud',
          '--',
          'sh',
          '-c',
          script,
          'sh',
          join(curlHome, 'post.sh'),
          DEBIAN_PYTHON,
          ...runnerArgs(run, ['--cloud-dir', '/var/lib/cloud']),
        ],
        {
          env: { ...process.env, CURL_HOME: curlHome },
        },
      );
      return JSON.parse(output);
    } finally {
      rmSync(curlHome, { recursive: true, force: true });
    }
  }

  it("the kickstart %post copies the seed, and NoCloud's local stage reads it with network-config through cloud-init's network state parser", async () => {
    const result = await kickstartThenNoCloud(BOND);
    expectSameNode(result, await novaView(BOND));
    const members = result.network_state.interfaces.filter((iface: { type: string }) => iface.type === 'physical');
    expect(members).toEqual([
      expect.objectContaining({ mac_address: '0c:42:a1:5e:77:10', 'bond-master': 'bond0', 'bond-mode': '802.3ad' }),
      expect.objectContaining({ mac_address: '0c:42:a1:5e:77:11', 'bond-master': 'bond0', 'bond-mode': '802.3ad' }),
    ]);
    expect(result.network_state.interfaces).toContainEqual(
      expect.objectContaining({
        name: 'bond0',
        type: 'bond',
        'bond-miimon': 100,
        'bond-xmit-hash-policy': 'layer3+4',
        subnets: [expect.objectContaining({ type: 'dhcp4' })],
      }),
    );
  });

  it('the kickstart leaves out network-config for a node without network data, so cloud-init keeps its fallback', async () => {
    expect((await httpFrom(NO_NETWORK, `${server.url}/nocloud/network-config`)).status).toBe(404);
    const result = await kickstartThenNoCloud(NO_NETWORK);
    expectSameNode(result, await novaView(NO_NETWORK));
    expect(result.network_config).toBeNull();
  });

  it("doctor names, from the service's own log, the node that asked only /openstack and stopped", async () => {
    const PORTS = '127.0.0.13';
    expect((await httpFrom(PORTS, `${server.url}/openstack`)).status).toBe(200);
    const dir = mkdtempSync(join(tmpdir(), 'nc-doctor-'));
    try {
      await waitUntil(`the log line of the request from ${PORTS}`, () => requestsFrom(PORTS) > 0, 2_000, 20);
      writeFileSync(join(dir, 'service.log'), server.logs());
      const env = { PATH: process.env['PATH'], BIND_ADDR: '127.0.0.1', BIND_PORT: '0', ADMIN_BIND_PORT: '0', LEASE_FILE: '/nonexistent' };
      const exit = await runToExit(
        process.execPath,
        [join(WORKSPACE, 'dist/apps/cli/main.js'), 'doctor', '--inventory', INVENTORY, '--access-log', join(dir, 'service.log'), '--json'],
        { env },
      );
      const check = JSON.parse(exit.stdout).checks.find((candidate: { id: string }) => candidate.id === 'access-log');
      expect(check).toMatchObject({ status: 'warn', data: { stopped: [{ ip: PORTS, node: expect.stringContaining('storage-r02-u11') }] } });
      expect(check.detail).toMatch(/clients in the last hour \([1-9]\d* by NoCloud, [1-9]\d* by OpenStack, \d+ by EC2\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("serves every path cloudbase-init's HttpService reads, at the base URL the guide's file sets", async () => {
    const conf = readFileSync(snippet('cloudbase-init/cloudbase-init.conf'), 'utf8');
    expect(conf).toMatch(/^metadata_services=cloudbaseinit\.metadata\.services\.httpservice\.HttpService$/m);
    const base = /^\[openstack\][^[]*^metadata_base_url=(\S+)$/m.exec(conf)?.[1];
    expect(base).toBe('http://169.254.169.254/');
    // cloudbase-init's baseopenstackservice and httpservice: meta data, user data, network data, and
    // the password (2013-04-04) it checks before posting one.
    for (const path of [
      'openstack/latest/meta_data.json',
      'openstack/latest/user_data',
      'openstack/latest/network_data.json',
      'openstack/2013-04-04/meta_data.json',
      'openstack/2013-04-04/password',
    ]) {
      expect([path, (await httpFrom(WEB, `${server.url}/${path}`)).status]).toEqual([path, 200]);
    }
  });
});

describe('Ignition, with the service as 169.254.169.254 in a network namespace', () => {
  // Ignition hard-codes the address: the namespace holds it on its loopback, and the route to it
  // leaves from the node's address, as the node's own would.
  const ns = `nc-ign-${randomBytes(3).toString('hex')}`;
  const ip = (...args: string[]) => runProgram('ip', ['netns', 'exec', ns, 'ip', ...args]);
  const ignitionConfig = {
    ignition: { version: '3.3.0' },
    storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,provisioned%20by%20ironic-metadata' } }] },
  };
  let dir: string;
  let server: NamespacedServer;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'nc-ignition-'));
    const inventory = exampleInventoryIn(dir, (nodes) => {
      nodeNamed(nodes, 'compute-r01-u05').instance_info.configdrive.user_data = JSON.stringify(ignitionConfig);
    });
    await runProgram('ip', ['netns', 'add', ns]);
    await ip('link', 'set', 'lo', 'up');
    await ip('address', 'add', '169.254.169.254/32', 'dev', 'lo');
    await ip('route', 'replace', 'local', '169.254.169.254', 'dev', 'lo', 'table', 'local', 'src', WEB);
    server = await startServerIn(ns, { INVENTORY_FILE: inventory, BIND_ADDR: '169.254.169.254', BIND_PORT: '80', ADMIN_BIND_PORT: '0' });
  });
  afterAll(async () => {
    await server?.stop();
    await runToExit('ip', ['netns', 'del', ns]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("fetches the node's user data as its config, on the platform the guide's kernel argument names", async () => {
    const platform = /^ignition\.platform\.id=(\S+)$/m.exec(readFileSync(snippet('ignition/kernel-cmdline.txt'), 'utf8'))?.[1];
    expect(platform).toBe('openstack');
    const run = (name: string) => join(dir, name);
    const exit = await runToExit(
      'ip',
      [
        'netns',
        'exec',
        ns,
        IGNITION,
        '-platform',
        platform as string,
        '-stage',
        'fetch',
        '-log-to-stdout',
        '-config-cache',
        run('ignition.json'),
        '-state-file',
        run('state'),
        '-neednet',
        run('neednet'),
        '-fetch-timeout',
        '30s',
      ],
      { timeoutMs: 60_000 },
    );
    expect(exit.stdout).toContain('GET http://169.254.169.254/openstack/latest/user_data');
    expect(exit.code).toBe(0);
    expect(JSON.parse(readFileSync(run('ignition.json'), 'utf8'))).toMatchObject({
      storage: { files: [{ path: '/etc/motd', contents: { source: 'data:,provisioned%20by%20ironic-metadata' } }] },
    });
    await server.sawRequestFrom(WEB);
    expect(server.logs()).toContain(`"clientIp":"${WEB}","level":"http","message":"request","method":"GET"`);
  });
});
