import { setFlagsFromString } from 'node:v8';
import type { Config } from '@ironic-metadata/config';

/** V8's own `--semi-space-growth-factor` (`node --v8-options`, Node.js 20). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;

/**
 * OPTIMIZE_FOR=memory, called as a process starts, before the rest of the program loads: V8 favours
 * memory over speed (`--optimize-for-size`), and its young generation keeps its first size until
 * `heapServing`. V8 doubles the young generation when much of it survives a scavenge, as it does
 * while modules load and the first index is built, and the pages it grows to count in the process's
 * peak: at 10,000 nodes with two workers, the service's peak RSS (VmHWM summed) was 394-397 MiB
 * against 420-430 with the young generation free to grow from the start, at the same requests a
 * second (tools/bench, two rounds). V8 reads both flags whenever it sizes the heap; Node keeps V8's
 * flags writable after start for this (it does not freeze them). A cluster's primary never calls
 * `heapServing`: it serves no node. `set`: where the flags go (V8's, but for tests).
 */
export function tuneHeapForStart(config: Config, set: (flag: string) => void = setFlagsFromString): void {
  if (config.optimizeFor !== 'memory') return;
  set('--optimize-for-size');
  set('--semi-space-growth-factor=1');
}

/**
 * A process serves the nodes from now on: under OPTIMIZE_FOR=memory its young generation grows again
 * as V8 grows it, for the requests' short-lived garbage (held at its first size, it cost 28-51% of the
 * keep-alive throughput in the same bench).
 */
export function heapServing(config: Config, set: (flag: string) => void = setFlagsFromString): void {
  if (config.optimizeFor === 'memory') set(`--semi-space-growth-factor=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
}
