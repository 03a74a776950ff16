import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { request } from 'node:http';
import { httpFrom } from './support/http-from';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { WORKSPACE } from './support/processes';

// WORKERS=2 against the Ironic simulator: one process syncs, two serve on the one port.
const SIM_MAIN = join(WORKSPACE, 'dist/tools/ironic-sim/main.js');
const SYNC_SECONDS = 2;

interface Sim {
  url: string;
  child: ChildProcess;
  nodeScans(): Promise<number>;
  nodes(): Promise<{ uuid: string; address: string; instanceUuid: string }[]>;
}

async function startSim(nodes: number): Promise<Sim> {
  const child = spawn(process.execPath, [SIM_MAIN, '--nodes', String(nodes)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((candidate) => candidate.startsWith('{'));
      if (line && out.includes('\n')) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`ironic-sim exited with ${code}`)));
  });
  const get = async <T>(path: string) => (await (await fetch(`${url}${path}`)).json()) as T;
  return {
    url,
    child,
    // The service's scan and full listing both page through GET /v1/nodes.
    nodeScans: async () => (await get<{ byRoute: Record<string, number> }>('/__sim/stats')).byRoute['GET /v1/nodes'] ?? 0,
    nodes: () => get('/__sim/nodes'),
  };
}

/** The worker processes: the primary's children. */
function workerPids(primary: number): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(primary);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const readyz = async (server: RunningServer) =>
  (await (await fetch(`${server.adminUrl}/readyz`)).json()) as { ready: boolean; workers?: { serving: number; wanted: number } };

/** The server's workers once worker `killed` is replaced: `count` of them, all serving. */
const untilReplaced = (server: RunningServer, killed: number, count: number) =>
  until(`worker ${killed} not replaced`, async () => {
    const pids = workerPids(server.process.pid ?? 0);
    return pids.length === count && !pids.includes(killed) && (await readyz(server)).workers?.serving === count ? pids : undefined;
  });

/** The simulator with 20 nodes, and the built server over it with `env` (WORKERS among it). */
async function startCluster(env: Record<string, string>) {
  const sim = await startSim(20);
  const nodes = await sim.nodes();
  const server = await startMetadataServer({ IRONIC_URL: sim.url, SYNC_INTERVAL_SECONDS: String(SYNC_SECONDS), LOG_LEVEL: 'info', ...env });
  return { sim, nodes, server };
}

