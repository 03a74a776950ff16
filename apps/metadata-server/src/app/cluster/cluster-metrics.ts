import type { Worker } from 'node:cluster';
import { AggregatorRegistry, type Registry } from 'prom-client';
import type { ToPrimary } from './messages';
import { WorkerQuestions } from './worker-questions';

/** A worker that has not answered by then is left out of the scrape rather than holding it. */
const WORKER_ANSWER_MS = 2000;

type MetricsReply = Extract<ToPrimary, { kind: 'ironic-metadata:metrics' }>;

/**
 * The service's metrics for the primary's /metrics: its own registry and every worker's, aggregated
 * by prom-client (counters and histograms summed, gauges as each declares).
 */
export class ClusterMetrics {
  private readonly questions = new WorkerQuestions<MetricsReply['metrics']>(WORKER_ANSWER_MS);

  /** @param workers the workers to ask: those listening for the question (said hello). */
  constructor(
    private readonly own: Registry,
    private readonly workers: () => Worker[],
  ) {}

  /** Takes a worker's answer. */
  receive(worker: Worker, reply: MetricsReply): void {
    this.questions.answer(worker, reply.id, reply.metrics);
  }

  /** A worker disconnected: a scrape under way no longer waits for it. */
  gone(worker: Worker): void {
    this.questions.gone(worker);
  }

  async metrics(): Promise<string> {
    // Sent at once, not queued behind a fleet's pieces. A worker that exited before the primary saw
    // its channel close fails the write (EPIPE): without a callback that is an 'error' event on the
    // worker, which nothing handles, and the primary crashed with every worker (30 scrapers, a
    // relay killed); with one, the worker is gone for this question.
    const answers = this.questions.ask(this.workers(), (worker, id) =>
      worker.send({ kind: 'ironic-metadata:metrics-request', id }, undefined, (error) => {
        if (error) this.questions.gone(worker);
      }),
    );
    const all = [await this.own.getMetricsAsJSON(), ...(await answers).values()];
    return AggregatorRegistry.aggregate(all).metrics();
  }
}
