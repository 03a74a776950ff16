import { randomBytes } from 'node:crypto';

export const TOKEN_TTL_MIN_SECONDS = 1;
export const TOKEN_TTL_MAX_SECONDS = 21600;

export type TokenCheck = 'valid' | 'invalid' | 'expired' | 'wrong-client';

/**
 * IMDSv2 session tokens: issued by `PUT /latest/api/token` for a TTL of 1 to 21600 seconds, each
 * valid only for the client address that asked for it.
 */
export class SessionTokens {
  private readonly tokens = new Map<string, { clientIp: string; expiresAt: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    /** Bounds memory under a flood of PUTs; the oldest tokens go first. */
    private readonly maxTokens = 100_000,
  ) {}

  issue(clientIp: string, ttlSeconds: number): string {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < TOKEN_TTL_MIN_SECONDS || ttlSeconds > TOKEN_TTL_MAX_SECONDS) {
      throw new RangeError(`the token TTL must be a whole number of seconds from ${TOKEN_TTL_MIN_SECONDS} to ${TOKEN_TTL_MAX_SECONDS}`);
    }
    this.evict();
    const token = randomBytes(32).toString('base64url');
    this.tokens.set(token, { clientIp, expiresAt: this.now() + ttlSeconds * 1000 });
    return token;
  }

  check(token: string, clientIp: string): TokenCheck {
    const entry = this.tokens.get(token);
    if (!entry) return 'invalid';
    if (entry.expiresAt <= this.now()) {
      this.tokens.delete(token);
      return 'expired';
    }
    return entry.clientIp === clientIp ? 'valid' : 'wrong-client';
  }

  private evict(): void {
    if (this.tokens.size < this.maxTokens) return;
    const now = this.now();
    for (const [token, entry] of this.tokens) if (entry.expiresAt <= now) this.tokens.delete(token);
    // Map iteration is insertion order, so what remains first is the oldest.
    for (const token of this.tokens.keys()) {
      if (this.tokens.size < this.maxTokens) break;
      this.tokens.delete(token);
    }
  }
}
