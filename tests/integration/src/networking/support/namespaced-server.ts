import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { SERVER_MAIN } from '../../support/metadata-server';
import { waitForOutput, WORKSPACE } from '../../support/processes';
import { cleanEnv } from './network-lab';
import { waitUntil } from './wait';

/** The built metadata server running inside a network namespace. */
export interface NamespacedServer {
  ns: string;
  /** Everything it logged so far. */
  logs(): string;
  /** The client address of each request it logged (LOG_LEVEL=http), in order. */
  clientIps(): string[];
  /** Each request it logged (LOG_LEVEL=http), in order. */
  requests(): LoggedRequest[];
  /**
   * Waits (at most 5 s) until it logged a request from `clientIp` (a link-local address with or without
   * its `%zone`): log lines trail the answers.
   */
  sawRequestFrom(clientIp: string): Promise<void>;
  /** SIGTERM, and waits for the exit. */
  stop(): Promise<void>;
  /** SIGKILL: the replica dies as a crashed machine's would. */
  kill(): void;
}

/** One line of the server's access log. */
export interface LoggedRequest {
  clientIp: string;
  method: string;
  path: string;
  status: number;
}

/** Starts `node dist/apps/metadata-server/main.js` in `ns` with `env` and waits until it serves. */
export async function startServerIn(ns: string, env: Record<string, string>): Promise<NamespacedServer> {
  if (!existsSync(SERVER_MAIN)) throw new Error(`${SERVER_MAIN} is missing: run npm run build first`);
  const child = spawn('ip', ['netns', 'exec', ns, process.execPath, SERVER_MAIN], {
    cwd: WORKSPACE,
    env: cleanEnv({ LOG_LEVEL: 'http', WORKERS: '1', ...env }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await waitForOutput(child, /serving metadata/, 20_000);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ns,
    logs: () => output,
    clientIps: () => requestLines(output).map((line) => line.clientIp),
    requests: () => requestLines(output),
    sawRequestFrom: async (clientIp) => {
      await waitUntil(
        `a request from ${clientIp} in the log of the server in ${ns}`,
        () => requestLines(output).some((line) => line.clientIp.split('%')[0] === clientIp),
        5_000,
        20,
      );
    },
    stop: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    },
    kill: () => {
      child.kill('SIGKILL');
    },
  };
}

function requestLines(output: string): LoggedRequest[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes('"message":"request"'))
    .map((line) => JSON.parse(line));
}
