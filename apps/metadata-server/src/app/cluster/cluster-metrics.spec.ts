import type { Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { Counter, Registry } from 'prom-client';
import { ClusterMetrics } from './cluster-metrics';
import type { ToWorker } from './messages';

/** A registry with one counter, `requests_total`, at `value`. */
async function registryAt(value: number): Promise<Registry> {
  const registry = new Registry();
  new Counter({ name: 'requests_total', help: 'requests', registers: [registry] }).inc(value);
  return registry;
}

/**
 * A worker as node:cluster's: its `send` reports a failed write to the callback when given one, and
 * as an 'error' event otherwise (which throws, as nothing listens).
 */
class FakeWorker extends EventEmitter {
  constructor(private readonly write: (message: ToWorker) => Error | undefined) {
    super();
  }
  isConnected(): boolean {
    return true;
  }
  send(message: ToWorker, _handle?: unknown, callback?: (error: Error | null) => void): boolean {
    const error = this.write(message);
    if (callback) callback(error ?? null);
    else if (error) this.emit('error', error);
    return true;
  }
}

describe('ClusterMetrics', () => {
  afterEach(() => jest.useRealTimers());

  it('sums every worker’s metrics with its own, and leaves out a worker whose channel broke, at once', async () => {
    jest.useFakeTimers();
    const own = await registryAt(1);
    const fromWorker = (await registryAt(2)).getMetricsAsJSON();
    const answering = new FakeWorker((message) => {
      if (message.kind === 'ironic-metadata:metrics-request')
        void fromWorker.then((all) =>
          metrics.receive(answering as unknown as Worker, { kind: 'ironic-metadata:metrics', id: message.id, metrics: all }),
        );
      return undefined;
    });
    // Exited before the primary saw its channel close: the write fails (EPIPE).
    const exited = new FakeWorker(() => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }));
    const metrics = new ClusterMetrics(own, () => [answering, exited] as unknown as Worker[]);
    const text = await metrics.metrics();
    expect(text).toMatch(/^requests_total 3$/m);
  });
});
