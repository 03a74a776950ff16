import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { tuneHeapForStart } from './app/heap-tuning';
import { configOrExit, connectionCapsOrExit, fail, helpOrContinue } from './app/startup';

/** What a missing chunk's require throws (webpack loads chunks with node's require). */
const MISSING_CHUNK = /^Cannot find module '\.\/[^']+\.chunk\.js'/;

/**
 * A role's module, from its chunk beside main.js (webpack's loader throws before it returns a
 * promise): a missing chunk (main.js copied alone) or npm package stops the start with one line
 * saying what to install; any other error keeps its stack.
 */
async function load<T>(module: () => Promise<T>): Promise<T> {
  try {
    return await module();
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    if (code !== 'MODULE_NOT_FOUND') throw error;
    const first = message.split('\n')[0];
    if (MISSING_CHUNK.test(first))
      return fail(`cannot load the server's code (${first}): install the whole ${dirname(__filename)} directory, not main.js alone`, 1);
    return fail(`cannot load the server's code (${first}): install its npm dependencies (npm ci --omit=dev)`, 1);
  }
}

/**
 * Reads the settings, then loads only what this process runs: a worker, a cluster's primary (which
 * holds no node, and loads none of the code that loads, decodes, indexes or renders them), or a
 * single process serving everything (WORKERS=1).
 */
async function main(): Promise<void> {
  helpOrContinue(process.argv.slice(2));
  const config = configOrExit();
  // Each process holds its own connections, so each checks its own open-file limit.
  const caps = connectionCapsOrExit(config);
  tuneHeapForStart(config);
  if (cluster.isWorker) return (await load(() => import('./app/cluster/worker'))).runWorker(config, caps);
  const workers = config.workers ?? availableParallelism();
  if (workers > 1) return (await load(() => import('./app/cluster/primary'))).runPrimary(config, workers);
  return (await load(() => import('./app/single'))).runSingle(config, caps);
}

void main();
