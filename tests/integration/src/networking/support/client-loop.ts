import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { cleanEnv } from './network-lab';

/** One request of the loop: when it started, how long it took, and what came back. */
export interface Sample {
  t: number;
  ms: number;
  status: number;
  body?: string;
  error?: string;
}

export interface ClientLoop {
  /** The samples so far. */
  samples(): Sample[];
  /** Stops the loop and returns every sample. */
  stop(): Promise<Sample[]>;
}

const PROBE_LOOP = join(__dirname, 'probe-loop.cjs');

/**
 * A node in `ns` asking `url` every `intervalMs` (each request given `timeoutMs`), for at most
 * `maxMs`: the traffic a failover must not interrupt for long.
 */
export function startClientLoop(ns: string, url: string, options: { intervalMs: number; timeoutMs: number; maxMs: number }): ClientLoop {
  const child = spawn(
    'ip',
    ['netns', 'exec', ns, process.execPath, PROBE_LOOP, url, String(options.intervalMs), String(options.timeoutMs), String(options.maxMs)],
    {
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const samples = () =>
    output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Sample);
  return {
    samples,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      return samples();
    },
  };
}

/** What a failover looked like from the client: how long it got no answer, and how many requests failed. */
export interface Outage {
  /** From the failure to the first good answer after it, in ms. */
  recoveryMs: number;
  failedRequests: number;
  requestsAfterFailure: number;
}

/** Reads the outage that started at `failedAt` from the samples; `ok` says which answers count as good. */
export function outageAfter(samples: Sample[], failedAt: number, ok: (sample: Sample) => boolean): Outage {
  const after = samples.filter((sample) => sample.t >= failedAt);
  const firstGood = after.find(ok);
  return {
    recoveryMs: firstGood ? firstGood.t + firstGood.ms - failedAt : Number.POSITIVE_INFINITY,
    failedRequests: samples.filter((sample) => !ok(sample)).length,
    requestsAfterFailure: after.length,
  };
}
