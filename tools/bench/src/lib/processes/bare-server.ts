import { startHelperServer, type HelperServerHandle } from './helper-server';

/** Starts dist/tools/bench/bare-server.js: `workers` node:http processes answering `body` to everything. */
export function startBareServer(main: string, workers: number, body: Buffer): Promise<HelperServerHandle> {
  return startHelperServer('bare-server', main, { body }, (paths) => ['--workers', String(workers), '--body', paths['body']]);
}
