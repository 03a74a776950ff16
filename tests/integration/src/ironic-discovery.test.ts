import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { parse } from 'yaml';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IRONIC_GENISOIMAGE_FLAGS } from './support/genisoimage';
import { httpFrom } from './support/http-from';
import { setShowInstanceSecrets } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { runToExit, WORKSPACE } from './support/processes';

// Nodes in the suite's real Ironics, each findable by one method, each asking from its own address.
const run = randomBytes(3).toString('hex');
const mac = (last: string) => `52:54:${run.match(/../g)?.join(':')}:${last}`;
const CLI = join(WORKSPACE, 'dist/apps/cli/main.js');
const staticNetwork = (ip: string, macAddress: string) => ({
  links: [{ id: 'port0', type: 'phy', ethernet_mac_address: macAddress }],
  networks: [{ id: 'net0', type: 'ipv4', link: 'port0', ip_address: ip, netmask: '255.0.0.0', network_id: 'net0' }],
  services: [],
});

describe('discovery against a real Ironic', () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const uuids: Record<string, string> = {};
  const leaseDir = mkdtempSync(join(tmpdir(), 'it-leases-'));
  const leaseFile = join(leaseDir, 'dnsmasq.leases');
  const ironicEnv = { IRONIC_URL: noauth.url, LEASE_FILE: leaseFile, IRONIC_PAGE_SIZE: '2' };
  let server: RunningServer;

  async function deployed(
    key: string,
    node: Parameters<IronicTestAdmin['createNode']>[0],
    deployment: Parameters<IronicTestAdmin['deploy']>[1],
    portMac?: string,
    on = admin,
  ) {
    uuids[key] = await on.createNode(node);
    if (portMac) await on.createPort(uuids[key], portMac);
    await on.deploy(uuids[key], deployment);
  }

  beforeAll(async () => {
    setShowInstanceSecrets(noauth.policyFile, true);
    // dnsmasq's IPv6 leases follow its `duid` line: `EXPIRY [T]IAID ADDRESS HOSTNAME CLIENT-DUID`.
    const ipv6Leases = [
      'duid 00:01:00:01:2c:5f:1a:00:52:54:00:00:00:fe',
      `0 T7 2001:db8::45 * 00:03:00:01:${mac('47')}`,
      `0 8 2001:db8::46 * 00:02:00:00:00:09:0c:c0:84:d3:03:00:09:12`,
    ];
    writeFileSync(
      leaseFile,
      `0 ${mac('45')} 127.0.0.45 * *\n${Math.floor(Date.now() / 1000) - 60} ${mac('49')} 127.0.0.49 * *\n${ipv6Leases.join('\n')}\n`,
    );
    const minimalDrive = (hostname: string) => ({ meta_data: { hostname }, user_data: `#cloud-config\nhostname: ${hostname}\n` });
    await Promise.all([
      deployed(
        'fixed',
        { name: `it-${run}-fixed` },
        { configdrive: minimalDrive('fixed'), instanceInfo: { fixed_ips: [{ ip_address: '127.0.0.41' }] } },
      ),
      (async () => {
        uuids['nodeNetwork'] = await admin.createNode({ name: `it-${run}-node-network` });
        await admin.client.patchNode(uuids['nodeNetwork'], [
          { op: 'add', path: '/network_data', value: staticNetwork('127.0.0.42', mac('42')) },
        ]);
        await admin.deploy(uuids['nodeNetwork'], { configdrive: minimalDrive('node-network') });
      })(),
      deployed(
        'driveNetwork',
        { name: `it-${run}-drive-network` },
        { configdrive: { ...minimalDrive('drive-network'), network_data: staticNetwork('127.0.0.43', mac('43')) } },
        mac('43'),
      ),
      deployed(
        'agent',
        { name: `it-${run}-agent`, driverInfo: { agent_url: 'http://127.0.0.44:9999' } },
        { configdrive: minimalDrive('agent') },
      ),
      deployed('lease', { name: `it-${run}-lease` }, { configdrive: minimalDrive('lease') }, mac('45')),
      deployed('ipv6Lease', { name: `it-${run}-ipv6-lease` }, { configdrive: minimalDrive('ipv6-lease') }, mac('47')),
      // Named by its address, as test fleets sometimes are: matched only with MATCH_NODE_NAME.
      deployed('named', { name: '127.0.0.53' }, { configdrive: minimalDrive('named') }),
      deployed('expiredLease', { name: `it-${run}-expired-lease` }, { configdrive: minimalDrive('expired') }, mac('49')),
      (async () => {
        uuids['available'] = await admin.createNode({ name: `it-${run}-available` });
        await admin.setProvisionState(uuids['available'], 'manage', 'manageable');
        await admin.setProvisionState(uuids['available'], 'provide', 'available');
        await admin.client.patchNode(uuids['available'], [{ op: 'add', path: '/instance_info/fixed_ips', value: ['127.0.0.46'] }]);
      })(),
    ]);
    server = await startMetadataServer(ironicEnv);
  });

  afterAll(async () => {
    await server?.stop();
    setShowInstanceSecrets(noauth.policyFile, false);
    rmSync(leaseDir, { recursive: true, force: true });
  });

  const metaData = async (ip: string) => {
    const answer = await httpFrom(ip, `${server.url}/openstack/latest/meta_data.json`);
    return { status: answer.status, text: answer.text, json: answer.status === 200 ? JSON.parse(answer.text) : undefined };
  };
  const lookup = async (ip: string, env: Record<string, string> = {}) => {
    const exit = await runToExit(process.execPath, [CLI, 'lookup', ip, '--json'], {
      env: { PATH: process.env['PATH'], ...ironicEnv, ...env },
    });
    return { code: exit.code, result: JSON.parse(exit.stdout) };
  };

  it('finds a node deployed after start-up on its first request', async () => {
    await deployed(
      'late',
      { name: `it-${run}-late` },
      { configdrive: { meta_data: { hostname: 'late' } }, instanceInfo: { fixed_ips: ['127.0.0.48'] } },
    );
    expect(await metaData('127.0.0.48')).toMatchObject({ status: 200, json: { uuid: uuids['late'], hostname: 'late' } });
  });

  it.each([
    ['fixed', '127.0.0.41', 'fixed_ips'],
    ['nodeNetwork', '127.0.0.42', 'node_network_data'],
    ['driveNetwork', '127.0.0.43', 'configdrive_network_data'],
    ['agent', '127.0.0.44', 'agent_url'],
    ['lease', '127.0.0.45', 'dhcp_lease'],
  ])('serves the %s node at %s, matched by %s', async (key, ip, method) => {
    expect(await metaData(ip)).toMatchObject({
      status: 200,
      json: { uuid: uuids[key], name: `it-${run}-${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}` },
    });
    const { code, result } = await lookup(ip);
    expect(code).toBe(0);
    expect(result).toMatchObject({ found: true, method, node: { uuid: uuids[key], provisionState: 'active' } });
  });

  it.each([
    ['fixed', '127.0.0.41'],
    ['nodeNetwork', '127.0.0.42'],
    ['driveNetwork', '127.0.0.43'],
    ['lease', '127.0.0.45'],
  ])('serves the %s node at %s the NoCloud seed of the same instance as meta_data.json', async (key, ip) => {
    const [nova, nocloud, userData] = await Promise.all([
      metaData(ip),
      httpFrom(ip, `${server.url}/nocloud/meta-data`),
      httpFrom(ip, `${server.url}/nocloud/user-data`),
    ]);
    expect(nocloud.status).toBe(200);
    expect(parse(nocloud.text, { version: '1.1' })).toMatchObject({ 'instance-id': uuids[key], 'local-hostname': nova.json.hostname });
    expect(userData.text).toBe((await httpFrom(ip, `${server.url}/openstack/latest/user_data`)).text);
  });

  it('answers a node found only through its lease, or its agent URL, with that address as local-ipv4', async () => {
    const ec2 = async (ip: string, path: string) => (await httpFrom(ip, `${server.url}/latest/meta-data/${path}`)).text;
    expect(await ec2('127.0.0.45', 'local-ipv4')).toBe('127.0.0.45');
    expect(await ec2('127.0.0.45', 'mac')).toBe(mac('45'));
    expect(await ec2('127.0.0.45', `network/interfaces/macs/${mac('45')}/local-ipv4s`)).toBe('127.0.0.45');
    expect(await ec2('127.0.0.44', 'local-ipv4')).toBe('127.0.0.44');
    expect(await ec2('127.0.0.41', 'local-ipv4')).toBe('127.0.0.41');
  });

  it('matches a node by its name only when MATCH_NODE_NAME is on', async () => {
    expect((await metaData('127.0.0.53')).status).toBe(404);
    expect(await lookup('127.0.0.53')).toMatchObject({ code: 1, result: { found: false } });
    expect(await lookup('127.0.0.53', { MATCH_NODE_NAME: 'true' })).toMatchObject({
      code: 0,
      result: { found: true, method: 'node_name', node: { uuid: uuids['named'] } },
    });
  });

  it('serves the config drive user data byte for byte, and network_data from the drive', async () => {
    const userData = await httpFrom('127.0.0.43', `${server.url}/openstack/latest/user_data`);
    expect(userData.text).toBe('#cloud-config\nhostname: drive-network\n');
    const network = JSON.parse((await httpFrom('127.0.0.43', `${server.url}/openstack/latest/network_data.json`)).text);
    expect(network.networks[0]).toMatchObject({ ip_address: '127.0.0.43' });
  });

  it('answers 404 for a node that is only available, saying why', async () => {
    const answer = await metaData('127.0.0.46');
    expect(answer.status).toBe(404);
    expect(answer.text).toContain(`${uuids['available']} (it-${run}-available), which is available`);
    const seed = await httpFrom('127.0.0.46', `${server.url}/nocloud/meta-data`);
    expect([seed.status, seed.text]).toEqual([404, answer.text]);
    expect(await lookup('127.0.0.46')).toMatchObject({
      code: 1,
      result: { found: false, node: { uuid: uuids['available'], served: false } },
    });
  });

  it('finds an IPv6 client through the MAC in the DUID-LL of its lease, and says why a DUID-EN names none', async () => {
    expect(await lookup('2001:db8::45')).toMatchObject({
      code: 0,
      result: { found: true, method: 'dhcp_lease', node: { uuid: uuids['ipv6Lease'] } },
    });
    const { code, result } = await lookup('2001:db8::46');
    expect(code).toBe(1);
    expect(result.trace.at(-1)).toMatchObject({
      method: 'dhcp_lease',
      outcome: 'no-match',
      detail: 'the DHCP lease for 2001:db8::46 (line 5) names no MAC: its client DUID is a DUID-EN, which carries no link-layer address',
    });
  });

  it('never matches an expired lease, nor an unknown address', async () => {
    expect((await metaData('127.0.0.49')).status).toBe(404);
    const { result } = await lookup('127.0.0.49');
    expect(result.trace.at(-1)).toMatchObject({
      method: 'dhcp_lease',
      outcome: 'no-match',
      detail: 'the DHCP lease for 127.0.0.49 expired',
    });
    expect((await metaData('127.0.0.40')).text).toContain('no node matches 127.0.0.40');
  });
});

