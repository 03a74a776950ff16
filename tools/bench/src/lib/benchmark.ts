import { setTimeout as sleep } from 'node:timers/promises';
import type { BootingNode } from './load/load-run';
import type { HttpTarget } from './load/http-connection';
import { recordCrawl, type RecordedCrawl } from './load/record-crawl';
import type { BenchOptions } from './options';
import { measureColdStart } from './phases/cold-start';
import { runWrk, type KeepAliveFigures } from './phases/keep-alive';
import { measureLoad, type LoadFigures } from './phases/measure-load';
import { startBareServer } from './processes/bare-server';
import type { ChildHandle } from './processes/child-process';
import { startFloorServer } from './processes/floor-server';
import { freePort } from './processes/free-port';
import { readReadyz, scrapeStalls, type Stalls } from './processes/metadata-server';
import { startNginx } from './processes/nginx';
import { familyMemory, processFamily, sampleRss } from './processes/proc-stats';
import { startSimulator, statsDelta, type SimStats, type SimulatorHandle } from './processes/simulator';
import type { BenchReport, KeepAlivePhase, PacedFigures, StormFigures } from './report/bench-report';
import { describeCode, describeMachine } from './report/environment';
import { checkTargets } from './report/targets';
import type { Workspace } from './workspace';

export interface BenchmarkRun {
  options: BenchOptions;
  workspace: Workspace;
  /** A line of progress, for the operator watching a run of several minutes. */
  progress(line: string): void;
}

/** Seconds a cold start may take: 300, or 6 ms a node for a larger fleet (600 s at 100,000). */
const coldStartTimeoutSeconds = (nodes: number) => Math.max(300, nodes * 0.006);
/** Keep-alive connection counts: a rack's worth, and the storm's. */
const KEEP_ALIVE_CONNECTIONS = [64, 256];

/**
 * Counts the service's syncs by its /readyz `loadedAt`, which each successful load moves (changed or
 * not), read every `intervalMs` (well below the service's sync interval).
 */
function countSyncs(adminUrl: string, intervalMs: number): { stop(loadedAfter?: number): Promise<number> } {
  const seen = new Set<number>();
  let first: number | undefined;
  let latest = -Infinity;
  const read = async () => {
    const status = await readReadyz(adminUrl);
    if (status.loadedAt === undefined) return;
    first ??= status.loadedAt;
    latest = Math.max(latest, status.loadedAt);
    if (status.loadedAt !== first) seen.add(status.loadedAt);
  };
  const timer = setInterval(() => void read().catch(() => undefined), intervalMs);
  void read().catch(() => undefined);
  return {
    /** The syncs seen; with `loadedAfter` (ms since the epoch), once a load ended after it (10 s at most). */
    stop: async (loadedAfter?: number) => {
      clearInterval(timer);
      const deadline = performance.now() + 10_000;
      for (;;) {
        await read().catch(() => undefined);
        if (loadedAfter === undefined || latest > loadedAfter || performance.now() > deadline) return seen.size;
        await sleep(200);
      }
    },
  };
}

/** How long Ironic must have served nothing new for a scan to count as over (its pages follow each other closely). */
const IRONIC_QUIET_MS = 500;

/**
 * The simulator's counts once a scan that began before now has ended (nothing new served for
 * IRONIC_QUIET_MS, or 30 s at most), and a time before its last request (ms since the epoch) when
 * one was served meanwhile: its load ends after that. Cut off at a phase's end, a scan's pages were
 * counted without its sync: a run showed 12.3 requests per sync for 11 pages a scan.
 */
async function settledStats(sim: SimulatorHandle): Promise<{ stats: SimStats; servedAfter?: number }> {
  const deadline = performance.now() + 30_000;
  let readAt = Date.now();
  let last = await sim.stats();
  let servedAfter: number | undefined;
  for (;;) {
    await sleep(IRONIC_QUIET_MS);
    const before = Date.now();
    const now = await sim.stats();
    if (now.total === last.total || performance.now() > deadline) return { stats: now, servedAfter };
    servedAfter = readAt;
    readAt = before;
    last = now;
  }
}

/**
 * The whole benchmark: the simulator; the server's cold start; one recorded boot; the storm against
 * the server; then the same storm against nginx serving the recorded answers, and a short one against
 * the seed's list-per-request way. Every process it starts is stopped before it returns.
 */
