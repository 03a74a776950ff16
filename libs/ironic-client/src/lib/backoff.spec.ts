import { backoffDelay, MAX_RETRY_DELAY_MS, retryAfterDelay } from './backoff';

describe('backoffDelay', () => {
  it('doubles with each attempt, half of it random', () => {
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, 100, () => 0))).toEqual([50, 100, 200]);
    expect([1, 2, 3].map((attempt) => backoffDelay(attempt, 100, () => 1))).toEqual([100, 200, 400]);
  });

  it('never waits longer than the cap', () => {
    expect(backoffDelay(30, 1_000, () => 1)).toBe(MAX_RETRY_DELAY_MS);
  });
});

describe('retryAfterDelay', () => {
  it('reads seconds and HTTP dates, capped, and ignores nonsense', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterDelay('2', now)).toBe(2_000);
    expect(retryAfterDelay('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5_000);
    expect(retryAfterDelay('86400', now)).toBe(MAX_RETRY_DELAY_MS);
    expect(retryAfterDelay('soon', now)).toBeUndefined();
    expect(retryAfterDelay(undefined, now)).toBeUndefined();
  });
});