/** What Ironic stores for a dict config drive: genisoimage with Ironic's flags, gzip, base64. */
function ironicStyleConfigDrive(drive: { meta_data: object; user_data: string; network_data: object }): string {
  const dir = mkdtempSync(join(tmpdir(), 'it-drive-'));
  try {
    for (const version of ['2012-08-10', 'latest']) {
      const folder = join(dir, 'tree/openstack', version);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'meta_data.json'), JSON.stringify(drive.meta_data));
      writeFileSync(join(folder, 'network_data.json'), JSON.stringify(drive.network_data));
      writeFileSync(join(folder, 'user_data'), drive.user_data);
    }
    const iso = join(dir, 'configdrive.iso');
    execFileSync('genisoimage', ['-o', iso, ...IRONIC_GENISOIMAGE_FLAGS, join(dir, 'tree')]);
    return gzipSync(readFileSync(iso)).toString('base64');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('a gzip+base64 ISO config drive in a real Ironic', () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const drive = {
    meta_data: {
      uuid: '6f0d3e0a-8d1c-4a54-9f0e-2a7c1b3d4e5f',
      name: 'drive-twin',
      hostname: 'twin.example',
      public_keys: { ops: 'ssh-ed25519 AAAAC3Nza twin' },
    },
    user_data: '#cloud-config\nruncmd: [[touch, /twin]]\n',
    network_data: staticNetwork('10.20.30.40', '52:54:00:00:00:40'),
  };
  let server: RunningServer;

  beforeAll(async () => {
    setShowInstanceSecrets(noauth.policyFile, true);
    await Promise.all([
      admin.createActiveNode(
        { name: `it-${run}-iso-drive` },
        { configdrive: ironicStyleConfigDrive(drive), instanceInfo: { fixed_ips: ['127.0.0.50'] } },
      ),
      admin.createActiveNode({ name: `it-${run}-json-drive` }, { configdrive: drive, instanceInfo: { fixed_ips: ['127.0.0.51'] } }),
    ]);
    // Two workers: the syncer reads the drives from Ironic and hands them, as stored, to the other.
    server = await startMetadataServer({ IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent', WORKERS: '2' });
  });
  afterAll(async () => {
    await server?.stop();
    setShowInstanceSecrets(noauth.policyFile, false);
  });

  it.each([
    'openstack/latest/meta_data.json',
    'openstack/latest/user_data',
    'openstack/latest/network_data.json',
    'openstack/latest/vendor_data2.json',
    'latest/user-data',
    'latest/meta-data/hostname',
    'latest/meta-data/public-keys/0/openssh-key',
  ])('serves %s exactly as for the same drive stored as JSON', async (path) => {
    const [fromIso, fromJson] = await Promise.all(['127.0.0.50', '127.0.0.51'].map((ip) => httpFrom(ip, `${server.url}/${path}`)));
    expect(fromIso.status).toBe(200);
    const comparable = (text: string) => (path.endsWith('meta_data.json') ? { ...JSON.parse(text), random_seed: undefined } : text);
    expect(comparable(fromIso.text)).toEqual(comparable(fromJson.text));
    expect(fromIso.headers['content-type']).toBe(fromJson.headers['content-type']);
  });

  it('reads the ISO drive for real (its hostname, not the node name)', async () => {
    expect((await httpFrom('127.0.0.50', `${server.url}/latest/meta-data/hostname`)).text).toBe('twin.example');
  });
});

describe("Nova's password at the instance's scope in a real Ironic", () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const uuids: Record<string, string> = {};
  let server: RunningServer;
  // Each instance has its instance_uuid, as Nova and metalsmith set it (the config drive, masked
  // without show_instance_secrets, cannot name it here).
  const instanceUuid = (key: string) => `00000000-0000-4000-8000-${run}${key.padStart(6, '0')}`;
  const password = (ip: string, body?: string) =>
    httpFrom(ip, `${server.url}/openstack/latest/password`, body === undefined ? {} : { method: 'POST', body });
  async function deployInstance(uuid: string, key: string, ip: string): Promise<void> {
    await admin.client.patchNode(uuid, [{ op: 'add', path: '/instance_uuid', value: instanceUuid(key) }]);
    await admin.deploy(uuid, { configdrive: { meta_data: { hostname: key } }, instanceInfo: { fixed_ips: [ip] } });
  }
  /** Tear-down as Ironic does it (instance_info and instance_uuid emptied, extra kept), then the next instance. */
  async function redeploy(uuid: string, key: string, ip: string): Promise<void> {
    await admin.setProvisionState(uuid, 'deleted', 'available');
    expect(await admin.client.getNode(uuid, ['instance_info', 'instance_uuid'])).toMatchObject({ instance_info: {}, instance_uuid: null });
    await deployInstance(uuid, key, ip);
    await eventually(
      async () => JSON.parse((await httpFrom(ip, `${server.url}/openstack/latest/meta_data.json`)).text).uuid === instanceUuid(key),
    );
  }

  beforeAll(async () => {
    // show_instance_secrets stays off (Ironic's default): the stored password must still be readable.
    uuids['fresh'] = await admin.createNode({ name: `it-${run}-password` });
    await deployInstance(uuids['fresh'], 'a1', '127.0.0.52');
    // A password an earlier version of the service kept in extra, which outlives the instance.
    uuids['legacy'] = await admin.createNode({ name: `it-${run}-legacy-password`, extra: { metadata_password: 'LEGACY-OF-A2' } });
    await deployInstance(uuids['legacy'], 'a2', '127.0.0.54');
    server = await startMetadataServer({
      IRONIC_URL: noauth.url,
      LEASE_FILE: '/nonexistent',
      METADATA_PASSWORD_WRITE: 'true',
      SYNC_INTERVAL_SECONDS: '1',
    });
  });
  afterAll(() => server?.stop());

  it('is POSTed once by the instance, kept in its instance_info (not masked by Ironic), and served back', async () => {
    expect((await password('127.0.0.52', 'c2VjcmV0LWVuY3J5cHRlZA==')).status).toBe(200);
    expect((await password('127.0.0.52')).text).toBe('c2VjcmV0LWVuY3J5cHRlZA==');
    const node = await admin.client.getNode(uuids['fresh'], ['instance_info', 'extra']);
    expect(node.instance_info).toMatchObject({ metadata_encrypted_pw: 'c2VjcmV0LWVuY3J5cHRlZA==' });
    expect(node.extra).toEqual({});
    expect((await password('127.0.0.52', 'again')).status).toBe(409);
  });

  it('dies with the instance: after tear-down and a new deploy, GET is empty and the new POST is stored', async () => {
    await redeploy(uuids['fresh'], 'b1', '127.0.0.52');
    const empty = await password('127.0.0.52');
    expect({ status: empty.status, text: empty.text }).toEqual({ status: 200, text: '' });
    expect((await password('127.0.0.52', 'bmV3LWluc3RhbmNl')).status).toBe(200);
    expect((await password('127.0.0.52')).text).toBe('bmV3LWluc3RhbmNl');
  });

  it("moves an earlier version's password from extra to the instance first seen with it, and never serves it to the next", async () => {
    await eventually(
      async () =>
        (await admin.client.getNode(uuids['legacy'], ['instance_info'])).instance_info['metadata_encrypted_pw'] === 'LEGACY-OF-A2',
    );
    expect((await admin.client.getNode(uuids['legacy'], ['extra'])).extra).toEqual({});
    expect((await password('127.0.0.54')).text).toBe('LEGACY-OF-A2');
    await redeploy(uuids['legacy'], 'b2', '127.0.0.54');
    expect((await password('127.0.0.54')).text).toBe('');
    expect((await password('127.0.0.54', 'QjItT1dO')).status).toBe(200);
  });
});

