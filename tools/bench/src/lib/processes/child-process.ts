import { spawn } from 'node:child_process';

export interface ChildHandle {
  name: string;
  pid: number;
  /** Resolves with the exit code (or null after a signal) when the process ends. */
  exited: Promise<number | null>;
  hasExited(): boolean;
  /** The last lines it wrote to stdout and stderr, for error messages. */
  logTail(): string;
  /** Lines written to stdout, as they come. */
  onLine(listener: (line: string) => void): void;
  /** SIGTERM to its process group, SIGKILL after a grace period. */
  stop(): Promise<void>;
}

const TAIL_LINES = 30;
/** The metadata server finishes requests in flight for up to 10 s when told to stop. */
const STOP_GRACE_MS = 15_000;

/**
 * Starts a program in its own process group (so stopping it reaches what it forks, such as nginx's
 * workers), and kills the group if the benchmark itself ends first.
 */
export function startChild(name: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): ChildHandle {
  const child = spawn(command, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  if (child.pid === undefined) throw new Error(`${name}: cannot start ${command}`);
  const pid = child.pid;
  const tail: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  const collect = (toListeners: boolean) => {
    let partial = '';
    return (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        tail.push(line);
        if (toListeners) for (const listener of listeners) listener(line);
      }
      tail.splice(0, tail.length - TAIL_LINES);
    };
  };
  child.stdout.on('data', collect(true));
  child.stderr.on('data', collect(false));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const killOnExit = () => signalGroup(pid, 'SIGKILL');
  process.once('exit', killOnExit);
  let stopping: Promise<void> | undefined;
  return {
    name,
    pid,
    exited,
    hasExited: () => child.exitCode !== null || child.signalCode !== null,
    logTail: () => tail.join('\n'),
    onLine: (listener) => listeners.push(listener),
    stop: () =>
      (stopping ??= (async () => {
        process.off('exit', killOnExit);
        if (child.exitCode === null && child.signalCode === null) {
          signalGroup(pid, 'SIGTERM');
          const killer = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_GRACE_MS);
          await exited;
          clearTimeout(killer);
        }
      })()),
  };
}

/** The first line the child prints to stdout that parses as JSON: how the simulator and the floor say where they listen. */
export function firstJsonLine<T>(child: ChildHandle, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${child.name} said nothing within ${timeoutMs} ms:\n${child.logTail()}`)), timeoutMs);
    child.onLine((line) => {
      if (!line.startsWith('{')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as T);
    });
    void child.exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${child.name} exited (${code}) before it was ready:\n${child.logTail()}`));
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
