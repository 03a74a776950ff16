import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { dirname } from 'node:path';
import { cpus, loadavg, totalmem } from 'node:os';
import type { BenchReport } from './bench-report';

/** The machine the figures come from: a shared, noisy one reads differently from an idle one. */
export function describeMachine(): BenchReport['machine'] {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((load) => Math.round(load * 100) / 100),
    node: process.version,
  };
}

function git(directory: string, args: string[]): string | null {
  try {
    return execFileSync('git', ['-C', directory, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return null;
  }
}

/**
 * Which code was measured: the server file, when it was built, and the commit (and count of
 * uncommitted changes) of the work tree it was built in; null outside a git work tree.
 */
export function describeCode(server: string): BenchReport['code'] {
  const directory = dirname(server);
  const status = git(directory, ['status', '--porcelain']);
  return {
    server,
    serverBuiltAt: statSync(server).mtime.toISOString(),
    gitCommit: git(directory, ['rev-parse', 'HEAD'])?.trim() ?? null,
    gitUncommittedChanges: status === null ? null : status.split('\n').filter(Boolean).length,
  };
}
