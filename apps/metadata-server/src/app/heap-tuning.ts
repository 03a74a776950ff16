import { setFlagsFromString } from 'node:v8';
import type { Config } from '@ironic-metadata/config';

/** V8's own `--semi-space-growth-factor` (`node --v8-options`, Node.js 20). */
const V8_SEMI_SPACE_GROWTH_FACTOR = 2;
const GROWTH_FLAG = '--semi-space-growth-factor';

/** Where the flags go, and the options the operator gave node: V8's and this process's, but for tests. */
export interface HeapFlags {
  set(flag: string): void;
  given: readonly string[];
}

// node refuses V8's heap flags in NODE_OPTIONS: only its command line can give them.
const V8_FLAGS: HeapFlags = { set: setFlagsFromString, given: process.execArgv };

/** V8 takes a flag with one dash or two, and `_` for `-`: `--semi_space_growth_factor=4` is this one too. */
const operatorSetsGrowth = (flags: HeapFlags) =>
  flags.given.some((option) => option.split('=')[0].replace(/^--?/, '').replaceAll('_', '-') === GROWTH_FLAG.slice(2));

/**
 * OPTIMIZE_FOR=memory, called as a process starts, before the rest of the program loads: V8 favours
 * memory over speed (`--optimize-for-size`), and its young generation keeps its first size until
 * `heapServing`, once the process listens for the nodes. V8 doubles the young generation when much
 * of it survives a scavenge, as it does while modules load and the first index is built, and the
 * pages it grows to count in the process's peak: at 10,000 nodes with two workers, the service's
 * peak RSS (VmHWM summed) was 388-405 MiB against 420-432 with the young generation free to grow
 * from the start, at the same requests a second (tools/bench). V8 reads both flags whenever it
 * sizes the heap; Node keeps V8's flags writable after start for this (it does not freeze them). A
 * cluster's primary never calls `heapServing`: it serves no node. A `--semi-space-growth-factor`
 * the operator gave node is left as given.
 */
export function tuneHeapForStart(config: Config, flags: HeapFlags = V8_FLAGS): void {
  if (config.optimizeFor !== 'memory') return;
  flags.set('--optimize-for-size');
  if (!operatorSetsGrowth(flags)) flags.set(`${GROWTH_FLAG}=1`);
}

/**
 * The process listens for the nodes from now on: under OPTIMIZE_FOR=memory its young generation
 * grows again as V8 grows it, for the requests' short-lived garbage (held at its first size for good,
 * it cost 28-51% of the keep-alive throughput in the same bench).
 */
export function heapServing(config: Config, flags: HeapFlags = V8_FLAGS): void {
  if (config.optimizeFor === 'memory' && !operatorSetsGrowth(flags)) flags.set(`${GROWTH_FLAG}=${V8_SEMI_SPACE_GROWTH_FACTOR}`);
}
