import type { BootingNode } from './load/load-run';
import type { HttpTarget } from './load/http-connection';
import { recordCrawl, type RecordedCrawl } from './load/record-crawl';
import type { BenchOptions } from './options';
import { measureColdStart } from './phases/cold-start';
import { measureLoad, type LoadFigures } from './phases/measure-load';
import type { ChildHandle } from './processes/child-process';
import { startFloorServer } from './processes/floor-server';
import { freePort } from './processes/free-port';
import { startNginx } from './processes/nginx';
import { processFamily, readMemory, sampleRss } from './processes/proc-stats';
import { startSimulator, statsDelta, type SimulatorHandle } from './processes/simulator';
import type { BenchReport, PacedFigures, StormFigures } from './report/bench-report';
import { describeCode, describeMachine } from './report/environment';
import { checkTargets } from './report/targets';
import type { Workspace } from './workspace';

export interface BenchmarkRun {
  options: BenchOptions;
  workspace: Workspace;
  /** A line of progress, for the operator watching a run of several minutes. */
  progress(line: string): void;
}

const COLD_START_TIMEOUT_SECONDS = 300;

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
    const booting: BootingNode[] = nodes.slice(0, options.boots).map(({ address, instanceUuid }) => ({ address, instanceUuid }));
    progress('cold start: starting the metadata server and waiting until it serves the last node');
    const cold = await measureColdStart({
      sim,
      serverMain: options.server,
      port: await freePort(),
      adminPort: await freePort(),
      probeAddress: nodes[nodes.length - 1].address,
      cpuProfileDir: options.cpuProfileDir,
      serverNodeOptions: options.serverNodeOptions,
      serverEnv: options.serverEnv,
      timeoutSeconds: COLD_START_TIMEOUT_SECONDS,
    });
    const { recorded, storm, paced } = await measureStorm(options, sim, cold.server, cold.target, booting, nodes[0].address, progress);
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
  target: HttpTarget,
  booting: BootingNode[],
  recordedAddress: string,
  progress: (line: string) => void,
): Promise<{ recorded: RecordedCrawl; storm: StormFigures; paced: PacedFigures | null }> {
  try {
    const recorded = await recordCrawl(target, recordedAddress);
    progress(`storm: ${booting.length} boots of ${recorded.paths.length} requests, ${options.clients} at a time`);
    const before = await sim.stats();
    const rss = sampleRss(server.pid, 1000);
    const figures = await measureLoad(loadPlan(options, target, booting, true), () => [server.pid]);
    const rssEverySecondMiB = rss.stop();
    // Killed for memory (a heap limit, the OOM killer) or crashed: say so rather than fail to read its /proc.
    if (server.hasExited()) throw new Error(`the metadata server exited during the storm (exit code ${await server.exited}); its last lines:\n${server.logTail()}`);
    const served = statsDelta(before, await sim.stats());
    const storm = { ...figures, peakRssMiB: readMemory(server.pid).peakRssMiB, rssEverySecondMiB, ironicRequests: served.total, ironicRequestsByRoute: served.byRoute };
    const paced = options.skipPaced ? null : await measurePaced(options, target, booting, storm, recorded.paths.length, server, progress);
    return { recorded, storm, paced };
  } finally {
    await server.stop();
  }
}

/**
 * The same boots in open loop at a share of the storm's rate: the latency a node sees when the service
 * is not saturated (in the closed-loop storm, latency is mostly the queue of the other clients).
 */
async function measurePaced(
  options: BenchOptions,
  target: HttpTarget,
  booting: BootingNode[],
  storm: StormFigures,
  requestsPerBoot: number,
  server: ChildHandle,
  progress: (line: string) => void,
): Promise<PacedFigures> {
  const bootsPerSecond = (storm.requestsPerSecond * options.pacedShare) / requestsPerBoot;
  const nodes = booting.slice(0, Math.max(1, Math.round(bootsPerSecond * options.pacedSeconds)));
  progress(`paced: ${nodes.length} boots at ${bootsPerSecond.toFixed(1)} a second (${options.pacedShare} of the storm's rate), at most ${options.clients} at a time`);
  const figures = await measureLoad({ ...loadPlan(options, target, nodes, true), bootsPerSecond }, () => [server.pid]);
  return { ...figures, share: options.pacedShare, bootsPerSecond };
}

function loadPlan(options: BenchOptions, target: HttpTarget, nodes: readonly BootingNode[], verifyIdentity: boolean) {
  return { target, nodes, concurrency: options.clients, maxSeconds: options.maxSeconds, keepAlive: options.keepAlive, verifyIdentity };
}

/** The same storm against nginx serving the recorded answers: it cannot tell nodes apart, so identities are not checked. */
async function measureCeiling(options: BenchOptions, recorded: RecordedCrawl, booting: BootingNode[], progress: (line: string) => void): Promise<LoadFigures> {
  progress(`ceiling: the same storm against nginx (${options.nginxWorkers} workers) serving the recorded answers`);
  const nginx = await startNginx(recorded.responses, options.nginxWorkers);
  try {
    return await measureLoad(loadPlan(options, { host: '127.0.0.1', port: nginx.port }, booting, false), () => processFamily(nginx.child.pid));
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
    const plan = { ...loadPlan(options, { host: '127.0.0.1', port: floor.port }, booting, false), concurrency: options.floorClients, maxSeconds: options.floorSeconds };
    // The simulator works as hard as the floor server here: both are the floor's cost.
    return await measureLoad(plan, () => [floor.child.pid, sim.child.pid]);
  } finally {
    await floor.stop();
  }
}
