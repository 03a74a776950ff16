import type { BenchOptions } from '../options';
import type { ColdStartFigures } from '../phases/cold-start';
import type { KeepAliveFigures } from '../phases/keep-alive';
import type { LoadFigures } from '../phases/measure-load';
import type { Stalls } from '../processes/metadata-server';

/** The storm, with the service's stalls over it (Stalls). */
export interface StormFigures extends LoadFigures, Stalls {
  /**
   * The server's highest resident set size since it started (VmHWM), index loading included; for a
   * cluster, its processes' peaks summed (an upper bound: they need not peak at once).
   */
  peakRssMiB: number;
  /**
   * The highest PSS of the server's processes summed, sampled every 0.5 s from its start to its stop:
   * what they held at once, pages they share counted once (a lower bound: a shorter peak may be missed).
   */
  peakPssMiB: number;
  /** The server's resident set size (all its processes), sampled every second of the storm. */
  rssEverySecondMiB: number[];
  /** Requests the simulated Ironic served while the storm ran, and any scan under way at its end. */
  ironicRequests: number;
  /** Seconds `ironicRequests` were counted over: the storm's, and the end of that scan. */
  ironicSeconds: number;
  ironicRequestsByRoute: Record<string, number>;
  /** The service's syncs during the storm (its /readyz `loadedAt` moved). */
  syncs: number;
  /** Ironic requests during the storm over its syncs (at least one). */
  ironicRequestsPerSync: number;
  /** The service's SYNC_INTERVAL_SECONDS, as it read its settings: one scan may begin in each. */
  syncIntervalSeconds: number;
}

/** wrk with keep-alive connections on one node's meta_data.json, at each connection count, for each server. */
export interface KeepAlivePhase {
  path: string;
  workers: number;
  service: KeepAliveFigures[];
  bareNode: KeepAliveFigures[];
  nginx: KeepAliveFigures[] | null;
  /** Per connection count: the service's requests/s over nginx's and over the bare node:http server's (same worker count). */
  ratios: { connections: number; vsNginx: number | null; vsBareNode: number }[];
}

/** The paced phase, with the service's stalls over it (Stalls). */
export interface PacedFigures extends LoadFigures, Stalls {
  /** The share of the storm's requests a second the boots were paced at. */
  share: number;
  bootsPerSecond: number;
  /** The service's syncs while the phase ran (its /readyz `loadedAt` moved): its slowest request is then one during a sync. */
  syncs: number;
  /** Nodes the simulator redeployed during the phase (BenchOptions.pacedRedeploys): the syncs then changed them. */
  redeployed: number;
}

/** One target of issue 6, as measured in this run; `met` is null when the figure was not measured. */
export interface TargetCheck {
  name: string;
  value: number | null;
  unit: string;
  limit: string;
  met: boolean | null;
}

/** The JSON the benchmark writes (bench-results/*.json). */
export interface BenchReport {
  tool: 'ironic-metadata-bench';
  reportVersion: 1;
  startedAt: string;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; loadAverageAtStart: number[]; node: string };
  code: { server: string; serverBuiltAt: string; gitCommit: string | null; gitUncommittedChanges: number | null };
  parameters: BenchOptions;
  /** One boot's requests, as recorded from the first node's crawl of the server. */
  sequence: { requestsPerBoot: number; paths: string[] };
  coldStart: ColdStartFigures;
  storm: StormFigures;
  /** The same boots in open loop below saturation; null when skipped. */
  paced: PacedFigures | null;
  /** nginx serving the same answers as static files; null when skipped. */
  ceiling: LoadFigures | null;
  /** The seed's way, a full node listing per request; null when skipped. */
  floor: LoadFigures | null;
  /** Keep-alive throughput and latency against both references; null when skipped. */
  keepAlive: KeepAlivePhase | null;
  ratios: { vsNginx: number | null; vsFloor: number | null };
  targets: TargetCheck[];
}