describe('WORKERS=2: two workers on one port, one sync for the service', () => {
  let sim: Sim;
  let server: RunningServer;
  let nodes: { uuid: string; address: string; instanceUuid: string }[];

  beforeAll(async () => {
    // An empty malloc setting (a blank line of an env file), which glibc would read as 0: replaced.
    ({ sim, nodes, server } = await startCluster({ WORKERS: '2', IMDS_TOKEN_REQUIRED: 'true', MALLOC_MMAP_THRESHOLD_: '' }));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    sim?.child.kill('SIGTERM');
  });

  it('answers every node, with tokens and metrics for the whole service', async () => {
    expect(await readyz(server)).toMatchObject({ ready: true, workers: { serving: 2, wanted: 2 } });
    // glibc's mmap threshold fixed for the processes that hold the nodes.
    expect(workerPids(server.process.pid ?? 0).map((pid) => workerEnv(pid, 'MALLOC_MMAP_THRESHOLD_'))).toEqual(['131072', '131072']);
    for (const node of nodes.slice(0, 8)) {
      const answer = await httpFrom(node.address, `${server.url}/openstack/latest/meta_data.json`);
      expect(answer.status).toBe(200);
      // The simulator's drives carry no uuid: the service names the instance by its node's (as Ironic writes drives) or instance_uuid.
      expect([node.uuid, node.instanceUuid]).toContain(JSON.parse(answer.text).uuid);
      // From the config drive, which a worker has only if the syncer sent it as stored.
      expect((await httpFrom(node.address, `${server.url}/openstack/latest/user_data`)).status).toBe(200);
    }
    const token = (
      await httpFrom(nodes[0].address, `${server.url}/latest/api/token`, {
        method: 'PUT',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
      })
    ).text;
    const statuses = [];
    for (let i = 0; i < 6; i++)
      statuses.push(
        (await httpFrom(nodes[0].address, `${server.url}/latest/meta-data/instance-id`, { headers: { 'x-aws-ec2-metadata-token': token } }))
          .status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    const metrics = await (await fetch(`${server.adminUrl}/metrics`)).text();
    expect(metrics).toMatch(/^metadata_requests_total\{family="openstack",status="200"\} 16$/m);
    expect(metrics.match(/^metadata_event_loop_delay_p99_seconds\{process="(primary|worker \d+)"\} /gm)).toHaveLength(3);
  });

  it('asks Ironic for one scan per sync interval, however many workers', async () => {
    const before = await sim.nodeScans();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 4.5 * SYNC_SECONDS * 1000));
    const intervals = (Date.now() - started) / (SYNC_SECONDS * 1000);
    const scans = (await sim.nodeScans()) - before;
    // 20 nodes: a scan is one page. Each worker syncing for itself would make twice as many.
    expect(scans).toBeGreaterThanOrEqual(Math.floor(intervals) - 1);
    expect(scans).toBeLessThanOrEqual(Math.ceil(intervals));
  }, 30_000);

  it('replaces a worker that dies, keeps answering meanwhile, and its replacements verify the IMDSv2 tokens the dead issued', async () => {
    const token = (
      await httpFrom(nodes[1].address, `${server.url}/latest/api/token`, {
        method: 'PUT',
        headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60' },
      })
    ).text;
    const [victim, survivor] = workerPids(server.process.pid ?? 0);
    process.kill(victim, 'SIGKILL');
    // A connection the worker accepted in its last instant dies with it; after that, none may be lost.
    await until('the killed worker still there', async () => (workerPids(server.process.pid ?? 0).includes(victim) ? undefined : true));
    const statuses = new Set<number>();
    for (let i = 0; i < 20; i++) statuses.add((await httpFrom(nodes[1].address, `${server.url}/openstack/latest/meta_data.json`)).status);
    expect([...statuses]).toEqual([200]);
    const replaced = await untilReplaced(server, victim, 2);
    expect(replaced).toContain(survivor);
    // Now the other one: every process serving was started after the token was issued.
    process.kill(survivor, 'SIGKILL');
    await untilReplaced(server, survivor, 2);
    const answer = await httpFrom(nodes[1].address, `${server.url}/latest/meta-data/instance-id`, {
      headers: { 'x-aws-ec2-metadata-token': token },
    });
    expect(answer.status).toBe(200);
    // One of the two was the worker that syncs: the other workers' inventory came through it.
    const stopped = server
      .logs()
      .split('\n')
      .filter((line) => line.includes('a worker stopped; starting another'))
      .map((line) => (JSON.parse(line) as { role: string }).role);
    expect(stopped.sort()).toEqual(['relay', 'syncer']);
  }, 60_000);

  it('answers /metrics and /readyz without waiting for a worker that dies while asked', async () => {
    const [victim] = workerPids(server.process.pid ?? 0);
    // Stopped, it cannot answer; killed while the primary waits, it never will.
    process.kill(victim, 'SIGSTOP');
    const started = performance.now();
    const timed = async (path: string) => {
      const response = await fetch(`${server.adminUrl}${path}`);
      return { status: response.status, text: await response.text(), ms: performance.now() - started };
    };
    const [scrape, ready] = [timed('/metrics'), timed('/readyz')];
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(victim, 'SIGKILL');
    const answers = { scrape: await scrape, ready: await ready };
    // Replaced before anything is checked: the tests after this one need both workers serving.
    await untilReplaced(server, victim, 2);
    expect(answers.scrape).toMatchObject({
      status: 200,
      text: expect.stringMatching(/^metadata_event_loop_delay_p99_seconds\{process="primary"\} /m),
    });
    expect(answers.ready).toMatchObject({ status: 200, text: expect.stringContaining('"ready":true') });
    // Before, they waited the worker's full 2 s and 1 s from the start.
    expect(answers.scrape.ms).toBeLessThan(1800);
    expect(answers.ready.ms).toBeLessThan(900);
  }, 30_000);

  it('after its syncing worker was replaced, still one scan per sync interval, and /readyz says how fresh the new one is', async () => {
    const before = await sim.nodeScans();
    const started = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 2.5 * SYNC_SECONDS * 1000));
    const intervals = (Date.now() - started) / (SYNC_SECONDS * 1000);
    expect((await sim.nodeScans()) - before).toBeLessThanOrEqual(Math.ceil(intervals));
    const status = (await (await fetch(`${server.adminUrl}/readyz`)).json()) as { ready: boolean; nodes: number; ageSeconds: number };
    expect(status).toMatchObject({ ready: true, nodes: 20 });
    expect(status.ageSeconds).toBeLessThan(SYNC_SECONDS + 1);
    for (const node of nodes.slice(10, 14))
      expect((await httpFrom(node.address, `${server.url}/openstack/latest/meta_data.json`)).status).toBe(200);
  }, 30_000);

  it('SIGTERM lets the workers finish a request in flight, then stops every process', async () => {
    await expectDrained(server, nodes[2].address, (primary) => process.kill(primary, 'SIGTERM'));
    // Told by the primary, each worker drained, and the primary says so.
    expect(server.logs().match(/a worker finished its requests in flight and stopped/g)).toHaveLength(2);
  }, 30_000);
});