export async function runBenchmark(run: BenchmarkRun): Promise<BenchReport> {
  const { options, workspace, progress } = run;
  const startedAt = new Date().toISOString();
  const machine = describeMachine();
  const code = describeCode(options.server);
  progress(`starting the Ironic simulator with ${options.nodes} nodes`);
  const sim = await startSimulator(workspace.simulatorMain, options.nodes);
  try {
    const nodes = await sim.nodes();
    // The simulator's drives carry no uuid: the service names the instance by its node's uuid, as
    // Ironic writes a drive's meta_data.json.
    const booting: BootingNode[] = nodes.slice(0, options.boots).map(({ address, uuid }) => ({ address, instanceUuid: uuid }));
    progress('cold start: starting the metadata server and waiting until it serves the last node');
    const adminPort = await freePort();
    const cold = await measureColdStart({
      sim,
      serverMain: options.server,
      port: await freePort(),
      adminPort,
      probeAddress: nodes[nodes.length - 1].address,
      cpuProfileDir: options.cpuProfileDir,
      serverNodeOptions: options.serverNodeOptions,
      serverEnv: options.serverEnv,
      workers: options.workers,
      timeoutSeconds: coldStartTimeoutSeconds(options.nodes),
    });
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    const { recorded, storm, paced, service } = await measureStorm(
      options,
      sim,
      cold.server,
      cold.pss,
      cold.target,
      cold.syncIntervalSeconds,
      adminUrl,
      booting,
      nodes[0].address,
      progress,
    );
    const keepAlive = service && (await measureReferences(options, workspace, recorded, service, progress));
    const ceiling = options.skipNginx ? null : await measureCeiling(options, recorded, booting, progress);
    const floor = options.skipFloor ? null : await measureFloor(options, workspace, sim, recorded, booting, progress);
    const partial: Omit<BenchReport, 'targets'> = {
      tool: 'ironic-metadata-bench',
      reportVersion: 1,
      startedAt,
      machine,
      code,
      parameters: options,
      sequence: { requestsPerBoot: recorded.paths.length, paths: recorded.paths },
      coldStart: cold.figures,
      storm,
      paced,
      ceiling,
      floor,
      keepAlive,
      ratios: {
        vsNginx: ceiling && storm.requestsPerSecond / ceiling.requestsPerSecond,
        vsFloor: floor && storm.requestsPerSecond / floor.requestsPerSecond,
      },
    };
    return { ...partial, targets: checkTargets(partial) };
  } finally {
    await sim.child.stop();
  }
}

/** One recorded boot, then the storm, against the server the cold start left running; stops it. */
async function measureStorm(
  options: BenchOptions,
  sim: SimulatorHandle,
  server: ChildHandle,
  pss: { stop(): number },
  target: HttpTarget,
  syncIntervalSeconds: number,
  adminUrl: string,
  booting: BootingNode[],
  recordedAddress: string,
  progress: (line: string) => void,
): Promise<{ recorded: RecordedCrawl; storm: StormFigures; paced: PacedFigures | null; service: KeepAliveFigures[] | null }> {
  const stalls = () => scrapeStalls(adminUrl).catch((): Stalls => ({}));
  try {
    const recorded = await recordCrawl(target, recordedAddress);
    progress(`storm: ${booting.length} boots of ${recorded.paths.length} requests, ${options.clients} at a time`);
    const before = await sim.stats();
    const countedFrom = performance.now();
    const rss = sampleRss(server.pid, 1000);
    const syncs = countSyncs(adminUrl, 1000);
    await stalls();
    const figures = await measureLoad(loadPlan(options, target, booting, true), () => processFamily(server.pid));
    const stormStalls = await stalls();
    const rssEverySecondMiB = rss.stop();
    // Killed for memory (a heap limit, the OOM killer) or crashed: say so rather than fail to read its /proc.
    if (server.hasExited())
      throw new Error(
        `the metadata server exited during the storm (exit code ${await server.exited}); its last lines:\n${server.logTail()}`,
      );
    const settled = await settledStats(sim);
    const served = statsDelta(before, settled.stats);
    const synced = await syncs.stop(settled.servedAfter);
    const storm = {
      ...figures,
      peakRssMiB: familyMemory(server.pid).peakRssMiB,
      peakPssMiB: 0,
      rssEverySecondMiB,
      ironicRequests: served.total,
      ironicRequestsByRoute: served.byRoute,
      syncs: synced,
      ironicRequestsPerSync: served.total / Math.max(1, synced),
      ironicSeconds: (performance.now() - countedFrom) / 1000,
      syncIntervalSeconds,
      ...stormStalls,
    };
    const paced = options.skipPaced
      ? null
      : await measurePaced(options, sim, target, booting, storm, recorded.paths.length, server, stalls, adminUrl, progress);
    const service = options.skipKeepAlive
      ? null
      : await measureKeepAlive(
          'the service',
          options,
          `http://127.0.0.1:${target.port}${keepAlivePath(recorded)}`,
          { 'x-forwarded-for': recordedAddress },
          () => processFamily(server.pid),
          stalls,
          progress,
        );
    storm.peakRssMiB = familyMemory(server.pid).peakRssMiB;
    storm.peakPssMiB = pss.stop();
    return { recorded, storm, paced, service };
  } finally {
    pss.stop();
    await server.stop();
  }
}

