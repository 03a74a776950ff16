import type { Worker } from 'node:cluster';

/** A worker's answer to one question, or undefined when it went away without one. */
type Settle<T> = (worker: Worker, reply: { answer: T } | undefined) => void;

/**
 * Questions the primary asks its workers for the admin listener (their status, their metrics), each
 * answered by a message carrying the question's id. A worker that has not answered within `waitMs`,
 * or that goes away first (`gone`: it died, and never will), is left out rather than holding the
 * answer: a worker killed as a scrape began held it for the whole wait (the cluster test).
 */
export class WorkerQuestions<T> {
  private nextId = 0;
  private readonly waiting = new Map<number, Settle<T>>();

  constructor(private readonly waitMs: number) {}

  /** Takes `worker`'s answer to question `id`; one nobody waits for any more is dropped. */
  answer(worker: Worker, id: number, answer: T): void {
    this.waiting.get(id)?.(worker, { answer });
  }

  /** `worker` disconnected: no question waits for it any more. */
  gone(worker: Worker): void {
    for (const settle of this.waiting.values()) settle(worker, undefined);
  }

  /**
   * Asks each of `workers` that is connected (`send` carries the question, with its id, to one of them).
   * @returns the answers by worker, once each has answered or gone, or `waitMs` passed.
   */
  ask(workers: readonly Worker[], send: (worker: Worker, id: number) => void): Promise<Map<Worker, T>> {
    const id = this.nextId++;
    const answers = new Map<Worker, T>();
    const pending = new Set(workers.filter((worker) => worker.isConnected()));
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(id);
        resolve(answers);
      };
      const timer = setTimeout(done, this.waitMs);
      this.waiting.set(id, (worker, reply) => {
        if (!pending.delete(worker)) return;
        if (reply) answers.set(worker, reply.answer);
        if (pending.size === 0) done();
      });
      if (pending.size === 0) done();
      for (const worker of pending) send(worker, id);
    });
  }
}
