import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setShowInstanceSecrets } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';
import { freePort, runToExit, WORKSPACE } from './support/processes';

// The built CLI as an operator runs it: a subprocess, its stdout, stderr and exit code. Against the
// example inventory (nodes on 127.0.0.11-15) and against the suite's real Ironic (nodes on 127.0.0.6x).
const CLI = join(WORKSPACE, 'dist/apps/cli/main.js');
const INVENTORY = join(WORKSPACE, 'apps/metadata-server/example/inventory.json');
const run = randomBytes(3).toString('hex');
const mac = (last: string) => `52:54:${run.match(/../g)?.join(':')}:${last}`;
const scratch = mkdtempSync(join(tmpdir(), 'it-cli-'));
const NO_LEASES = join(scratch, 'no-such.leases');
/** A lease file with no lease, so that lookups do not meet the machine's own. */
const EMPTY_LEASES = join(scratch, 'empty.leases');
writeFileSync(EMPTY_LEASES, '');

/** The CLI with only the variables given (plus PATH), so the developer's environment does not leak in. */
const cli = (args: string[], env: Record<string, string> = {}) =>
  runToExit(process.execPath, [CLI, ...args], { env: { PATH: process.env['PATH'], ...env }, timeoutMs: 30_000 });
const checksOf = (stdout: string): Record<string, { status: string; detail: string; fix?: string; data?: Record<string, unknown> }> =>
  Object.fromEntries(JSON.parse(stdout).checks.map((check: { id: string }) => [check.id, check]));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the CLI in a pipe', () => {
  it('stops quietly with exit 0 when the reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [CLI, 'settings'], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the CLI writes a byte: its first write meets EPIPE, as after `head` has its lines.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
  });
});

