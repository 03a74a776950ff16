import { mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { runToExit } from '../support/processes';
import { ADVANCED, runScript, SCRIPTS_DIR, SETUP_NETWORK, VALIDATE } from './support/deploy-scripts';
import { cleanEnv, NetworkLab } from './support/network-lab';

// Every subcommand with the arguments an operator would give, in a namespace with an eth0.
const SUBCOMMANDS: { name: string; args: string[]; debianPackage: string }[] = [
  { name: 'nat-routing', args: ['nat-routing', '10.200.2.10'], debianPackage: 'iptables' },
  { name: 'bgp-bird', args: ['bgp-bird', '10.200.7.2', '65001', '10.200.7.1', '65000'], debianPackage: 'bird2' },
  { name: 'keepalived', args: ['keepalived', 'eth0', '150', 'secret'], debianPackage: 'keepalived' },
  { name: 'haproxy', args: ['haproxy', '10.200.5.11:80,10.200.6.12:80'], debianPackage: 'haproxy' },
];

describe('the deploy scripts change nothing they should not', () => {
  let lab: NetworkLab;
  let host: string;

  beforeAll(async () => {
    lab = await NetworkLab.create();
    host = await lab.namespace('host');
    await lab.must('ip', ['-n', host, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1']);
    await lab.must('ip', ['-n', host, 'addr', 'add', '10.200.2.1/24', 'dev', 'eth0']);
    await lab.must('ip', ['-n', host, 'link', 'set', 'eth0', 'up']);
  });
  afterAll(() => lab?.destroy());

  /** Everything a subcommand could change in the namespace and its directory. */
  const state = async (dir: string) => ({
    firewall: (await lab.must('ip', ['netns', 'exec', host, 'iptables-save'])).replace(/^#.*$/gm, ''),
    addresses: await lab.must('ip', ['-n', host, 'addr']),
    routes: await lab.must('ip', ['-n', host, 'route']),
    sysctls: await lab.must('ip', [
      'netns',
      'exec',
      host,
      'sysctl',
      'net.ipv4.ip_forward',
      'net.ipv4.ip_nonlocal_bind',
      'net.ipv6.ip_nonlocal_bind',
    ]),
    processes: await lab.must('ip', ['netns', 'pids', host]),
    files: readdirSync(dir),
  });

  it.each(SUBCOMMANDS)('$name --dry-run prints the commands and changes nothing', async ({ name, args }) => {
    const dir = join(lab.dir, `dry-run-${name}`);
    mkdirSync(dir);
    const before = await state(dir);
    const result = await runScript(lab, host, ADVANCED, ['--dry-run', '--config-dir', dir, '--run-dir', dir, ...args]);
    expect(result.stderr).not.toMatch(/error/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\+ /m);
    expect(await state(dir)).toEqual(before);
  });

  it.each(SUBCOMMANDS)('$name refuses to run without root, saying so', async ({ args }) => {
    const result = await runScript(lab, host, 'setpriv', [
      '--reuid=nobody',
      '--regid=nogroup',
      '--clear-groups',
      ADVANCED,
      '--config-dir',
      lab.dir,
      ...args,
    ]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/error: must run as root/);
  });

  it.each(SUBCOMMANDS)('$name names the Debian package of a missing tool', async ({ args, debianPackage }) => {
    // Only the tools in /usr/bin, plus ip and sysctl: the daemons and iptables live in /usr/sbin.
    const bin = join(lab.dir, 'bin');
    mkdirSync(bin, { recursive: true });
    for (const tool of ['ip', 'sysctl']) if (!readdirSync(bin).includes(tool)) symlinkSync(`/usr/sbin/${tool}`, join(bin, tool));
    const result = await lab.exec(host, ADVANCED, ['--config-dir', lab.dir, ...args], { env: { PATH: `/usr/bin:${bin}` } });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      new RegExp(`is missing: install the Debian package ${debianPackage} \\(apt-get install ${debianPackage}\\)`),
    );
  });

  it.each([
    [['keepalived', 'eth0', '300'], 'PRIORITY must be a whole number from 1 to 254, got "300"'],
    [['keepalived', 'eth9', '100'], 'no interface "eth9" here'],
    [['keepalived', 'eth0', '100', 'much-too-long'], 'AUTH_PASS is at most 8 characters'],
    [['haproxy', '10.0.0.1'], 'backend "10.0.0.1" is not IP:PORT'],
    [['bgp-bird', '10.0.0.1', 'AS1', '10.0.0.2', '65000'], 'LOCAL_AS must be a whole number from 1 to 4294967295'],
    [['nat-routing', 'service.example'], 'HOST_IP must be an IPv4 address'],
    [['teleport'], 'unknown command "teleport"'],
  ])('refuses %j: %s', async (args, message) => {
    const result = await runScript(lab, host, ADVANCED, ['--config-dir', lab.dir, ...args]);
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(message);
  });

  it('haproxy with IPV6_IFACE also listens on fe80::a9fe:a9fe there, in a configuration haproxy accepts', async () => {
    const dir = join(lab.dir, 'haproxy-ipv6');
    mkdirSync(dir);
    const result = await runScript(lab, host, ADVANCED, ['--dry-run', '--config-dir', dir, '--run-dir', dir, 'haproxy', '10.200.5.11:80'], {
      IPV6_IFACE: 'eth0',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^\+ {2}bind ipv6@fe80::a9fe:a9fe:80 interface eth0$/m);
  });

  it('passes shellcheck', async () => {
    const lib = join(SCRIPTS_DIR, 'lib');
    const scripts = [ADVANCED, VALIDATE, SETUP_NETWORK, ...readdirSync(lib).map((file) => join(lib, file))];
    const result = await runToExit('shellcheck', ['--external-sources', ...scripts], { env: cleanEnv() });
    expect(result.stdout + result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
