import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { ServiceMetrics } from './service-metrics';

/** A full collection now (the test's own; the service never asks for one). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One scrape: a metric's value by name and labels. */
async function scrape(metrics: ServiceMetrics): Promise<(name: string, labels: Record<string, string>) => number | undefined> {
  const all = await metrics.registry.getMetricsAsJSON();
  return (name, labels) =>
    all
      .find((metric) => metric.name === name)
      ?.values.find((value) => Object.entries(labels).every(([key, wanted]) => value.labels[key] === wanted))?.value;
}

describe('ServiceMetrics.watchStalls', () => {
  it("counts the garbage collector's pauses by kind, and gives the longest of each kind since the last scrape", async () => {
    const metrics = new ServiceMetrics();
    metrics.watchStalls('main');
    collectGarbage();
    // perf_hooks hands `gc` entries to observers on a later turn.
    await sleep(50);
    const first = await scrape(metrics);
    const major = first('metadata_gc_pause_seconds_total', { process: 'main', kind: 'major' }) ?? 0;
    const longest = first('metadata_gc_pause_max_seconds', { process: 'main', kind: 'major' }) ?? 0;
    expect(major).toBeGreaterThan(0);
    expect(longest).toBeGreaterThan(0);
    expect(longest).toBeLessThanOrEqual(major);
    // The next window starts with the scrape; the total goes on.
    const second = await scrape(metrics);
    expect(second('metadata_gc_pause_seconds_total', { process: 'main', kind: 'major' })).toBeGreaterThanOrEqual(major);
    expect(second('metadata_gc_pause_max_seconds', { process: 'main', kind: 'major' })).toBe(0);
  });

  it("gives the event loop's delay since the last scrape", async () => {
    const metrics = new ServiceMetrics();
    metrics.watchStalls('worker 1');
    await sleep(30);
    const blockedUntil = Date.now() + 60;
    while (Date.now() < blockedUntil);
    await sleep(30);
    const first = await scrape(metrics);
    expect(first('metadata_event_loop_delay_p99_seconds', { process: 'worker 1' })).toBeGreaterThanOrEqual(0.04);
    expect(first('metadata_event_loop_delay_max_seconds', { process: 'worker 1' })).toBeGreaterThanOrEqual(0.04);
    const second = await scrape(metrics);
    expect(second('metadata_event_loop_delay_max_seconds', { process: 'worker 1' })).toBeLessThan(0.04);
  });
});
