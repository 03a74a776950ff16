/** Polls `condition` every `intervalMs` until it holds; fails after `timeoutMs` saying what was awaited. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs: number,
  intervalMs = 100,
): Promise<number> {
  const started = Date.now();
  for (let attempt = 0; Date.now() - started < timeoutMs; attempt++) {
    if (await condition()) return Date.now();
    await sleep(intervalMs);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