/** What wrk asks for: the node's meta_data.json as cloud-init reads it (a new random_seed each time, as Nova's). */
function keepAlivePath(recorded: RecordedCrawl): string {
  return recorded.paths.find((path) => path.endsWith('/meta_data.json')) ?? '/openstack/latest/meta_data.json';
}

/** wrk at each connection count against one server. */
async function measureKeepAlive(
  name: string,
  options: BenchOptions,
  url: string,
  headers: Record<string, string>,
  serverPids: () => number[],
  stalls: (() => Promise<Stalls>) | undefined,
  progress: (line: string) => void,
): Promise<KeepAliveFigures[]> {
  const figures: KeepAliveFigures[] = [];
  for (const connections of KEEP_ALIVE_CONNECTIONS) {
    progress(`keep-alive: wrk, ${connections} connections for ${options.keepAliveSeconds} s against ${name}`);
    figures.push(
      await runWrk({
        url,
        headers,
        connections,
        seconds: options.keepAliveSeconds,
        threads: options.workers,
        serverPids,
        stalls,
      }),
    );
  }
  return figures;
}

/** The same wrk runs against a bare node:http server and nginx, as many processes as the service, sending the recorded bytes. */
async function measureReferences(
  options: BenchOptions,
  workspace: Workspace,
  recorded: RecordedCrawl,
  service: KeepAliveFigures[],
  progress: (line: string) => void,
): Promise<KeepAlivePhase> {
  const path = keepAlivePath(recorded);
  const body = recorded.responses.get(path) ?? Buffer.alloc(0);
  const bare = await startBareServer(workspace.bareServerMain, options.workers, body);
  let bareNode: KeepAliveFigures[];
  try {
    bareNode = await measureKeepAlive(
      `bare node:http (${options.workers} workers)`,
      options,
      `http://127.0.0.1:${bare.port}${path}`,
      {},
      () => processFamily(bare.child.pid),
      undefined,
      progress,
    );
  } finally {
    await bare.stop();
  }
  let nginx: KeepAliveFigures[] | null = null;
  if (!options.skipNginx) {
    const server = await startNginx(recorded.responses, options.nginxWorkers);
    try {
      nginx = await measureKeepAlive(
        `nginx (${options.nginxWorkers} workers)`,
        options,
        `http://127.0.0.1:${server.port}${path}`,
        {},
        () => processFamily(server.child.pid),
        undefined,
        progress,
      );
    } finally {
      await server.stop();
    }
  }
  const ratios = service.map((ours, i) => ({
    connections: ours.connections,
    vsNginx: nginx && ours.requestsPerSecond / nginx[i].requestsPerSecond,
    vsBareNode: ours.requestsPerSecond / bareNode[i].requestsPerSecond,
  }));
  return { path, workers: options.workers, service, bareNode, nginx, ratios };
}

/**
 * The same boots in open loop at a share of the storm's rate: the latency a node sees when the service
 * is not saturated (in the closed-loop storm, latency is mostly the queue of the other clients). Nodes
 * are redeployed meanwhile, as on a busy fleet, and a sync forced halfway picks them up: every sync
 * that changes a node builds a new index, which a quiet sync does not.
 */
