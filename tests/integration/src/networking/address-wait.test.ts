import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { SERVER_MAIN } from '../support/metadata-server';
import { waitForOutput, WORKSPACE } from '../support/processes';
import { curlIn } from './support/http-in-namespace';
import { cleanEnv, NetworkLab } from './support/network-lab';
import { writeInventory, type TestNode } from './support/test-inventory';

const LLA = 'fe80::a9fe:a9fe';
const NODE_IP = '10.200.51.10';

/** The built server in `ns`, not waited for: the test adds its addresses while it starts. */
function spawnServer(
  ns: string,
  env: Record<string, string>,
): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  // One process, so that its own last line is the listener's message.
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, SERVER_MAIN], {
    cwd: WORKSPACE,
    env: cleanEnv({ WORKERS: '1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('the listeners wait for addresses added after the service starts (as Docker adds them)', () => {
  let lab: NetworkLab;
  let svc: string;
  let node: string;
  let nodes: TestNode[];
  let env: Record<string, string>;

  beforeAll(async () => {
    lab = await NetworkLab.create('dp');
    svc = await lab.namespace('svc');
    node = await lab.namespace('node');
    await lab.link({ ns: svc, iface: 'eth0', addresses: ['10.200.51.1/24'] }, { ns: node, iface: 'eth0', addresses: [`${NODE_IP}/24`] });
    await lab.route(node, '169.254.169.254/32', 'dev', 'eth0');
    // Duplicate address detection made slow and certain (3 probes a second apart), so that the service
    // is sure to meet the address while it is tentative.
    for (const setting of ['net.ipv6.conf.eth0.dad_transmits=3', 'net.ipv6.neigh.eth0.retrans_time_ms=1000']) {
      await lab.must('ip', ['netns', 'exec', svc, 'sysctl', '-qw', setting]);
    }
    const inventory = join(lab.dir, 'inventory.json');
    nodes = writeInventory(inventory, [{ name: 'dp-node', ip: NODE_IP }]);
    env = {
      INVENTORY_FILE: inventory,
      BIND_ADDR: `169.254.169.254,${LLA}%eth0`,
      BIND_PORT: '80',
      ADMIN_BIND_PORT: '9100',
      LOG_LEVEL: 'info',
    };
  });
  afterAll(() => lab?.destroy());

  // Two workers: the primary waits, so that no worker retries (node:cluster would then give a worker
  // that retried a socket of its own, EADDRINUSE, and replace it again and again).
  it.each([
    ['one process', '1'],
    ['a cluster of two workers', '2'],
  ])('%s serves both addresses once they are added and DAD has finished, having logged each retry', async (_, workers) => {
    const server = spawnServer(svc, { ...env, BIND_WAIT_SECONDS: '20', WORKERS: workers });
    try {
      await waitForOutput(server.child, /is on no interface yet; retrying/, 15_000);
      const added = Date.now();
      await lab.must('ip', ['-n', svc, 'addr', 'add', '169.254.169.254/32', 'dev', 'eth0']);
      await lab.must('ip', ['-n', svc, '-6', 'addr', 'add', `${LLA}/64`, 'dev', 'eth0']);
      await waitForOutput(server.child, /serving metadata/, 15_000).catch((error: Error) => {
        throw new Error(`${error.message}\n${server.output()}`);
      });
      const waited = Date.now() - added;
      process.stdout.write(`address-wait: served ${waited} ms after the addresses were added (3 DAD probes)\n`);
      expect(waited).toBeGreaterThan(2_000); // three DAD probes, a second apart
      const retries = server
        .output()
        .split('\n')
        .filter((line) => line.includes('retrying in'));
      expect(
        retries.some(
          (line) => line.includes(`${LLA}%eth0 is tentative (IPv6 duplicate address detection)`) && line.includes(`${LLA}/64 (tentative)`),
        ),
      ).toBe(true);
      expect(retries.find((line) => line.includes('on no interface yet'))).toContain(
        '"interfaces":"lo: 127.0.0.1/8 ::1/128; eth0: 10.200.51.1/24 fe80::',
      );

      const v4 = await curlIn(lab, node, 'http://169.254.169.254/openstack/latest/meta_data.json');
      expect(v4.status).toBe(200);
      expect(JSON.parse(v4.body).uuid).toBe(nodes[0].instanceUuid);
      const v6 = await curlIn(lab, node, `http://[${LLA}%eth0]/openstack`);
      expect(v6.status).toBe(200);
      if (workers !== '1') {
        // A worker started after the others had retried: it binds the one shared socket too.
        const [worker] = (await lab.must('pgrep', ['-P', String(server.child.pid)])).trim().split('\n');
        process.kill(Number(worker), 'SIGKILL');
        await waitForOutput(server.child, /a worker stopped; starting another/, 5_000);
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        expect((await curlIn(lab, node, `http://[${LLA}%eth0]/openstack`)).status).toBe(200);
      }
      expect(server.output()).not.toMatch(/cannot listen/);
    } finally {
      server.child.kill('SIGTERM');
      await server.exited;
      await lab.must('ip', ['-n', svc, 'addr', 'flush', 'dev', 'eth0', 'to', '169.254.169.254/32']);
      await lab.must('ip', ['-n', svc, '-6', 'addr', 'del', `${LLA}/64`, 'dev', 'eth0']);
    }
  });

  it('gives up after BIND_WAIT_SECONDS with a command that, run as printed, makes the address', async () => {
    const server = spawnServer(svc, { ...env, BIND_ADDR: `${LLA}%eth0`, BIND_WAIT_SECONDS: '1' });
    expect(await server.exited).toBe(1);
    const message = server.output().trim().split('\n').pop() ?? '';
    expect(message).toMatch(
      new RegExp(
        `^ironic-metadata: cannot listen on \\[${LLA}%eth0\\]:80: EADDRNOTAVAIL after \\d+ attempts in 1 s: ${LLA}%eth0 is on no interface of this host \\(eth0: 10\\.200\\.51\\.1/24 fe80::\\S+/64\\): add it \\(ip -6 addr add ${LLA}/64 dev eth0\\) or change BIND_ADDR$`,
      ),
    );
    const command = /add it \((ip [^)]+)\)/.exec(message)?.[1] ?? '';
    const ran = await lab.exec(svc, 'sh', ['-c', command]);
    expect(ran).toMatchObject({ code: 0, stderr: '' });
    expect(await lab.holds(svc, LLA)).toBe(true);
  });
});
