import type { KeepAliveFigures } from '../phases/keep-alive';
import type { LoadFigures } from '../phases/measure-load';
import type { Stalls } from '../processes/metadata-server';
import type { BenchReport, TargetCheck } from './bench-report';

type Row = [figure: string, value: string, target: string, verdict: string];

function fixed(value: number, digits = 1): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function verdict(target: TargetCheck | undefined): string {
  if (!target || target.met === null) return '';
  return target.met ? 'met' : 'MISSED';
}

function loadRows(label: string, figures: LoadFigures, latencyTarget?: TargetCheck): Row[] {
  const { p50, p99, max } = figures.latencyMs;
  const late = figures.lateStarts > 0 ? `, ${figures.lateStarts} started late (all clients busy)` : '';
  const boots = `${figures.bootsCompleted} boots, ${figures.requests.toLocaleString('en-US')} requests in ${fixed(figures.seconds)} s${figures.cutShort ? ' (time bound reached)' : ''}${late}`;
  return [
    [`${label}: requests/s`, fixed(figures.requestsPerSecond, figures.requestsPerSecond < 100 ? 2 : 0), '', boots],
    [
      `${label}: latency p50 / p99 / max`,
      `${fixed(p50, 2)} / ${fixed(p99, 2)} / ${fixed(max, 1)} ms`,
      latencyTarget ? `p99 ${latencyTarget.limit}` : '',
      verdict(latencyTarget),
    ],
    [
      `${label}: CPU server / load client`,
      `${fixed(figures.serverCpuPercent, 0)}% / ${fixed(figures.clientCpuPercent, 0)}%`,
      '',
      `100% = one core${figures.cpuStallPercent === null ? '' : `; tasks waited for a CPU ${fixed(figures.cpuStallPercent, 0)}% of the time`}`,
    ],
  ];
}

/** `longest GC pause 8.0 ms (major)`, or nothing where not measured. */
function gcPause({ gcPauseMaxMs, gcPauseMaxKind }: Stalls): string {
  if (gcPauseMaxMs === undefined) return '';
  return `longest GC pause ${fixed(gcPauseMaxMs, 1)} ms${gcPauseMaxKind ? ` (${gcPauseMaxKind})` : ''}`;
}

/** `12.0 ms`, or undefined where not measured. */
function delayP99({ eventLoopDelayP99Ms }: Stalls): string | undefined {
  return eventLoopDelayP99Ms === undefined ? undefined : `${fixed(eventLoopDelayP99Ms, 1)} ms`;
}

/** `event-loop delay p99 12.0 ms, longest GC pause 8.0 ms (major)`, each where measured. */
function stallNotes(stalls: Stalls): string {
  const delay = delayP99(stalls);
  return [delay === undefined ? '' : `event-loop delay p99 ${delay}`, gcPause(stalls)].filter(Boolean).join(', ');
}

/** The row of a phase's stalls, each the worst process's: the event-loop delay p99 as the figure, the longest GC pause beside it. */
function stallRow(phase: string, stalls: Stalls): Row {
  return [`${phase}: event-loop delay p99 (worst process)`, delayP99(stalls) ?? '-', '', gcPause(stalls)];
}

function keepAliveRow(label: string, figures: KeepAliveFigures, latencyTarget?: TargetCheck): Row {
  const { p50, p99, max } = figures.latencyMs;
  const notes = [
    `${fixed(figures.requestsPerSecond, 0)} requests/s`,
    `CPU ${fixed(figures.serverCpuPercent, 0)}%`,
    stallNotes(figures),
    figures.errors > 0 ? `${figures.errors} errors` : '',
    verdict(latencyTarget),
  ];
  return [
    `${label}, ${figures.connections} conn.: p50 / p99 / max`,
    `${fixed(p50, 2)} / ${fixed(p99, 2)} / ${fixed(max, 1)} ms`,
    latencyTarget ? `p99 ${latencyTarget.limit}` : '',
    notes.filter(Boolean).join(', '),
  ];
}

