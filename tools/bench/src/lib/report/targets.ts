import type { BenchReport, TargetCheck } from './bench-report';

/** Ironic's `[api]max_limit`: the service's scan pages are this long. */
const PAGE_SIZE = 1000;

/** Requests of one paged scan of `nodes` nodes: a full last page is followed by an empty one. */
export function scanPages(nodes: number): number {
  return Math.floor(nodes / PAGE_SIZE) + 1;
}

function check(name: string, value: number | null, unit: string, limit: string, met: (value: number) => boolean): TargetCheck {
  return { name, value, unit, limit, met: value === null ? null : met(value) };
}

/** Issue 6's targets (set for 10,000 nodes and 256 clients on 2 cores), checked against this run. */
export function checkTargets(report: Omit<BenchReport, 'targets'>): TargetCheck[] {
  const pages = scanPages(report.parameters.nodes);
  return [
    check('requests/s, as a share of nginx', report.ratios.vsNginx, '', '>= 0.5', (ratio) => ratio >= 0.5),
    check('p99 latency in the storm', report.storm.latencyMs.p99, 'ms', '< 10 ms', (ms) => ms < 10),
    check(`index of ${report.parameters.nodes} nodes built`, report.coldStart.seconds, 's', '< 10 s', (seconds) => seconds < 10),
    check('peak RSS', report.storm.peakRssMiB, 'MiB', '< 300 MiB', (mib) => mib < 300),
    check('Ironic requests during the storm', report.storm.ironicRequests, '', `<= ${pages} (one scan)`, (requests) => requests <= pages),
    check('errors in the storm', report.storm.errors, '', '0', (errors) => errors === 0),
  ];
}
