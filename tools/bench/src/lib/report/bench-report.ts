import type { BenchOptions } from '../options';
import type { ColdStartFigures } from '../phases/cold-start';
import type { LoadFigures } from '../phases/measure-load';

export interface StormFigures extends LoadFigures {
  /** The server's highest resident set size since it started (VmHWM), index loading included. */
  peakRssMiB: number;
  /** The server's resident set size, sampled every second of the storm. */
  rssEverySecondMiB: number[];
  /** Requests the simulated Ironic served while the storm ran. */
  ironicRequests: number;
  ironicRequestsByRoute: Record<string, number>;
}

export interface PacedFigures extends LoadFigures {
  /** The share of the storm's requests a second the boots were paced at. */
  share: number;
  bootsPerSecond: number;
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
  ratios: { vsNginx: number | null; vsFloor: number | null };
  targets: TargetCheck[];
}
