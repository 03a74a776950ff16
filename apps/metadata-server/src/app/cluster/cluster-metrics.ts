import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { ToPrimary, ToWorker } from './messages';

/** A worker that has not answered by then is left out of the scrape rather than holding it. */
const WORKER_ANSWER_MS = 2000;

type MetricsReply = Extract<ToPrimary, { kind: 'ironic-metadata:metrics' }>;

/**
 * The service's metrics for the primary's /metrics: its own registry and every worker's, aggregated
 * by prom-client (counters and histograms summed, gauges as each declares).
 */
export class ClusterMetrics {
  private nextId = 0;
  private readonly waiting = new Map<number, (reply: MetricsReply) => void>();

  constructor(
    private readonly own: Registry,
    private readonly workers: () => Worker[],
  ) {}

  /** Takes a worker's answer. */
  receive(reply: MetricsReply): void {
    this.waiting.get(reply.id)?.(reply);
  }

  async metrics(): Promise<string> {
    const id = this.nextId++;
    const workers = this.workers().filter((worker) => worker.isConnected());
    const answers = new Promise<MetricsReply['metrics'][]>((resolve) => {
      const replies: MetricsReply['metrics'][] = [];
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(replies);
      };
      const timer = setTimeout(done, WORKER_ANSWER_MS);
      this.waiting.set(id, (reply) => {
        replies.push(reply.metrics);
        if (replies.length === workers.length) done();
      });
      if (workers.length === 0) done();
    });
    const request: ToWorker = { kind: 'ironic-metadata:metrics-request', id };
    for (const worker of workers) worker.send(request);
    const all = [await this.own.getMetricsAsJSON(), ...(await answers)];
    return AggregatorRegistry.aggregate(all).metrics();
  }
}