describe('the CLI against the example inventory', () => {
  const inventory = ['--inventory', INVENTORY];

  it('looks up an address: the node, the method and the trace, and exits 1 for a node without an instance', async () => {
    const [found, ineligible, json] = await Promise.all([
      cli(['lookup', '127.0.0.11', ...inventory, '--leases', EMPTY_LEASES]),
      cli(['lookup', '127.0.0.14', ...inventory, '--leases', EMPTY_LEASES]),
      cli(['lookup', '127.0.0.13', ...inventory, '--leases', EMPTY_LEASES, '--json']),
    ]);
    expect(found).toMatchObject({ code: 0, stderr: '' });
    expect(found.stdout).toContain(
      '127.0.0.11 is node 1be26c0b-03f2-4d2e-ae87-c02d7f33c123 (compute-r01-u05), matched by configdrive_network_data',
    );
    expect(found.stdout).toMatch(/configdrive_network_data\s+matched\s+127\.0\.0\.11 is in the config drive network_data/);
    expect(found.stdout).not.toContain('\u001b[');
    expect(ineligible.code).toBe(1);
    expect(ineligible.stdout).toContain('provision state: available (not served');
    expect(JSON.parse(json.stdout)).toMatchObject({ found: true, method: 'fixed_ips', node: { name: 'storage-r02-u11', served: true } });
  });

  it('renders exactly what the server answers: body bytes on stdout, status and headers on stderr', async () => {
    const [ipv4, userData, missing, json] = await Promise.all([
      cli(['render', '127.0.0.12', 'latest/meta-data/local-ipv4', ...inventory]),
      cli(['render', '127.0.0.11', 'openstack/latest/user_data', ...inventory]),
      cli(['render', '127.0.0.99', 'openstack/latest/meta_data.json', ...inventory]),
      cli(['render', '127.0.0.15', '/openstack/latest/network_data.json', ...inventory, '--json']),
    ]);
    expect(ipv4).toMatchObject({ code: 0, stdout: '127.0.0.12' });
    expect(ipv4.stderr).toMatch(
      /^HTTP 200 OK\ncontent-type: text\/plain.*\nnote: answered as node .* \(compute-r01-u07\), matched by fixed_ips\n/,
    );
    expect(userData.stdout).toBe('#cloud-config\npackages:\n  - nginx\nruncmd:\n  - [systemctl, enable, --now, nginx]\n');
    expect(missing).toMatchObject({ code: 1, stdout: 'Not found: no node matches 127.0.0.99\n' });
    expect(missing.stderr).toMatch(/^HTTP 404 Not Found\n/);
    const answer = JSON.parse(json.stdout);
    expect(answer).toMatchObject({ status: 200, headers: { 'content-type': expect.stringContaining('text/plain') } });
    expect(JSON.parse(answer.body).links).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'bond' })]));
  });

  it('lists leases with their expiry, every malformed line with its number, and exits 1 for those', async () => {
    const file = join(scratch, 'malformed.leases');
    const now = Math.floor(Date.now() / 1000);
    writeFileSync(
      file,
      `${now + 7530} 52:54:00:aa:bb:01 127.0.0.13 web-1 *\n0 52:54:00:aa:bb:02 127.0.0.15 * *\nthis is not a lease\n${now - 200} 52:54:00:aa:bb:03 127.0.0.16 * *\n`,
    );
    const [table, json, missing] = await Promise.all([
      cli(['leases', file]),
      cli(['leases', file, '--json']),
      cli(['leases'], { LEASE_FILE: NO_LEASES }),
    ]);
    expect(table.code).toBe(1);
    expect(table.stdout).toContain('3 leases, 2 live, 1 expired, 1 malformed line');
    expect(table.stdout).toMatch(/127\.0\.0\.13\s+52:54:00:aa:bb:01\s+web-1\s+in 2h 5m\s+live/);
    expect(table.stdout).toMatch(/127\.0\.0\.16\s+52:54:00:aa:bb:03\s+expired 3m 2\ds ago\s+expired/);
    expect(table.stdout).toContain('line 3: expected the expiry as Unix seconds, found "this"');
    expect(JSON.parse(json.stdout)).toMatchObject({
      malformed: [{ line: 3, text: 'this is not a lease' }],
      leases: [{ ip: '127.0.0.13' }, { expiresAt: null }, { expired: true }],
    });
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe(
      `ironic-metadata: ${NO_LEASES}: no such lease file; pass dnsmasq's lease file (its --dhcp-leasefile) as the argument, or set LEASE_FILE\n`,
    );
  });

  it('builds a config drive from a tree and decodes it back, from the file or from a node', async () => {
    const tree = join(scratch, 'drive');
    mkdirSync(join(tree, 'openstack/latest'), { recursive: true });
    writeFileSync(join(tree, 'openstack/latest/meta_data.json'), JSON.stringify({ uuid: 'u-1', hostname: 'built' }));
    writeFileSync(join(tree, 'openstack/latest/user_data'), '#!/bin/sh\necho built\n');
    const out = join(scratch, 'drive.b64');
    const built = await cli(['configdrive', 'build', tree, '-o', out]);
    expect(built).toMatchObject({
      code: 0,
      stderr: expect.stringMatching(/^wrote .*drive\.b64: base64 of a gzipped ISO 9660 image, \d+ bytes, 2 files\n$/),
    });
    expect(readFileSync(out, 'utf8')).toMatch(/^H4sI[A-Za-z0-9+/=]+$/);

    const [summary, userData, node, masked] = await Promise.all([
      cli(['configdrive', 'decode', out]),
      cli(['configdrive', 'decode', out, '--file', 'openstack/latest/user_data']),
      cli(['configdrive', 'decode', 'compute-r01-u05', ...inventory, '--json']),
      (async () => {
        writeFileSync(join(scratch, 'masked.b64'), '******');
        return cli(['configdrive', 'decode', join(scratch, 'masked.b64')]);
      })(),
    ]);
    expect(summary.code).toBe(0);
    expect(summary.stdout).toMatch(/hostname\s+built/);
    expect(summary.stdout).toMatch(/openstack\/latest\/user_data\s+21\n/);
    expect(userData).toMatchObject({ code: 0, stdout: '#!/bin/sh\necho built\n' });
    expect(JSON.parse(node.stdout)).toMatchObject({ form: expect.stringContaining('JSON'), metaData: { hostname: 'web-01.example.net' } });
    expect(masked.code).toBe(1);
    expect(masked.stderr).toContain('show_instance_secrets');
  });

  it('passes the doctor, warning about an absent lease file and a port already taken', async () => {
    // Two ports taken, one for each listener: one port for both is a configuration error of its own.
    const [busy, busyAdmin] = [createServer(), createServer()];
    await Promise.all([busy, busyAdmin].map((server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))));
    const busyPort = (busy.address() as { port: number }).port;
    const busyAdminPort = (busyAdmin.address() as { port: number }).port;
    try {
      const [free, taken, text] = await Promise.all([
        cli(['doctor', ...inventory, '--json'], {
          BIND_ADDR: '127.0.0.1',
          BIND_PORT: String(await freePort()),
          ADMIN_BIND_PORT: String(await freePort()),
          LEASE_FILE: NO_LEASES,
        }),
        cli(['doctor', ...inventory, '--json'], {
          BIND_ADDR: '127.0.0.1',
          BIND_PORT: String(busyPort),
          ADMIN_BIND_PORT: String(busyAdminPort),
          LEASE_FILE: NO_LEASES,
        }),
        cli(['doctor', ...inventory], { BIND_ADDR: '127.0.0.1', BIND_PORT: String(busyPort), LEASE_FILE: NO_LEASES }),
      ]);
      expect(free.code).toBe(0);
      expect(checksOf(free.stdout)).toMatchObject({
        inventory: { status: 'pass' },
        discoverable: { status: 'pass', detail: '4 of 4 active nodes can be found: configdrive_network_data 1, fixed_ips 3' },
        'lease-file': { status: 'warn' },
        bind: { status: 'pass' },
        'admin-bind': { status: 'pass' },
      });
      expect(taken.code).toBe(0);
      expect(checksOf(taken.stdout)['bind']).toMatchObject({
        status: 'warn',
        detail: expect.stringContaining('something already listens'),
      });
      expect(checksOf(taken.stdout)['admin-bind']).toMatchObject({
        status: 'warn',
        fix: expect.stringContaining('or set ADMIN_BIND_PORT'),
      });
      expect(text.stdout).toMatch(/WARN\s+bind address usable\s+something already listens on 127\.0\.0\.1:\d+.*\n\s+fix: /);
    } finally {
      busy.close();
      busyAdmin.close();
    }
  });

  it('refuses a bad address, a lease file it cannot read and an output path it cannot write: one line naming it, exit 2', async () => {
    const drive = join(scratch, 'small.json');
    writeFileSync(drive, JSON.stringify({ meta_data: { uuid: 'u-3' } }));
    const outcomes = await Promise.all([
      cli(['lookup', 'not-an-ip', ...inventory]),
      cli(['lookup', '999.1.1.1', ...inventory]),
      cli(['render', 'not-an-ip', '--all', ...inventory]),
      cli(['lookup', '127.0.0.99', ...inventory, '--leases', scratch]),
      cli(['lookup', '127.0.0.99', ...inventory, '--leases', NO_LEASES]),
      cli(['configdrive', 'build', drive, '-o', join(scratch, 'nodir/e.iso'), '--raw']),
      cli(['configdrive', 'build', drive, '-o', scratch]),
    ]);
    expect(outcomes.map(({ code, stdout, stderr }) => ({ code, stdout, stderr }))).toEqual([
      ...['not-an-ip', '999.1.1.1', 'not-an-ip'].map((ip) => ({
        code: 2,
        stdout: '',
        stderr: `ironic-metadata: <ip> "${ip}" is not an IPv4 or IPv6 address; give the address a node asks from, e.g. 10.1.105.195 or fe80::5054:ff:fe12:3456%eth0\n`,
      })),
      {
        code: 2,
        stdout: '',
        stderr: `ironic-metadata: the lease file ${scratch} is a directory, not a file; point --leases at dnsmasq's lease file (its --dhcp-leasefile), readable by this user\n`,
      },
      {
        code: 2,
        stdout: '',
        stderr: `ironic-metadata: the lease file ${NO_LEASES} does not exist; point --leases at dnsmasq's lease file (its --dhcp-leasefile), readable by this user\n`,
      },
      {
        code: 2,
        stdout: '',
        stderr: `ironic-metadata: cannot write ${join(scratch, 'nodir/e.iso')}: the directory ${join(scratch, 'nodir')} does not exist; create it (mkdir -p ${join(scratch, 'nodir')}) or give -o a file in an existing directory\n`,
      },
      {
        code: 2,
        stdout: '',
        stderr: `ironic-metadata: cannot write ${scratch}: it is a directory; give -o the path of a file to write in it\n`,
      },
    ]);
  });

  it('exits 2 for usage and configuration errors, and documents every command with an example', async () => {
    const [unknownCommand, unknownOption, missingArgument, badVariable, help, renderHelp] = await Promise.all([
      cli(['frobnicate']),
      cli(['lookup', '127.0.0.11', '--frob']),
      cli(['render', '127.0.0.11']),
      cli(['lookup', '127.0.0.11'], { BIND_PORT: 'eighty' }),
      cli(['--help']),
      cli(['render', '--help']),
    ]);
    expect(unknownCommand).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown command 'frobnicate'") });
    expect(unknownOption).toMatchObject({ code: 2, stderr: expect.stringContaining("unknown option '--frob'") });
    expect(missingArgument).toMatchObject({ code: 2, stderr: expect.stringContaining("missing required argument 'path'") });
    expect(badVariable).toMatchObject({
      code: 2,
      stderr: 'ironic-metadata: invalid configuration: BIND_PORT: expected a whole number from 0 to 65535, got "eighty"\n',
    });
    expect(help.code).toBe(0);
    for (const command of ['lookup', 'render', 'leases', 'configdrive', 'doctor']) expect(help.stdout).toContain(command);
    expect(renderHelp.stdout).toContain('Examples:\n  ironic-metadata render');
    expect(renderHelp.stdout).toContain('Exit codes: 0 the answer is 2xx');
  });
});

