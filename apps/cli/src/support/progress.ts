/** Steps quicker than this leave no line behind: only a wait worth mentioning is reported. */
const NOTABLE_MS = 1000;

export interface Progress {
  /** Replaces the progress line with the outcome, or clears it when the step was quick. */
  done(summary: string): void;
  /** Clears the progress line, leaving room for the error that follows. */
  clear(): void;
}

const CLEAR_LINE = '\r\u001b[K';

/**
 * A live line on stderr with the elapsed time while a slow step runs (a large Ironic takes a while
 * to list). Only on a terminal: piped or redirected stderr gets nothing, so scripts see clean output.
 */
export function startProgress(
  message: string,
  stream: Pick<NodeJS.WriteStream, 'isTTY' | 'write'> = process.stderr,
  clock: () => number = Date.now,
): Progress {
  if (!stream.isTTY) return { done: () => undefined, clear: () => undefined };
  const started = clock();
  const elapsed = () => `${((clock() - started) / 1000).toFixed(1)} s`;
  stream.write(`${CLEAR_LINE}${message} ...`);
  const timer = setInterval(() => stream.write(`${CLEAR_LINE}${message} ... ${elapsed()}`), 250);
  timer.unref();
  return {
    done(summary) {
      clearInterval(timer);
      stream.write(clock() - started < NOTABLE_MS ? CLEAR_LINE : `${CLEAR_LINE}${summary} in ${elapsed()}\n`);
    },
    clear() {
      clearInterval(timer);
      stream.write(CLEAR_LINE);
    },
  };
}
