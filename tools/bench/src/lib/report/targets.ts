import type { BenchReport, TargetCheck } from './bench-report';

/** Ironic's `[api]max_limit`: the service's scan pages are this long. */
const PAGE_SIZE = 1000;

/** Requests of one paged scan of `nodes` nodes: a full last page is followed by an empty one. */
export function scanPages(nodes: number): number {
  return Math.floor(nodes / PAGE_SIZE) + 1;
}

/**
 * Scans a service syncing every `intervalSeconds` may begin within `seconds`, at most one per interval
 * begun (each sync is due an interval after the last load ended): three in 64 s at 30 s.
 */
export function scansWithin(seconds: number, intervalSeconds: number): number {
  return Math.floor(seconds / intervalSeconds) + 1;
}

function check(name: string, value: number | null, unit: string, limit: string, met: (value: number) => boolean): TargetCheck {
  return { name, value, unit, limit, met: value === null ? null : met(value) };
}

/** Issues 6 and 16's targets (set for 10,000 nodes, 256 clients and two workers on 2 cores; 100,000 nodes for the larger fleet), checked against this run. */
export function checkTargets(report: Omit<BenchReport, 'targets'>): TargetCheck[] {
  const pages = scanPages(report.parameters.nodes);
  const scans = scansWithin(report.storm.ironicSeconds, report.storm.syncIntervalSeconds);
  const large = report.parameters.nodes >= 100_000;
  const at256 = report.keepAlive?.ratios.find((ratio) => ratio.connections === 256) ?? null;
  const service256 = report.keepAlive?.service.find((figures) => figures.connections === 256) ?? null;
  return [
    check('requests/s, as a share of nginx', report.ratios.vsNginx, '', '>= 0.5', (ratio) => ratio >= 0.5),
    check('keep-alive requests/s at 256 connections, as a share of nginx', at256?.vsNginx ?? null, '', '>= 0.5', (ratio) => ratio >= 0.5),
    check(
      'keep-alive requests/s at 256 connections, as a share of bare node:http',
      at256?.vsBareNode ?? null,
      '',
      '>= 0.7',
      (ratio) => ratio >= 0.7,
    ),
    check('keep-alive p99 at 256 connections', service256?.latencyMs.p99 ?? null, 'ms', '< 10 ms', (ms) => ms < 10),
    check('paced p99', report.paced?.latencyMs.p99 ?? null, 'ms', '< 10 ms', (ms) => ms < 10),
    check(
      'slowest paced request, a sync running',
      report.paced && report.paced.syncs > 0 ? report.paced.latencyMs.max : null,
      'ms',
      '< 50 ms',
      (ms) => ms < 50,
    ),
    check('p99 latency in the storm', report.storm.latencyMs.p99, 'ms', '< 10 ms', (ms) => ms < 10),
    check(
      `index of ${report.parameters.nodes} nodes built`,
      report.coldStart.seconds,
      's',
      large ? '< 15 s' : '< 10 s',
      (seconds) => seconds < (large ? 15 : 10),
    ),
    // The service's memory at its peak lies between these two: the PSS sum counts the pages its
    // processes share once but is sampled, the VmHWM sum counts them once per process and adds up
    // peaks that need not coincide.
    check('peak RSS', report.storm.peakRssMiB, 'MiB', large ? '< 1024 MiB' : '< 400 MiB', (mib) => mib < (large ? 1024 : 400)),
    check('peak PSS', report.storm.peakPssMiB, 'MiB', large ? '< 1024 MiB' : '< 400 MiB', (mib) => mib < (large ? 1024 : 400)),
    check(
      'Ironic requests during the storm',
      report.storm.ironicRequests,
      '',
      `<= ${pages * scans} (${scans === 1 ? 'one scan' : `${scans} scans`}, one per ${report.storm.syncIntervalSeconds} s)`,
      (requests) => requests <= pages * scans,
    ),
    check('Ironic requests per sync', report.storm.ironicRequestsPerSync, '', `<= ${pages} (one scan)`, (requests) => requests <= pages),
    check('errors in the storm', report.storm.errors, '', '0', (errors) => errors === 0),
  ];
}