async function measurePaced(
  options: BenchOptions,
  sim: SimulatorHandle,
  target: HttpTarget,
  booting: BootingNode[],
  storm: StormFigures,
  requestsPerBoot: number,
  server: ChildHandle,
  stalls: () => Promise<Stalls>,
  adminUrl: string,
  progress: (line: string) => void,
): Promise<PacedFigures> {
  const bootsPerSecond = (storm.requestsPerSecond * options.pacedShare) / requestsPerBoot;
  const nodes = booting.slice(0, Math.max(1, Math.round(bootsPerSecond * options.pacedSeconds)));
  progress(
    `paced: ${nodes.length} boots at ${bootsPerSecond.toFixed(1)} a second (${options.pacedShare} of the storm's rate), at most ${options.clients} at a time`,
  );
  await stalls();
  const syncs = countSyncs(adminUrl, 1000);
  let redeployed = 0;
  let churnFailure: Error | undefined;
  // On SIGHUP the service reads the node source again (its primary tells the syncer): a sync in the
  // phase, sent halfway once a node was redeployed, to a server still running.
  let forcedAt: number | undefined;
  let forceDue = false;
  const force = () => {
    if (forcedAt !== undefined || redeployed === 0 || !forceDue || server.hasExited()) return;
    forcedAt = Date.now();
    process.kill(server.pid, 'SIGHUP');
  };
  const churn =
    options.pacedRedeploys > 0
      ? setInterval(() => {
          sim.redeploy().then(
            () => {
              redeployed++;
              force();
            },
            (error: Error) => (churnFailure ??= error),
          );
        }, 1000 / options.pacedRedeploys)
      : undefined;
  const forced =
    options.pacedRedeploys > 0
      ? setTimeout(
          () => {
            forceDue = true;
            force();
          },
          (options.pacedSeconds * 1000) / 2,
        )
      : undefined;
  try {
    const figures = await measureLoad({ ...loadPlan(options, target, nodes, true), bootsPerSecond }, () => processFamily(server.pid));
    const phaseStalls = await stalls();
    // Counted once the forced sync has ended.
    const synced = await syncs.stop(forcedAt);
    if (churnFailure) throw churnFailure;
    return { ...figures, ...phaseStalls, share: options.pacedShare, bootsPerSecond, syncs: synced, redeployed };
  } finally {
    clearInterval(churn);
    clearTimeout(forced);
  }
}

function loadPlan(options: BenchOptions, target: HttpTarget, nodes: readonly BootingNode[], verifyIdentity: boolean) {
  return { target, nodes, concurrency: options.clients, maxSeconds: options.maxSeconds, keepAlive: options.keepAlive, verifyIdentity };
}

/** The same storm against nginx serving the recorded answers: it cannot tell nodes apart, so identities are not checked. */
async function measureCeiling(
  options: BenchOptions,
  recorded: RecordedCrawl,
  booting: BootingNode[],
  progress: (line: string) => void,
): Promise<LoadFigures> {
  progress(`ceiling: the same storm against nginx (${options.nginxWorkers} workers) serving the recorded answers`);
  const nginx = await startNginx(recorded.responses, options.nginxWorkers);
  try {
    return await measureLoad(loadPlan(options, { host: '127.0.0.1', port: nginx.port }, booting, false), () =>
      processFamily(nginx.child.pid),
    );
  } finally {
    await nginx.stop();
  }
}

/** The seed's way, with its own bounds: each request lists the whole fleet, so few requests are made. */
async function measureFloor(
  options: BenchOptions,
  workspace: Workspace,
  sim: SimulatorHandle,
  recorded: RecordedCrawl,
  booting: BootingNode[],
  progress: (line: string) => void,
): Promise<LoadFigures> {
  progress(`floor: ${options.floorClients} clients for at most ${options.floorSeconds} s against a full listing per request`);
  const floor = await startFloorServer(workspace.floorServerMain, sim.url, recorded.responses);
  try {
    const plan = {
      ...loadPlan(options, { host: '127.0.0.1', port: floor.port }, booting, false),
      concurrency: options.floorClients,
      maxSeconds: options.floorSeconds,
    };
    // The simulator works as hard as the floor server here: both are the floor's cost.
    return await measureLoad(plan, () => [floor.child.pid, sim.child.pid]);
  } finally {
    await floor.stop();
  }
}