/** Waits until `check` holds, for at most 15 s (the service notices a redeploy at its next sync). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error('the condition did not hold within 15 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('a masked config drive under http_basic', () => {
  const { basic } = suiteIronics();
  const admin = new IronicTestAdmin(basic);
  let server: RunningServer;
  let uuid: string;

  beforeAll(async () => {
    uuid = await admin.createActiveNode(
      { name: `it-${run}-masked` },
      {
        configdrive: { meta_data: { hostname: 'from-the-drive' }, user_data: 'drive user data' },
        instanceInfo: { fixed_ips: ['127.0.0.47'] },
      },
    );
    server = await startMetadataServer({
      IRONIC_URL: basic.url,
      OS_AUTH_TYPE: 'http_basic',
      OS_USERNAME: basic.username,
      OS_PASSWORD: basic.password,
    });
  });
  afterAll(() => server?.stop());

  it("falls back to the node's dynamic data and says once how to grant show_instance_secrets", async () => {
    const answer = await httpFrom('127.0.0.47', `${server.url}/openstack/latest/meta_data.json`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ uuid, hostname: `it-${run}-masked` });
    expect((await httpFrom('127.0.0.47', `${server.url}/openstack/latest/user_data`)).status).toBe(404);
    const warnings = server
      .logs()
      .split('\n')
      .filter((line) => line.includes('show_instance_secrets'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('[oslo_policy]policy_file');
  });

  it('refuses to start talking to Ironic with wrong credentials, saying so', async () => {
    const wrong = await startMetadataServer({
      IRONIC_URL: basic.url,
      OS_AUTH_TYPE: 'http_basic',
      OS_USERNAME: basic.username,
      OS_PASSWORD: 'wrong',
    });
    try {
      const answer = await httpFrom('127.0.0.47', `${wrong.url}/openstack/latest/meta_data.json`);
      expect(answer.status).toBe(503);
      expect(answer.headers['retry-after']).toBeDefined();
      const failure = wrong
        .logs()
        .split('\n')
        .find((line) => line.includes('cannot load nodes; not ready'));
      expect(failure).toContain('answered 401');
      expect(failure).toContain('check OS_USERNAME and OS_PASSWORD');
    } finally {
      await wrong.stop();
    }
  });
});