describe('the CLI against an Ironic that does not answer', () => {
  it('says so in one line naming the URL and the fix: exit 1, and a failed doctor item', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const env = { IRONIC_URL: url, BIND_ADDR: '127.0.0.1', BIND_PORT: '0', LEASE_FILE: NO_LEASES };
    const [lookup, render, doctor] = await Promise.all([
      cli(['lookup', '127.0.0.60'], env),
      cli(['render', '127.0.0.60', 'openstack/latest/meta_data.json'], env),
      cli(['doctor', '--json'], env),
    ]);
    for (const exit of [lookup, render]) {
      expect(exit).toMatchObject({ code: 1, stdout: '' });
      expect(exit.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          new RegExp(
            `^ironic-metadata: cannot reach Ironic at ${url} \\(ECONNREFUSED.*\\): start Ironic, set IRONIC_URL to its API, or pass --inventory FILE$`,
          ),
        ),
      ]);
    }
    expect(doctor.code).toBe(1);
    expect(checksOf(doctor.stdout)).toMatchObject({
      config: { status: 'pass' },
      'ironic-reachable': { status: 'fail', detail: expect.stringContaining(url), fix: expect.stringContaining('IRONIC_URL') },
      'ironic-auth': { status: 'skip' },
      'show-instance-secrets': { status: 'skip' },
      bind: { status: 'pass' },
    });
  });
});

