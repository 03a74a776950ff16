import { EventLoopSlices } from './event-loop-slices';

/** Whether a loop's pause let the event loop turn: a callback queued with setImmediate ran before it went on. */
async function turned(slices: EventLoopSlices): Promise<boolean> {
  let ran = false;
  const immediate = setImmediate(() => (ran = true));
  if (slices.spent()) await slices.turn();
  clearImmediate(immediate);
  return ran;
}

describe('EventLoopSlices', () => {
  it('lets the event loop turn once a slice is spent, and not before', async () => {
    expect(await turned(new EventLoopSlices(0))).toBe(true);
    expect(await turned(new EventLoopSlices(60_000))).toBe(false);
  });

  it('starts a new slice after each turn', async () => {
    const slices = new EventLoopSlices(50);
    const start = performance.now();
    while (performance.now() - start < 60);
    expect(await turned(slices)).toBe(true);
    expect(await turned(slices)).toBe(false);
  });
});
