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

  describe('looks at the clock', () => {
    let now = 0;
    let looks = 0;
    beforeEach(() => {
      now = 0;
      looks = 0;
      jest.spyOn(performance, 'now').mockImplementation(() => (looks++, now));
    });
    afterEach(() => jest.restoreAllMocks());

    /** How much work a loop of items costing `itemMs` each does before `spent()` says so. */
    function workUntilSpent(slices: EventLoopSlices, itemMs: number): number {
      while (!slices.spent()) now += itemMs;
      return now;
    }

    it('at every costly item, so that a slice ends with the item that spends it', () => {
      expect(workUntilSpent(new EventLoopSlices(5), 1)).toBe(5);
    });

    it('at most every 8 cheap items, so that the clock costs a cheap loop little', () => {
      const spentAt = workUntilSpent(new EventLoopSlices(5), 0.001);
      expect(spentAt).toBeGreaterThanOrEqual(5);
      expect(spentAt).toBeLessThanOrEqual(5 + 8 * 0.001);
      expect(looks).toBeLessThan(5000 / 6);
    });

    it('soon enough that costly items after cheap ones overrun the slice by at most 8 of them', () => {
      const slices = new EventLoopSlices(5);
      for (let i = 0; i < 100 && !slices.spent(); i++) now += 0.001;
      expect(workUntilSpent(slices, 1)).toBeLessThanOrEqual(5 + 8);
    });
  });
});