describe('WORKERS=2 stopped as systemd stops a unit by default (KillMode=control-group)', () => {
  const cluster = clusterForBlock({ WORKERS: '2' });

  it('SIGTERM to every process, then the one the primary passes on, and the primary told twice: a request in flight is still answered', async () => {
    await expectDrained(cluster.server, cluster.nodes[2].address, (primary, workers) => {
      // The workers first, and the primary once they have begun to drain: its SIGTERM is then their second.
      for (const pid of workers) process.kill(pid, 'SIGTERM');
      setTimeout(() => process.kill(primary, 'SIGTERM'), 200);
      setTimeout(() => process.kill(primary, 'SIGTERM'), 250);
    });
  }, 30_000);
});

describe('WORKERS=2 whose worker is killed while it drains', () => {
  const cluster = clusterForBlock({ WORKERS: '2' });

  it('says it cut a request off, where its exit code alone would say nothing', async () => {
    const { server } = cluster;
    const primary = server.process.pid ?? 0;
    const closed = new Promise<number | null>((resolve) => server.process.once('close', resolve));
    const post = halfPost(server, cluster.nodes[3].address);
    await new Promise((resolve) => setTimeout(resolve, 300));
    process.kill(primary, 'SIGTERM');
    await until('the primary passing the stop on', async () => (server.logs().includes('SIGTERM: the workers') ? true : undefined));
    // Listed again: the idle worker may have drained and gone, its pid free for another process.
    for (const pid of workerPids(primary)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // The idle worker drained and is gone already.
      }
    }
    await expect(post.answered).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await closed).toBe(0);
    expect(server.logs()).toMatch(/"message":"a worker stopped before it finished its requests in flight[^"]*"[^\n]*"signal":"SIGKILL"/);
  }, 30_000);
});

/** A cluster of its own for the describe block this is called in: started before its tests, stopped after them. */
function clusterForBlock(env: Record<string, string>): { sim: Sim; server: RunningServer; nodes: Awaited<ReturnType<Sim['nodes']>> } {
  const cluster = {} as ReturnType<typeof clusterForBlock>;
  beforeAll(async () => {
    Object.assign(cluster, await startCluster(env));
  }, 60_000);
  afterAll(async () => {
    await cluster.server?.stop();
    cluster.sim?.child.kill('SIGTERM');
  });
  return cluster;
}

/**
 * A POST from `address` whose body has not all arrived yet: the worker holding it drains until it
 * has (`finish` sends the rest). `answered` is its status, or the error of a connection cut off.
 */
function halfPost(server: RunningServer, address: string): { answered: Promise<number>; finish(): void } {
  let finish: () => void = () => undefined;
  const answered = new Promise<number>((resolve, reject) => {
    const req = request(
      `${server.url}/openstack/latest/password`,
      { method: 'POST', localAddress: address, headers: { 'content-length': '8' } },
      (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      },
    );
    req.on('error', reject);
    req.write('half');
    finish = () => req.end('done');
  });
  return { answered, finish };
}

