import type { Worker } from 'node:cluster';

/**
 * Questions the primary asks its workers for the admin listener (their status, their metrics), each
 * answered by a message carrying the question's id. A worker that has not answered within `waitMs`,
 * or whose channel closes first (it died, and never will), is left out rather than holding the answer:
 * a worker killed as a scrape began held it for the whole wait (the cluster test).
 */
export class WorkerQuestions<T> {
  private nextId = 0;
  private readonly waiting = new Map<number, (worker: Worker, answer: T) => void>();

  constructor(private readonly waitMs: number) {}

  /** Takes `worker`'s answer to question `id`; one nobody waits for any more is dropped. */
  answer(worker: Worker, id: number, answer: T): void {
    this.waiting.get(id)?.(worker, answer);
  }

  /**
   * Asks each of `workers` (`send` carries the question, with its id, to one of them).
   * @returns the answers by worker, once each has answered or disconnected, or `waitMs` passed.
   */
  ask(workers: readonly Worker[], send: (worker: Worker, id: number) => void): Promise<Map<Worker, T>> {
    const id = this.nextId++;
    const answers = new Map<Worker, T>();
    const pending = new Set(workers);
    return new Promise((resolve) => {
      const gone = new Map(workers.map((worker) => [worker, () => settle(worker)]));
      const done = () => {
        clearTimeout(timer);
        this.waiting.delete(id);
        for (const [worker, listener] of gone) worker.off('disconnect', listener);
        resolve(answers);
      };
      const settle = (worker: Worker) => {
        if (pending.delete(worker) && pending.size === 0) done();
      };
      const timer = setTimeout(done, this.waitMs);
      this.waiting.set(id, (worker, answer) => {
        if (!pending.has(worker)) return;
        answers.set(worker, answer);
        settle(worker);
      });
      for (const [worker, listener] of gone) worker.once('disconnect', listener);
      if (pending.size === 0) done();
      for (const worker of workers) send(worker, id);
    });
  }
}
