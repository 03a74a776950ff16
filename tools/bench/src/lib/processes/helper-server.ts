import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstJsonLine, startChild, type ChildHandle } from './child-process';

export interface HelperServerHandle {
  port: number;
  child: ChildHandle;
  /** Stops it and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts one of the benchmark's own servers (`node main ...args`) with `files` written for it to a
 * temporary directory (`args` gets their paths by name); it prints `{"url": ...}` once it listens.
 */
export async function startHelperServer(
  name: string,
  main: string,
  files: Record<string, string | Buffer>,
  args: (paths: Record<string, string>) => string[],
): Promise<HelperServerHandle> {
  const directory = await mkdtemp(join(tmpdir(), `bench-${name}-`));
  const paths: Record<string, string> = {};
  for (const [file, content] of Object.entries(files)) {
    paths[file] = join(directory, file);
    await writeFile(paths[file], content);
  }
  const child = startChild(name, process.execPath, [main, ...args(paths)], { PATH: process.env['PATH'] });
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
