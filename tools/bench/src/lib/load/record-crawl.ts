import { ClientSession } from './client-session';
import { crawlLikeCloudInit } from './cloud-init-crawl';
import type { HttpTarget } from './http-connection';

export interface RecordedCrawl {
  /** Every request of one boot, in order. */
  paths: string[];
  /** Each path's answer: what nginx and the floor serve back. */
  responses: Map<string, Buffer>;
}

/** One node's boot against the server, recorded: the request sequence and the answers. */
export async function recordCrawl(target: HttpTarget, address: string): Promise<RecordedCrawl> {
  const session = new ClientSession(target, address, { keepAlive: true, timeoutMs: 10_000 });
  const recorded: RecordedCrawl = { paths: [], responses: new Map() };
  try {
    await crawlLikeCloudInit(async (path) => {
      const result = await session.get(path);
      recorded.paths.push(path);
      if (result.status === 200) recorded.responses.set(path, result.body);
      return result;
    });
  } finally {
    session.close();
  }
  return recorded;
}
