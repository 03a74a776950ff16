/** Tries of a load that met EMFILE or ENFILE, and the pause before each retry (ms, doubling). */
const TRIES = 5;
const FIRST_PAUSE_MS = 100;

/**
 * Whether an error, or one it wraps (`cause`), is the process (EMFILE) or the system (ENFILE) out of
 * file descriptors: a passing shortage while connections close, not a fault of the source.
 */
export function isDescriptorShortage(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; current = current.cause, depth++) {
    const code = (current as NodeJS.ErrnoException).code;
    if (code === 'EMFILE' || code === 'ENFILE' || /\bE[MN]FILE\b/.test(current.message)) return true;
  }
  return false;
}

/**
 * `load()`, tried again (up to 5 times over 1.5 s) while it fails for want of descriptors, so that a
 * reload met in a flood of connections is late rather than lost. Any other error is thrown at once.
 */
export async function retryingDescriptorShortage<T>(
  load: () => Promise<T>,
  sleep: (ms: number) => Promise<void> = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await load();
    } catch (error) {
      if (attempt >= TRIES || !isDescriptorShortage(error)) throw error;
      await sleep(FIRST_PAUSE_MS * 2 ** (attempt - 1));
    }
  }
}
