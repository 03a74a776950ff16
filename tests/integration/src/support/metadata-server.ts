import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, waitForOutput, WORKSPACE } from './processes';

export const SERVER_MAIN = join(WORKSPACE, 'dist/apps/metadata-server/main.js');

export interface RunningServer {
  url: string;
  port: number;
  /** The health, readiness and metrics listener. */
  adminUrl: string;
  process: ChildProcess;
  /** Everything the server logged so far. */
  logs(): string;
  stop(): Promise<void>;
}

/**
 * Starts the built server on 127.0.0.1 and a free port with the given environment; with `openFiles`,
 * under that open-file limit (soft and hard), as a service unit's LimitNOFILE= would set it.
 */
export async function startMetadataServer(env: Record<string, string>, options: { openFiles?: number } = {}): Promise<RunningServer> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run npm run build first`);
  const [port, adminPort] = [await freePort(), await freePort()];
  const command =
    options.openFiles === undefined
      ? [process.execPath, SERVER_MAIN]
      : ['prlimit', `--nofile=${options.openFiles}:${options.openFiles}`, process.execPath, SERVER_MAIN];
  const child = spawn(command[0], command.slice(1), {
    cwd: WORKSPACE,
    // One process unless a test asks for workers (cluster.test.ts): the suite runs many servers on 2 cores.
    env: {
      PATH: process.env['PATH'],
      BIND_ADDR: '127.0.0.1',
      BIND_PORT: String(port),
      ADMIN_BIND_PORT: String(adminPort),
      LOG_LEVEL: 'http',
      WORKERS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForOutput(child, /serving metadata/, 20_000);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    adminUrl: `http://127.0.0.1:${adminPort}`,
    process: child,
    logs: () => output,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
