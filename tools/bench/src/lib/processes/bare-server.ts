import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstJsonLine, startChild, type ChildHandle } from './child-process';

export interface BareServerHandle {
  port: number;
  child: ChildHandle;
  /** Stops it and removes its body file. */
  stop(): Promise<void>;
}

/** Starts dist/tools/bench/bare-server.js: `workers` node:http processes answering `body` to everything. */
export async function startBareServer(main: string, workers: number, body: Buffer): Promise<BareServerHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-bare-'));
  const bodyFile = join(directory, 'body');
  await writeFile(bodyFile, body);
  const child = startChild('bare-server', process.execPath, [main, '--workers', String(workers), '--body', bodyFile], { PATH: process.env['PATH'] });
  const stop = async () => {
    await child.stop();
    await rm(directory, { recursive: true, force: true });
  };
  try {
    const { url } = await firstJsonLine<{ url: string }>(child, 30_000);
    return { port: Number(new URL(url).port), child, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