describe('the CLI against a real Ironic', () => {
  const { noauth, basic } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const name = `it-${run}-cli`;
  const userData = `#cloud-config\nhostname: ${name}\n`;
  const leaseFile = join(scratch, 'ironic.leases');
  const env = { IRONIC_URL: noauth.url, LEASE_FILE: leaseFile, BIND_ADDR: '127.0.0.1', BIND_PORT: '0' };
  let uuid: string;

  beforeAll(async () => {
    setShowInstanceSecrets(noauth.policyFile, false);
    writeFileSync(leaseFile, `0 ${mac('62')} 127.0.0.62 * *\nnot a lease\n`);
    uuid = await admin.createNode({ name });
    await admin.createPort(uuid, mac('62'));
    await admin.deploy(uuid, {
      configdrive: { meta_data: { hostname: name }, user_data: userData },
      instanceInfo: { fixed_ips: [{ ip_address: '127.0.0.61' }] },
    });
  });
  afterAll(() => setShowInstanceSecrets(noauth.policyFile, false));

  it('finds the node by fixed_ips and by its DHCP lease, and says its config drive is masked', async () => {
    const [fixed, leased] = await Promise.all([cli(['lookup', '127.0.0.61'], env), cli(['lookup', '127.0.0.62', '--json'], env)]);
    expect(fixed.code).toBe(0);
    expect(fixed.stdout).toContain(`127.0.0.61 is node ${uuid} (${name}), matched by fixed_ips`);
    expect(fixed.stdout).toContain('config drive: not used: the config drive is masked as "******"');
    expect(JSON.parse(leased.stdout)).toMatchObject({ found: true, method: 'dhcp_lease', node: { uuid } });
  });

  it('doctors the fleet: masked config drives fail with the policy fix, and pass once show_instance_secrets is granted', async () => {
    const masked = await cli(['doctor', '--json'], env);
    expect(masked.code).toBe(1);
    const before = checksOf(masked.stdout);
    expect(before).toMatchObject({
      'ironic-reachable': { status: 'pass', detail: `Ironic at ${noauth.url} answers` },
      'ironic-api-version': { status: 'pass' },
      'ironic-auth': { status: 'pass', detail: expect.stringContaining('without credentials') },
      'show-instance-secrets': {
        status: 'fail',
        fix: expect.stringContaining('"show_instance_secrets": "@"'),
        data: { masked: expect.arrayContaining([{ uuid, name }]) },
      },
      'lease-file': { status: 'warn', detail: expect.stringContaining('1 malformed line ignored (line 2)') },
    });
    expect(before['discoverable'].data?.['nodes']).toEqual(expect.arrayContaining([{ uuid, name, ip: '127.0.0.61', method: 'fixed_ips' }]));
    const refused = await cli(['configdrive', 'decode', name], env);
    expect(refused).toMatchObject({
      code: 1,
      stderr: expect.stringContaining(
        'show_instance_secrets is granted (add "show_instance_secrets": "@" to the file named by [oslo_policy]policy_file)',
      ),
    });

    setShowInstanceSecrets(noauth.policyFile, true);
    try {
      const [granted, drive, rendered] = await Promise.all([
        cli(['doctor', '--json'], env),
        cli(['configdrive', 'decode', name, '--file', 'openstack/latest/user_data'], env),
        cli(['render', '127.0.0.61', 'openstack/latest/user_data'], env),
      ]);
      const after = checksOf(granted.stdout);
      expect(after['show-instance-secrets']).toMatchObject({
        status: 'pass',
        detail: expect.stringContaining('show_instance_secrets is granted'),
      });
      // Other test files' nodes share this Ironic: the exit code follows whatever else the report found.
      expect(granted.code).toBe(JSON.parse(granted.stdout).ok ? 0 : 1);
      expect(drive).toMatchObject({ code: 0, stdout: userData });
      expect(rendered).toMatchObject({ code: 0, stdout: userData });
    } finally {
      setShowInstanceSecrets(noauth.policyFile, false);
    }
  });

  it('fails the doctor and the lookup on credentials Ironic refuses, naming what to check', async () => {
    const wrong = {
      IRONIC_URL: basic.url,
      OS_AUTH_TYPE: 'http_basic',
      OS_USERNAME: basic.username,
      OS_PASSWORD: 'wrong',
      LEASE_FILE: NO_LEASES,
      BIND_ADDR: '127.0.0.1',
      BIND_PORT: '0',
    };
    const [doctor, lookup] = await Promise.all([cli(['doctor', '--json'], wrong), cli(['lookup', '127.0.0.61'], wrong)]);
    expect(doctor.code).toBe(1);
    expect(checksOf(doctor.stdout)).toMatchObject({
      'ironic-reachable': { status: 'pass' },
      'ironic-auth': {
        status: 'fail',
        detail: expect.stringContaining('answered 401'),
        fix: expect.stringContaining('OS_USERNAME and OS_PASSWORD'),
      },
    });
    expect(lookup.code).toBe(1);
    expect(lookup.stderr).toMatch(/^ironic-metadata: cannot load nodes from Ironic at .*answered 401.*\n$/);
  });
});
