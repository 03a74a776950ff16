import { ClientSession } from './client-session';
import { crawlLikeCloudInit, CrawlError, type Fetch } from './cloud-init-crawl';
import type { HttpTarget } from './http-connection';

/** A node that boots during a load phase: where it asks from, and which instance it should be told it is. */
export interface BootingNode {
  address: string;
  instanceUuid: string;
}

export interface LoadPlan {
  target: HttpTarget;
  /** Booted in order, each once, by `concurrency` clients at a time. */
  nodes: readonly BootingNode[];
  concurrency: number;
  /** No request is sent after this long; boots under way stop where they are. */
  maxSeconds: number;
  keepAlive: boolean;
  /** Count it as an error when meta_data.json names another instance (only a server that tells nodes apart). */
  verifyIdentity: boolean;
  requestTimeoutMs?: number;
  /**
   * Open loop: boots start at this rate whether or not earlier ones are done (at most `concurrency`
   * at once), as nodes powering on do; latency is then the service's, not a queue of waiting
   * clients'. Without it, closed loop: each of `concurrency` clients boots its next node as soon as
   * the last is done, which saturates the service.
   */
  bootsPerSecond?: number;
}

export interface LoadResult {
  /** Requests answered or failed. */
  requests: number;
  /** Requests not answered 200, failed requests, and boots told the wrong identity. */
  errors: number;
  /** A few distinct errors with their counts, for the report. */
  errorSamples: Record<string, number>;
  latenciesMs: number[];
  elapsedMs: number;
  bootsCompleted: number;
  /** Whether the time bound ended the phase before every boot was done. */
  cutShort: boolean;
  /** Open loop only: boots that started late because `concurrency` boots were already running. */
  lateStarts: number;
}

const ERROR_KINDS_KEPT = 10;
const MAC = /([0-9a-f]{2}:){5}[0-9a-f]{2}/gi;

/** Raised by a request that is not sent because the phase's time is up: not an error. */
class TimeUp extends Error {}
/** A request that failed without an answer; already counted. */
class RequestFailed extends Error {}

/**
 * A boot storm: `concurrency` clients, each booting one node after another from that node's address
 * and crawling the way cloud-init does, until every node has booted or the time is up.
 */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const latenciesMs: number[] = [];
  const errorSamples: Record<string, number> = {};
  let errors = 0;
  let nextNode = 0;
  let bootsCompleted = 0;
  const started = performance.now();
  const deadline = started + plan.maxSeconds * 1000;

  const noteError = (kind: string) => {
    errors++;
    if (kind in errorSamples || Object.keys(errorSamples).length < ERROR_KINDS_KEPT) errorSamples[kind] = (errorSamples[kind] ?? 0) + 1;
  };

  const boot = async (node: BootingNode) => {
    const session = new ClientSession(plan.target, node.address, { keepAlive: plan.keepAlive, timeoutMs: plan.requestTimeoutMs ?? 10_000 });
    const fetch: Fetch = async (path) => {
      if (performance.now() > deadline) throw new TimeUp();
      const sent = performance.now();
      try {
        const result = await session.get(path);
        latenciesMs.push(performance.now() - sent);
        if (result.status !== 200) noteError(`${result.status} for ${path.replace(MAC, '<mac>')}`);
        return result;
      } catch (error) {
        latenciesMs.push(performance.now() - sent);
        noteError((error as NodeJS.ErrnoException).code ?? (error as Error).message);
        throw new RequestFailed();
      }
    };
    try {
      const { instanceUuid } = await crawlLikeCloudInit(fetch);
      if (plan.verifyIdentity && instanceUuid !== node.instanceUuid) noteError('meta_data.json named another instance');
      bootsCompleted++;
    } catch (error) {
      // Statuses and failed requests were counted as they happened; a bad meta_data.json is counted here.
      if (error instanceof CrawlError && error.status === undefined) noteError(error.message.replace(MAC, '<mac>'));
      else if (!(error instanceof TimeUp || error instanceof RequestFailed || error instanceof CrawlError)) throw error;
    } finally {
      session.close();
    }
  };

  let lateStarts = 0;
  if (plan.bootsPerSecond === undefined) {
    const client = async () => {
      while (nextNode < plan.nodes.length && performance.now() < deadline) await boot(plan.nodes[nextNode++]);
    };
    await Promise.all(Array.from({ length: Math.min(plan.concurrency, plan.nodes.length) }, client));
  } else {
    const running = new Set<Promise<void>>();
    for (; nextNode < plan.nodes.length; nextNode++) {
      const due = started + (nextNode / plan.bootsPerSecond) * 1000;
      if (due > deadline) break;
      if (due > performance.now()) await sleep(due - performance.now());
      if (running.size >= plan.concurrency) {
        lateStarts++;
        await Promise.race(running);
      }
      const booting = boot(plan.nodes[nextNode]).finally(() => running.delete(booting));
      running.add(booting);
    }
    await Promise.all(running);
  }
  return {
    requests: latenciesMs.length,
    errors,
    errorSamples,
    latenciesMs,
    elapsedMs: performance.now() - started,
    bootsCompleted,
    cutShort: bootsCompleted < plan.nodes.length,
    lateStarts,
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
