/** How long a loop over the fleet may hold the event loop before it lets it turn (ms). */
export const SLICE_MS = 5;
/**
 * The most calls of `spent()` between two looks at the clock. Each look cost about 150 ns in a loop
 * (jest, in-process): asked once a node, it doubled the syncer's comparison of 100,000 nodes and
 * their ports with what it sent, from 50 to 110 ms. Few, because the next item may cost far more
 * than the last ones (a config drive to decode after cache hits): a slice runs over by at most this
 * many items.
 */
const CALLS_PER_LOOK_MAX = 8;

/**
 * Cuts a long loop over the fleet into slices of about `sliceMs` of work, with a turn of the event
 * loop between them, so that requests are answered while it runs. At 10,000 nodes a sync that
 * changed one node held the event loop for 260-350 ms while the catalog rebuilt its index in one
 * piece (in-process, jest), and on a busy fleet most syncs change a node.
 */
export class EventLoopSlices {
  private sliceStart = performance.now();
  /** When the clock was last looked at, after how many calls since the look before, and how many more until the next. */
  private lastLook = this.sliceStart;
  private gap = 1;
  private untilLook = 1;

  constructor(private readonly sliceMs = SLICE_MS) {}

  /**
   * Whether the slice is spent. Loops ask this once per node and await `turn()` only when it is
   * true: an await a node was a turn of the microtask queue a node for nothing. With one, the
   * catalog's `indexEntries` took 80-90 ms of a busy worker's CPU over the bench's paced phase (two
   * changing syncs at 10,000 nodes), 10-42 without (tools/bench, --cpu-profile-dir); NodeIndex.build
   * at 100,000 nodes, 80-110 ms against 30-55 (in-process, jest).
   */
  spent(): boolean {
    if (--this.untilLook > 0) return false;
    const now = performance.now();
    const elapsed = now - this.sliceStart;
    if (elapsed >= this.sliceMs) return true;
    // At the pace since the last look, the next comes after about a quarter of what is left of the
    // slice, and after at most twice as many calls as this one did.
    const perCall = (now - this.lastLook) / this.gap;
    const fit = perCall > 0 ? Math.floor((this.sliceMs - elapsed) / (4 * perCall)) : CALLS_PER_LOOK_MAX;
    this.gap = Math.max(1, Math.min(fit, 2 * this.gap, CALLS_PER_LOOK_MAX));
    this.untilLook = this.gap;
    this.lastLook = now;
    return false;
  }

  /** Resolves after a turn of the event loop (setImmediate), and starts the next slice. */
  turn(): Promise<void> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.sliceStart = this.lastLook = performance.now();
        this.gap = 1;
        this.untilLook = 1;
        resolve();
      }),
    );
  }
}
