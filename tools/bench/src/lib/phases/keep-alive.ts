import { spawn } from 'node:child_process';
import type { Stalls } from '../processes/metadata-server';
import { cpuSecondsByPid } from '../processes/proc-stats';

/** One wrk run: keep-alive connections asking for one path as fast as answers come; the service's stalls over it. */
export interface KeepAliveFigures extends Stalls {
  connections: number;
  seconds: number;
  requestsPerSecond: number;
  latencyMs: { p50: number; p99: number; max: number };
  /** Non-2xx answers, and connect, read, write and timeout errors, as wrk counts them. */
  errors: number;
  /** CPU time of the server's processes over the run's wall time; 100 = one core. */
  serverCpuPercent: number;
}

const UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function milliseconds(value: string, unit: string): number {
  return Number(value) * (UNITS_MS[unit] ?? NaN);
}

/** The figures in wrk 4's `--latency` report. Throws when one is missing (wrk failed). */
export function parseWrkOutput(output: string): Omit<KeepAliveFigures, 'connections' | 'seconds' | 'serverCpuPercent' | keyof Stalls> {
  const rate = /^Requests\/sec:\s+([\d.]+)/m.exec(output);
  const max = /^\s+Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s|m)\s/m.exec(output);
  const percentile = (p: number) => {
    const match = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm').exec(output);
    if (!match) throw new Error(`wrk printed no ${p}th percentile:\n${output}`);
    return milliseconds(match[1], match[2]);
  };
  if (!rate || !max) throw new Error(`wrk printed no request rate or latency:\n${output}`);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const non2xx = /Non-2xx or 3xx responses: (\d+)/.exec(output);
  const errors = (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0) + Number(non2xx?.[1] ?? 0);
  return {
    requestsPerSecond: Number(rate[1]),
    latencyMs: { p50: percentile(50), p99: percentile(99), max: milliseconds(max[1], max[2]) },
    errors,
  };
}

export interface KeepAliveRun {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  /** wrk's threads: as many as the machine has cores, at most `connections`. */
  threads: number;
  /** The server's processes, for its CPU time. */
  serverPids(): number[];
  /** Called before and after the run: the server's stalls since the last call. */
  stalls?(): Promise<Stalls>;
}

/** Runs Debian's wrk (apt-get install wrk) once. */
export async function runWrk(run: KeepAliveRun): Promise<KeepAliveFigures> {
  const headers = Object.entries(run.headers).flatMap(([name, value]) => ['-H', `${name}: ${value}`]);
  const args = [
    '-t',
    String(Math.min(run.threads, run.connections)),
    '-c',
    String(run.connections),
    '-d',
    `${run.seconds}s`,
    '--latency',
    ...headers,
    run.url,
  ];
  await run.stalls?.();
  const pids = run.serverPids();
  const cpuBefore = cpuSecondsByPid(pids);
  const started = performance.now();
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.once('error', (error: NodeJS.ErrnoException) =>
      reject(error.code === 'ENOENT' ? new Error('wrk is not installed (Debian: apt-get install wrk); or pass --skip-keep-alive') : error),
    );
    child.once('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited with ${code}:\n${text}`))));
  });
  const wall = (performance.now() - started) / 1000;
  const cpuAfter = cpuSecondsByPid(pids);
  const cpu = pids.reduce((sum, pid) => sum + (cpuAfter.get(pid) ?? 0) - (cpuBefore.get(pid) ?? 0), 0);
  const stalls = await run.stalls?.();
  return {
    connections: run.connections,
    seconds: run.seconds,
    ...parseWrkOutput(output),
    serverCpuPercent: (100 * cpu) / wall,
    ...stalls,
  };
}
