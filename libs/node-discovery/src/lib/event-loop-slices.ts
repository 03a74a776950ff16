/** How long a loop over the fleet may hold the event loop before it lets it turn (ms). */
export const SLICE_MS = 5;

const RUNNING = Promise.resolve();

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
   * Whether the slice is spent: a loop that awaits `pause()` only then saves a turn of the microtask
   * queue a node (NodeIndex.build at 100,000 nodes: 80-110 ms with an await a node, in-process, jest).
   */
  spent(): boolean {
    return performance.now() - this.sliceStart >= this.sliceMs;
  }

  /**
   * Resolves at once while the slice lasts; once it is spent, after a turn of the event loop
   * (setImmediate). Not an async function: loops call it once per node, and a promise made per call
   * was a fifth of a rebuild's time under jest's async hooks (in-process, 10,000 nodes).
   */
  pause(): Promise<void> {
    if (!this.spent()) return RUNNING;
    return new Promise((resolve) =>
      setImmediate(() => {
        this.sliceStart = performance.now();
        resolve();
      }),
    );
  }
}
