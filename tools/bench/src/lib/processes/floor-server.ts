import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstJsonLine, startChild, type ChildHandle } from './child-process';

export interface FloorServerHandle {
  port: number;
  child: ChildHandle;
  /** Stops it and removes its responses file. */
  stop(): Promise<void>;
}

/** Starts the seed-style server (dist/tools/bench/floor-server.js), answering `responses` after a full listing. */
export async function startFloorServer(main: string, ironicUrl: string, responses: ReadonlyMap<string, Buffer>): Promise<FloorServerHandle> {
  const directory = await mkdtemp(join(tmpdir(), 'bench-floor-'));
  const responsesFile = join(directory, 'responses.json');
  await writeFile(responsesFile, JSON.stringify(Object.fromEntries([...responses].map(([path, body]) => [path, body.toString('base64')]))));
  const child = startChild('floor-server', process.execPath, [main, '--ironic', ironicUrl, '--responses', responsesFile], { PATH: process.env['PATH'] });
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
