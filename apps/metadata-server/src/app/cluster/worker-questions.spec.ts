import type { Worker } from 'node:cluster';
import { WorkerQuestions } from './worker-questions';

/** A worker as the questions see it: connected or not. */
const fakeWorker = (connected = true) => ({ isConnected: () => connected }) as unknown as Worker;

describe('WorkerQuestions', () => {
  afterEach(() => jest.useRealTimers());

  it('answers with every worker answer once each has answered, without waiting out the time', async () => {
    jest.useFakeTimers();
    const questions = new WorkerQuestions<string>(2000);
    const [a, b] = [fakeWorker(), fakeWorker()];
    const asked: [Worker, number][] = [];
    const answers = questions.ask([a, b], (worker, id) => asked.push([worker, id]));
    for (const [worker, id] of asked) questions.answer(worker, id, worker === a ? 'from a' : 'from b');
    expect([...(await answers).values()].sort()).toEqual(['from a', 'from b']);
    expect(asked.map(([, id]) => id)).toEqual([0, 0]);
  });

  it('leaves a worker out as soon as it is gone, and does not ask one already disconnected: neither ever answers', async () => {
    jest.useFakeTimers();
    const questions = new WorkerQuestions<string>(2000);
    const [alive, dying, dead] = [fakeWorker(), fakeWorker(), fakeWorker(false)];
    const asked: Worker[] = [];
    const answers = questions.ask([alive, dying, dead, alive], (worker, id) => {
      asked.push(worker);
      if (worker === alive) questions.answer(worker, id, 'alive');
    });
    questions.gone(dying);
    expect(await answers).toEqual(new Map([[alive, 'alive']]));
    expect(asked).toEqual([alive, dying]);
  });

  it('leaves a worker out that has not answered within the wait, and drops its late answer', async () => {
    jest.useFakeTimers();
    const questions = new WorkerQuestions<string>(2000);
    const [quick, silent] = [fakeWorker(), fakeWorker()];
    let silentId = -1;
    const answers = questions.ask([quick, silent], (worker, id) => {
      if (worker === quick) questions.answer(worker, id, 'quick');
      else silentId = id;
    });
    let settled = false;
    void answers.then(() => (settled = true));
    await jest.advanceTimersByTimeAsync(1999);
    expect(settled).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    questions.answer(silent, silentId, 'late');
    expect(await answers).toEqual(new Map([[quick, 'quick']]));
  });

  it('takes only the asked workers’ answers to each question, and answers at once when none is asked', async () => {
    const questions = new WorkerQuestions<string>(2000);
    const [asked, other] = [fakeWorker(), fakeWorker()];
    const first = questions.ask([asked], (worker, id) => {
      questions.answer(other, id, 'not asked');
      questions.answer(worker, id + 1, 'another question');
      questions.answer(worker, id, 'this one');
    });
    expect(await first).toEqual(new Map([[asked, 'this one']]));
    expect(await questions.ask([], () => undefined)).toEqual(new Map());
  });
});
