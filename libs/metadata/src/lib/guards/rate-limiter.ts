/**
 * A token bucket per client address: `perSecond` requests a second with bursts of twice that. Each
 * address has its own bucket, so ten thousand nodes booting at once are not throttled, while one
 * client looping on the service is.
 */
export class ClientRateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly burst: number;

  constructor(
    private readonly perSecond: number,
    private readonly clock: () => number = Date.now,
    /** Bounds memory under a flood of distinct addresses; idle buckets are full anyway. */
    private readonly maxClients = 200_000,
  ) {
    this.burst = perSecond * 2;
  }

  /** True when the client may make this request. */
  allow(client: string): boolean {
    const now = this.clock();
    const bucket = this.buckets.get(client);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond) : this.burst;
    const allowed = tokens >= 1;
    const left = allowed ? tokens - 1 : tokens;
    if (bucket) {
      // Updated in place: a new object per request would be garbage in the old generation, where the map lives.
      bucket.tokens = left;
      bucket.at = now;
    } else {
      if (this.buckets.size >= this.maxClients) this.evictOldest();
      this.buckets.set(client, { tokens: left, at: now });
    }
    return allowed;
  }

  private evictOldest(): void {
    // Map iteration is insertion order (updating a bucket does not move it): the longest-known client goes.
    const oldest = this.buckets.keys().next();
    if (!oldest.done) this.buckets.delete(oldest.value);
  }
}
