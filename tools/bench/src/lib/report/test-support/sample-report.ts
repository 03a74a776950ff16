import type { KeepAliveFigures } from '../../phases/keep-alive';
import type { LoadFigures } from '../../phases/measure-load';
import type { BenchReport } from '../bench-report';
import { checkTargets } from '../targets';

function load(requestsPerSecond: number, p99: number): LoadFigures {
  return {
    requests: requestsPerSecond * 10,
    errors: 0,
    errorSamples: {},
    bootsCompleted: 100,
    cutShort: false,
    lateStarts: 0,
    seconds: 10,
    requestsPerSecond,
    latencyMs: { p50: p99 / 4, p90: p99 / 2, p99, p999: p99 * 2, max: p99 * 3, mean: p99 / 3 },
    latencyCurve: [
      [0, p99 / 10],
      [50, p99 / 4],
      [99, p99],
      [100, p99 * 3],
    ],
    serverCpuPercent: 95,
    clientCpuPercent: 40,
    cpuStallPercent: 12,
  };
}

function keepAlive(connections: number, requestsPerSecond: number, p99: number): KeepAliveFigures {
  return {
    connections,
    seconds: 10,
    requestsPerSecond,
    latencyMs: { p50: p99 / 4, p99, max: p99 * 3 },
    errors: 0,
    serverCpuPercent: 190,
    eventLoopDelayP99Ms: p99 / 2,
    gcPauseMaxMs: p99 / 4,
    gcPauseMaxKind: 'minor',
  };
}

/** A plausible report for a 10,000-node run; `overrides` change the storm. */
export function sampleReport(overrides: Partial<BenchReport['storm']> = {}): BenchReport {
  const partial: Omit<BenchReport, 'targets'> = {
    tool: 'ironic-metadata-bench',
    reportVersion: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    machine: { cpus: 2, cpuModel: 'test', memoryGiB: 24, loadAverageAtStart: [0.5, 0.4, 0.3], node: 'v20.0.0' },
    code: {
      server: 'dist/apps/metadata-server/main.js',
      serverBuiltAt: '2025-01-01T00:00:00.000Z',
      gitCommit: null,
      gitUncommittedChanges: null,
    },
    parameters: {
      nodes: 10_000,
      clients: 256,
      boots: 10_000,
      maxSeconds: 120,
      keepAlive: false,
      skipNginx: false,
      skipPaced: false,
      pacedShare: 0.5,
      pacedSeconds: 15,
      pacedRedeploys: 1,
      nginxWorkers: '2',
      workers: 2,
      skipKeepAlive: false,
      keepAliveSeconds: 10,
      skipFloor: false,
      floorClients: 8,
      floorSeconds: 20,
      server: 'dist/apps/metadata-server/main.js',
      serverEnv: {},
      out: 'x.json',
    },
    sequence: { requestsPerBoot: 38, paths: ['/openstack'] },
    coldStart: { seconds: 4.5, ironicRequests: 35, ironicRequestsByRoute: { 'GET /v1/nodes': 11 }, rssMiB: 340, peakRssMiB: 350 },
    storm: {
      ...load(3000, 250),
      peakRssMiB: 820,
      peakPssMiB: 700,
      rssEverySecondMiB: [350, 800],
      ironicRequests: 23,
      ironicSeconds: 10.5,
      ironicRequestsByRoute: { 'GET /v1/nodes': 11 },
      syncs: 1,
      ironicRequestsPerSync: 23,
      syncIntervalSeconds: 30,
      eventLoopDelayP99Ms: 12,
      gcPauseMaxMs: 9,
      gcPauseMaxKind: 'major',
      ...overrides,
    },
    paced: { ...load(1500, 4), share: 0.5, bootsPerSecond: 39.5, syncs: 1, redeployed: 15 },
    ceiling: load(10_000, 90),
    floor: load(1.5, 6000),
    keepAlive: {
      path: '/openstack/2018-08-27/meta_data.json',
      workers: 2,
      service: [keepAlive(64, 30_000, 4), keepAlive(256, 31_000, 20)],
      bareNode: [keepAlive(64, 60_000, 2), keepAlive(256, 62_000, 9)],
      nginx: [keepAlive(64, 120_000, 1), keepAlive(256, 130_000, 4)],
      ratios: [
        { connections: 64, vsNginx: 0.25, vsBareNode: 0.5 },
        { connections: 256, vsNginx: 31 / 130, vsBareNode: 0.5 },
      ],
    },
    ratios: { vsNginx: 0.3, vsFloor: 2000 },
  };
  return { ...partial, targets: checkTargets(partial) };
}