/** The report as a plain-text table: one figure a line, with its target and whether it was met. */
export function formatTable(report: BenchReport): string {
  const { parameters: p, coldStart, storm, paced, ceiling, floor, ratios } = report;
  const target = (prefix: string) => report.targets.find((candidate) => candidate.name.startsWith(prefix));
  const rows: Row[] = [
    ['figure', 'value', 'target', ''],
    [
      `cold start: index of ${p.nodes} nodes served`,
      `${fixed(coldStart.seconds, 2)} s`,
      target('index')?.limit ?? '',
      verdict(target('index')),
    ],
    [
      'cold start: Ironic requests',
      String(coldStart.ironicRequests),
      '',
      Object.entries(coldStart.ironicRequestsByRoute)
        .map(([route, count]) => `${count} ${route.replace('GET ', '')}`)
        .join(', '),
    ],
    ['cold start: RSS with the index loaded', `${fixed(coldStart.rssMiB, 0)} MiB`, '', ''],
    ...loadRows('storm', storm, target('p99')),
    ['storm: errors', String(storm.errors), '0', verdict(target('errors'))],
    stallRow('storm', storm),
    [
      `service peak RSS (VmHWM of its processes summed, WORKERS=${p.workers})`,
      `${fixed(storm.peakRssMiB, 0)} MiB`,
      target('peak RSS')?.limit ?? '',
      verdict(target('peak RSS')),
    ],
    [
      'service peak PSS (its processes summed, shared pages once; sampled)',
      `${fixed(storm.peakPssMiB, 0)} MiB`,
      target('peak PSS')?.limit ?? '',
      verdict(target('peak PSS')),
    ],
    [
      'storm: Ironic requests',
      String(storm.ironicRequests),
      target('Ironic requests during')?.limit ?? '',
      verdict(target('Ironic requests during')),
    ],
    [
      'storm: Ironic requests per sync',
      fixed(storm.ironicRequestsPerSync, 1),
      target('Ironic requests per')?.limit ?? '',
      `${verdict(target('Ironic requests per'))}${storm.syncs > 0 ? '' : ' (no sync during the storm)'}`.trim(),
    ],
  ];
  if (paced) {
    rows.push(...loadRows(`paced: open loop at ${paced.share} of the storm's rate`, paced, target('paced p99')));
    const duringSync = target('slowest paced request');
    rows.push([
      `paced: slowest request, ${paced.syncs} sync(s) during the phase, ${paced.redeployed} node(s) redeployed`,
      `${fixed(paced.latencyMs.max, 1)} ms`,
      duringSync?.limit ?? '',
      paced.syncs > 0
        ? verdict(duringSync)
        : 'no sync during the phase (with --paced-redeploys 0, --paced-seconds above SYNC_INTERVAL_SECONDS makes sure of one)',
    ]);
    rows.push(stallRow('paced', paced));
  }
  const keepAlive = report.keepAlive;
  if (keepAlive) {
    keepAlive.service.forEach((figures) =>
      rows.push(keepAliveRow('keep-alive: service', figures, figures.connections === 256 ? target('keep-alive p99') : undefined)),
    );
    keepAlive.bareNode.forEach((figures) => rows.push(keepAliveRow(`keep-alive: bare node:http (${keepAlive.workers} workers)`, figures)));
    keepAlive.nginx?.forEach((figures) => rows.push(keepAliveRow(`keep-alive: nginx (${p.nginxWorkers} workers)`, figures)));
    for (const ratio of keepAlive.ratios) {
      const targets = ratio.connections === 256;
      if (ratio.vsNginx !== null) {
        rows.push([
          `keep-alive ${ratio.connections} conn.: service / nginx`,
          fixed(ratio.vsNginx, 2),
          targets ? '>= 0.5' : '',
          targets ? verdict(target('keep-alive requests/s at 256 connections, as a share of nginx')) : '',
        ]);
      }
      rows.push([
        `keep-alive ${ratio.connections} conn.: service / bare node:http`,
        fixed(ratio.vsBareNode, 2),
        targets ? '>= 0.7' : '',
        targets ? verdict(target('keep-alive requests/s at 256 connections, as a share of bare')) : '',
      ]);
    }
  }
  if (ceiling) {
    rows.push(...loadRows(`ceiling: nginx (${p.nginxWorkers} workers)`, ceiling));
    rows.push(['ours / nginx requests/s', fixed(ratios.vsNginx ?? 0, 2), target('requests/s')?.limit ?? '', verdict(target('requests/s'))]);
  }
  if (floor) {
    rows.push(...loadRows('floor: a full listing per request', floor));
    rows.push(['ours / floor requests/s', `${fixed(ratios.vsFloor ?? 0, 0)}x`, '', '']);
  }
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column].length)));
  const line = (row: Row) =>
    row
      .map((cell, column) => (column < 3 ? cell.padEnd(widths[column]) : cell))
      .join('  ')
      .trimEnd();
  const connections = p.keepAlive ? 'one connection per boot' : 'a new connection per request (as cloud-init)';
  const title = `ironic-metadata boot storm: ${p.nodes} nodes, ${p.clients} clients, ${report.sequence.requestsPerBoot} requests per boot, ${connections}`;
  const errors = Object.entries(storm.errorSamples).map(([kind, count]) => `  storm error: ${count} x ${kind}`);
  return [title, line(rows[0]), '-'.repeat(line(rows[0]).length), ...rows.slice(1).map(line), ...errors].join('\n');
}