/**
 * Starts a {@link halfPost} from `address`, stops the service with `stop`, then sends the rest: the
 * request is answered, the primary exits 0, no worker is left, and none was cut off.
 */
async function expectDrained(server: RunningServer, address: string, stop: (primary: number, workers: number[]) => void): Promise<void> {
  const primary = server.process.pid ?? 0;
  const workers = workerPids(primary);
  // 'close': the process has exited and its output is all read.
  const closed = new Promise<number | null>((resolve) => server.process.once('close', resolve));
  const post = halfPost(server, address);
  setTimeout(() => {
    stop(primary, workers);
    setTimeout(() => post.finish(), 500);
  }, 300);
  expect(await post.answered).toBe(403); // METADATA_PASSWORD_WRITE is off: an answer, not a reset
  expect(await closed).toBe(0);
  expect(workers.filter((pid) => readdirSync('/proc').includes(String(pid)))).toEqual([]);
  // No worker was cut off: the primary's exit code alone would not tell.
  expect(server.logs()).not.toContain('a worker stopped before it finished');
}

/** A variable of the environment the primary gave a worker. */
function workerEnv(pid: number, name: string): string | undefined {
  const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  return environ.find((entry) => entry.startsWith(`${name}=`))?.slice(name.length + 1);
}

/** The worker's role as the primary gave it. */
const roleOf = (pid: number) => workerEnv(pid, 'IRONIC_METADATA_WORKER_ROLE');

describe('WORKERS=3: a relay started after the fleet was sent', () => {
  let sim: Sim;
  let server: RunningServer;
  let nodes: { uuid: string; address: string; instanceUuid: string }[];

  beforeAll(async () => {
    // An operator's own malloc setting, which the primary leaves as it is.
    ({ sim, nodes, server } = await startCluster({ WORKERS: '3', MALLOC_MMAP_THRESHOLD_: '262144' }));
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    sim?.child.kill('SIGTERM');
  });

  it('gets the whole inventory with every config drive as stored, and serves every node alone', async () => {
    const primary = server.process.pid ?? 0;
    const before = workerPids(primary);
    expect(before.map((pid) => workerEnv(pid, 'MALLOC_MMAP_THRESHOLD_'))).toEqual(['262144', '262144', '262144']);
    const victim = before.find((pid) => roleOf(pid) === 'relay') ?? 0;
    process.kill(victim, 'SIGKILL');
    const after = await untilReplaced(server, victim, 3);
    const late = after.find((pid) => !before.includes(pid)) ?? 0;
    // Only the late relay accepts connections while the others are stopped (they share one listening socket).
    const others = after.filter((pid) => pid !== late);
    others.forEach((pid) => process.kill(pid, 'SIGSTOP'));
    try {
      for (const node of nodes) {
        expect((await httpFrom(node.address, `${server.url}/openstack/latest/meta_data.json`)).status).toBe(200);
        expect((await httpFrom(node.address, `${server.url}/openstack/latest/user_data`)).status).toBe(200);
      }
    } finally {
      others.forEach((pid) => process.kill(pid, 'SIGCONT'));
    }
  }, 60_000);

  it('stays ready while its syncing worker is replaced: the relays serve a usable index meanwhile', async () => {
    const primary = server.process.pid ?? 0;
    const syncer = workerPids(primary).find((pid) => roleOf(pid) === 'syncer') ?? 0;
    process.kill(syncer, 'SIGKILL');
    const seen: boolean[] = [];
    const deadline = Date.now() + 3000;
    while (Date.now() < deadline) {
      seen.push((await readyz(server)).ready);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(seen.filter((ready) => !ready)).toEqual([]);
    await until('no new syncer serving', async () => {
      const pids = workerPids(primary);
      return pids.some((pid) => pid !== syncer && roleOf(pid) === 'syncer') && (await readyz(server)).workers?.serving === 3
        ? true
        : undefined;
    });
    for (const node of nodes.slice(0, 5))
      expect((await httpFrom(node.address, `${server.url}/openstack/latest/user_data`)).status).toBe(200);
  }, 60_000);
});
