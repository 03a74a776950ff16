import { percentileCurve, summarizeLatencies, type LatencySummary } from '../latency';
import { runLoad, type LoadPlan } from '../load/load-run';
import { cpuSecondsByPid, cpuStallMicroseconds } from '../processes/proc-stats';

export interface LoadFigures {
  requests: number;
  errors: number;
  errorSamples: Record<string, number>;
  bootsCompleted: number;
  /** The time bound ended the phase before every planned boot was done. */
  cutShort: boolean;
  /** Open loop only: boots that started late because as many as the clients were already running. */
  lateStarts: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: LatencySummary;
  /** `[percentile, ms]` pairs for the chart. */
  latencyCurve: [number, number][];
  /** CPU used during the phase, in % of one core (200% = both cores of a 2-core machine). */
  serverCpuPercent: number;
  clientCpuPercent: number;
  /**
   * Share of the phase during which some task on the machine waited for a CPU (Linux PSI "some"),
   * the benchmark's own processes included; null without PSI. High values on an otherwise idle
   * machine mean the cores were saturated; with other work running, the figures are noisier.
   */
  cpuStallPercent: number | null;
}

/**
 * Runs one load phase and measures it: throughput, latency, errors, and how busy the server (the
 * processes `serverProcesses` lists, asked again at the end since nginx may still be forking workers
 * when it starts to accept connections) and this load generator were: which one was the limit.
 */
export async function measureLoad(plan: LoadPlan, serverProcesses: () => number[]): Promise<LoadFigures> {
  const serverCpuBefore = cpuSecondsByPid(serverProcesses());
  const clientCpuBefore = process.cpuUsage();
  const stallBefore = cpuStallMicroseconds();
  const result = await runLoad(plan);
  let serverCpu = 0;
  for (const [pid, seconds] of cpuSecondsByPid(serverProcesses())) serverCpu += seconds - (serverCpuBefore.get(pid) ?? 0);
  const clientCpu = process.cpuUsage(clientCpuBefore);
  const stallAfter = cpuStallMicroseconds();
  const seconds = result.elapsedMs / 1000;
  return {
    requests: result.requests,
    errors: result.errors,
    errorSamples: result.errorSamples,
    bootsCompleted: result.bootsCompleted,
    cutShort: result.cutShort,
    lateStarts: result.lateStarts,
    seconds,
    requestsPerSecond: result.requests / seconds,
    latencyMs: summarizeLatencies(result.latenciesMs),
    latencyCurve: percentileCurve(result.latenciesMs),
    serverCpuPercent: (serverCpu / seconds) * 100,
    clientCpuPercent: ((clientCpu.user + clientCpu.system) / 1e6 / seconds) * 100,
    cpuStallPercent: stallBefore === undefined || stallAfter === undefined ? null : ((stallAfter - stallBefore) / 1e6 / seconds) * 100,
  };
}
