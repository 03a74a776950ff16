/** How long a loop over the fleet may hold the event loop before it lets it turn (ms). */
export const SLICE_MS = 5;

/**
 * Cuts a long loop over the fleet into slices of about `sliceMs` of work, with a turn of the event
 * loop between them, so that requests are answered while it runs. At 10,000 nodes a sync that
 * changed one node held the event loop for 260-350 ms while the catalog rebuilt its index in one
 * piece (in-process, jest), and on a busy fleet most syncs change a node.
 */
export class EventLoopSlices {
  private sliceStart = performance.now();

  constructor(private readonly sliceMs = SLICE_MS) {}

  /**
   * Whether the slice is spent. Loops ask this once per node and await `turn()` only when it is
   * true: an await a node was a turn of the microtask queue a node for nothing. With one, the
   * catalog's `indexEntries` took 80-90 ms of a busy worker's CPU over the bench's paced phase (two
   * changing syncs at 10,000 nodes), 10-42 without (tools/bench, --cpu-profile-dir); NodeIndex.build
   * at 100,000 nodes, 80-110 ms against 30-55 (in-process, jest).
   */
  spent(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  /** Resolves after a turn of the event loop (setImmediate), and starts the next slice. */
  turn(): Promise<void> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.sliceStart = performance.now();
        resolve();
      }),
    );
  }
}
