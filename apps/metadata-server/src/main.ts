import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { tuneHeapForStart } from './app/heap-tuning';
import { configOrExit, connectionCapsOrExit, helpOrContinue } from './app/startup';

/**
 * Reads the settings, then loads only what this process runs: a worker, a cluster's primary (which
 * holds no node, and loads none of the code that loads, decodes, indexes or renders them), or a single process serving
 * everything (WORKERS=1).
 */
async function main(): Promise<void> {
  helpOrContinue(process.argv.slice(2));
  const config = configOrExit();
  // Each process holds its own connections, so each checks its own open-file limit.
  const caps = connectionCapsOrExit(config);
  tuneHeapForStart(config);
  if (cluster.isWorker) return (await import('./app/cluster/worker')).runWorker(config, caps);
  const workers = config.workers ?? availableParallelism();
  if (workers > 1) return (await import('./app/cluster/primary')).runPrimary(config, workers);
  return (await import('./app/single')).runSingle(config, caps);
}

void main();
