/** No single wait between two attempts is longer than this, whatever the server asks for. */
export const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Exponential back-off with "equal jitter": half the delay is fixed, half random, so that clients that
 * failed together do not retry together. `attempt` is 1 for the first retry.
 */
export function backoffDelay(attempt: number, baseDelayMs: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_RETRY_DELAY_MS, baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** The delay a `Retry-After` header asks for (seconds or an HTTP date), capped; undefined if absent or bad. */
export function retryAfterDelay(header: string | undefined, now: number = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const delay = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  if (!Number.isFinite(delay)) return undefined;
  return Math.min(MAX_RETRY_DELAY_MS, Math.max(0, Math.round(delay)));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
