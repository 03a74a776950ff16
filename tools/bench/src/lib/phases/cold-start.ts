import { loadConfig } from '@ironic-metadata/config';
import type { ChildHandle } from '../processes/child-process';
import { ClientSession } from '../load/client-session';
import type { HttpTarget } from '../load/http-connection';
import { familyMemory, samplePeakPss } from '../processes/proc-stats';
import { readReadyz, serverEnvironment, startMetadataServer } from '../processes/metadata-server';
import { statsDelta, type SimulatorHandle } from '../processes/simulator';

export interface ColdStartFigures {
  /** From starting the process until the probing node gets a 200 and every worker serves. */
  seconds: number;
  ironicRequests: number;
  ironicRequestsByRoute: Record<string, number>;
  /** Resident set size once the index is loaded, and its peak so far. */
  rssMiB: number;
  peakRssMiB: number;
}

export interface ColdStartOptions {
  sim: SimulatorHandle;
  serverMain: string;
  port: number;
  adminPort: number;
  /** The node asking until it gets an answer: the fleet's last, so the whole index must be there. */
  probeAddress: string;
  cpuProfileDir?: string;
  serverNodeOptions?: string;
  serverEnv?: Record<string, string>;
  /** Processes serving the nodes (WORKERS). */
  workers: number;
  timeoutSeconds: number;
}

const PROBE_PATH = '/openstack/latest/meta_data.json';
const PROBE_INTERVAL_MS = 20;
/** How often the server's PSS is read, from its start until it is stopped. */
const PSS_INTERVAL_MS = 500;

/**
 * Starts the server and asks, from the last node's address, until it answers 200 and the primary's
 * `/readyz` counts every worker serving: a worker listens only once its first index is loaded (and
 * answers 503 while a failed load is retried), and one worker's answer is not yet the service's, so
 * this is the time until the whole fleet is served by every worker.
 */
export async function measureColdStart(
  options: ColdStartOptions,
): Promise<{ figures: ColdStartFigures; server: ChildHandle; target: HttpTarget; pss: { stop(): number }; syncIntervalSeconds: number }> {
  const target = { host: '127.0.0.1', port: options.port };
  const before = await options.sim.stats();
  const started = performance.now();
  const settings = {
    ironicUrl: options.sim.url,
    port: options.port,
    adminPort: options.adminPort,
    nodeOptions: options.serverNodeOptions,
    env: options.serverEnv,
    workers: options.workers,
  };
  // As the server reads it from the same settings; before it starts, so that a setting it refuses stops the run at once.
  const syncIntervalSeconds = loadConfig(serverEnvironment(settings)).syncIntervalSeconds;
  const server = startMetadataServer({ main: options.serverMain, cpuProfileDir: options.cpuProfileDir, ...settings });
  const pss = samplePeakPss(server.pid, PSS_INTERVAL_MS);
  const probe = new ClientSession(target, options.probeAddress, { keepAlive: false, timeoutMs: 5_000 });
  for (;;) {
    const status = await probe.get(PROBE_PATH).then(
      (result) => result.status,
      () => 0,
    );
    if (status === 200 && (await everyWorkerServes(options.adminPort))) break;
    const failure = server.hasExited()
      ? 'exited'
      : performance.now() - started > options.timeoutSeconds * 1000
        ? `did not serve ${options.probeAddress} within ${options.timeoutSeconds} s (last status ${status || 'none'})`
        : undefined;
    if (failure) {
      pss.stop();
      await server.stop();
      throw new Error(`the metadata server ${failure}:\n${server.logTail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, PROBE_INTERVAL_MS));
  }
  const seconds = (performance.now() - started) / 1000;
  const served = statsDelta(before, await options.sim.stats());
  const memory = familyMemory(server.pid);
  return {
    figures: {
      seconds,
      ironicRequests: served.total,
      ironicRequestsByRoute: served.byRoute,
      rssMiB: memory.rssMiB,
      peakRssMiB: memory.peakRssMiB,
    },
    server,
    target,
    pss,
    syncIntervalSeconds,
  };
}

/** Whether `/readyz` counts every worker serving (a single process says nothing of workers: it serves). */
async function everyWorkerServes(adminPort: number): Promise<boolean> {
  try {
    const { workers } = await readReadyz(`http://127.0.0.1:${adminPort}`);
    return workers === undefined || workers.serving >= workers.wanted;
  } catch {
    return false;
  }
}
