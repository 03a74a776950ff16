import { startChild, type ChildHandle } from './child-process';

export interface MetadataServerOptions {
  main: string;
  ironicUrl: string;
  port: number;
  /** The server's health and metrics listener, kept off its default port so that runs do not collide. */
  adminPort: number;
  /** Write a V8 CPU profile here when the server exits (`node --cpu-prof`). */
  cpuProfileDir?: string;
  /** NODE_OPTIONS, e.g. `--max-old-space-size=256`. */
  nodeOptions?: string;
  /** WORKERS: processes serving the nodes. */
  workers: number;
  /** Settings beyond the benchmark's own, e.g. `OPTIMIZE_FOR=speed`. */
  env?: Record<string, string>;
}

/** The built server, started with {@link serverEnvironment}. */
export function startMetadataServer(options: MetadataServerOptions): ChildHandle {
  const profiling = options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : [];
  return startChild('metadata-server', process.execPath, [...profiling, options.main], serverEnvironment(options));
}

/**
 * The server's environment: only what the benchmark sets (Ironic at the simulator, loopback for both
 * listeners, warnings only since a log line per request would be measured too, no lease file) and
 * the run's own settings over it.
 */
export function serverEnvironment(options: Omit<MetadataServerOptions, 'main' | 'cpuProfileDir'>): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    IRONIC_URL: options.ironicUrl,
    BIND_ADDR: '127.0.0.1',
    BIND_PORT: String(options.port),
    ADMIN_BIND_PORT: String(options.adminPort),
    LOG_LEVEL: 'warn',
    LEASE_FILE: '/nonexistent',
    WORKERS: String(options.workers),
    // wrk connects from 127.0.0.1 and names the node it asks for in X-Forwarded-For; the storm's
    // clients connect from the nodes' own 127.1.x.y addresses, which stay untrusted.
    TRUSTED_PROXIES: '127.0.0.1/32',
    // wrk is one client asking as fast as it can: measured, not throttled (the limiter still runs).
    RATE_LIMIT_PER_CLIENT: '100000',
    ...(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {}),
    ...options.env,
  };
}

/** What the benchmark reads of the server's `GET /readyz` (apps/metadata-server's admin listener). */
export interface ReadyzBody {
  /** When the index last loaded (ms since the epoch); each successful sync moves it. */
  loadedAt?: number;
  /** A cluster's workers serving now, and how many it runs; absent for a single process. */
  workers?: { serving: number; wanted: number };
}

/** The server's `/readyz` body, whatever its status; rejects when the admin listener does not answer JSON. */
export async function readReadyz(adminUrl: string): Promise<ReadyzBody> {
  return (await (await fetch(`${adminUrl}/readyz`)).json()) as ReadyzBody;
}

/**
 * What stalled the service over a window, from its /metrics, each the highest of its processes (ms):
 * the event-loop delay p99 and the garbage collector's longest pause. A delay with no pause as long
 * was not the collector's.
 */
export interface Stalls {
  eventLoopDelayP99Ms?: number;
  gcPauseMaxMs?: number;
  /** The kind of collection that paused longest (minor, major, incremental, weakcb). */
  gcPauseMaxKind?: string;
}

/**
 * The service's stalls from its admin listener's /metrics: the highest
 * `metadata_event_loop_delay_p99_seconds` and `metadata_gc_pause_max_seconds` of its processes, in
 * ms, each since the last scrape (a scrape starts a new window); undefined where the service
 * reports none.
 */
export async function scrapeStalls(adminUrl: string): Promise<Stalls> {
  const response = await fetch(`${adminUrl}/metrics`);
  const text = await response.text();
  /** The series of `name` with the highest value: the value in ms, and its labels as written. */
  const highest = (name: string): { ms: number; labels: string } | undefined =>
    [...text.matchAll(new RegExp(`^${name}\\{([^}]*)\\} ([\\d.e+-]+)$`, 'gm'))]
      .map((match) => ({ ms: Number(match[2]) * 1000, labels: match[1] }))
      .reduce<{ ms: number; labels: string } | undefined>((top, series) => (top && top.ms >= series.ms ? top : series), undefined);
  const pause = highest('metadata_gc_pause_max_seconds');
  return {
    eventLoopDelayP99Ms: highest('metadata_event_loop_delay_p99_seconds')?.ms,
    gcPauseMaxMs: pause?.ms,
    gcPauseMaxKind: pause && /kind="([^"]*)"/.exec(pause.labels)?.[1],
  };
}
