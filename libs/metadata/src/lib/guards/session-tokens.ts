import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOKEN_TTL_MIN_SECONDS = 1;
export const TOKEN_TTL_MAX_SECONDS = 21600;
/** The shortest signing key accepted: HMAC-SHA256's output size (RFC 2104 section 3). */
export const TOKEN_KEY_MIN_BYTES = 32;

export type TokenCheck = 'valid' | 'invalid' | 'expired';

const VERSION = 'v1';
/** `v1.<expiry>.<mac>`: expiry in whole Unix seconds, mac 32 bytes in unpadded base64url (43 characters). */
const TOKEN_SHAPE = /^v1\.(\d{1,12})\.[A-Za-z0-9_-]{43}$/;

/**
 * IMDSv2 session tokens, issued by `PUT /latest/api/token` for a TTL of 1 to 21600 seconds and
 * valid only for the client address that asked for it (AWS, "Use the Instance Metadata Service
 * to access instance metadata", IMDSv2).
 *
 * A token carries its own proof, so any replica holding the same keys accepts it, and a restart
 * forgets nothing: `v1.<expiry>.<mac>`, where expiry is the Unix time in seconds at which it ends
 * and mac is HMAC-SHA256 under the signing key of `v1.<expiry>.<client address>`, in unpadded
 * base64url. The first key signs; every key verifies, so that keys can rotate: add the new key
 * second on every replica, then move it first, then remove the old one once its tokens ended
 * (at most 6 hours). Nothing is stored per token.
 */
export class SessionTokens {
  private keys: readonly Buffer[];
  /**
   * True when the keys were given (IMDS_TOKEN_KEY_FILE), so every replica verifies the same tokens
   * and a token none of them verifies is proven bad; false with this process's own random key.
   */
  readonly shared: boolean;

  /**
   * @param keys signing keys of at least 32 bytes, the first signs; none: one random key of this
   * process only, so other replicas refuse its tokens and a restart ends them. Throws RangeError
   * for a shorter key.
   * @param shared whether every replica holds `keys` (a key file); false for a key that only this
   * replica's own processes share (its workers'), which other replicas and a restart do not know.
   */
  constructor(
    keys: readonly Buffer[] = [],
    private readonly now: () => number = Date.now,
    shared = keys.length > 0,
  ) {
    this.keys = [];
    this.shared = shared && keys.length > 0;
    this.useKeys(keys.length > 0 ? keys : [randomBytes(TOKEN_KEY_MIN_BYTES)]);
  }

  /** Replaces the keys (a rotation read again from the key file); the same rules as the constructor's. */
  useKeys(keys: readonly Buffer[]): void {
    if (keys.length === 0) throw new RangeError('no IMDSv2 token key given');
    const short = keys.findIndex((key) => key.length < TOKEN_KEY_MIN_BYTES);
    if (short !== -1)
      throw new RangeError(
        `IMDSv2 token key ${short + 1} is ${keys[short].length} bytes; every key must be at least ${TOKEN_KEY_MIN_BYTES}`,
      );
    this.keys = [...keys];
  }

  /** A token for `clientIp` that ends `ttlSeconds` from now. Throws RangeError for a TTL outside 1..21600 whole seconds. */
  issue(clientIp: string, ttlSeconds: number): string {
    if (!Number.isInteger(ttlSeconds) || ttlSeconds < TOKEN_TTL_MIN_SECONDS || ttlSeconds > TOKEN_TTL_MAX_SECONDS) {
      throw new RangeError(`the token TTL must be a whole number of seconds from ${TOKEN_TTL_MIN_SECONDS} to ${TOKEN_TTL_MAX_SECONDS}`);
    }
    // Rounded down to the second it was asked in: the token never outlives the TTL asked for.
    return tokenFor(this.keys[0], Math.floor(this.now() / 1000) + ttlSeconds, clientIp);
  }

  /**
   * `valid` for a token some key signed for `clientIp` that has not ended; `expired` for one that
   * has; `invalid` for anything else (forged, altered in any byte, or issued to another address).
   * The comparison takes the same time wherever a token differs, and tries every key.
   */
  check(token: string, clientIp: string): TokenCheck {
    const shape = TOKEN_SHAPE.exec(token);
    if (!shape) return 'invalid';
    const expiry = Number(shape[1]);
    const given = Buffer.from(token);
    let signed = false;
    for (const key of this.keys) {
      // The whole canonical token is rebuilt and compared, so no other spelling of it verifies.
      const expected = Buffer.from(tokenFor(key, expiry, clientIp));
      signed = (expected.length === given.length && timingSafeEqual(expected, given)) || signed;
    }
    if (!signed) return 'invalid';
    return expiry * 1000 <= this.now() ? 'expired' : 'valid';
  }
}

function tokenFor(key: Buffer, expiry: number, clientIp: string): string {
  const mac = createHmac('sha256', key).update(`${VERSION}.${expiry}.${clientIp}`).digest('base64url');
  return `${VERSION}.${expiry}.${mac}`;
}
