import { STATUS_CODES } from 'node:http';

/**
 * A request refused with an HTTP status: the one shape of every refusal, from the path guard to the
 * listener. `reason` says what was wrong (and what to do), after the status's reason phrase; `headers`
 * go with it (Retry-After, Allow). Build one with `refuse`.
 */
export interface Refusal {
  readonly status: number;
  readonly reason?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A refusal with `status` (an error status, 400 to 599). Throws a RangeError for a status `node:http`
 * has no reason phrase for, as that is a programming error.
 */
export function refuse(status: number, reason?: string, headers?: Record<string, string>): Refusal {
  if (status < 400 || STATUS_CODES[status] === undefined) throw new RangeError(`${status} is not an HTTP error status`);
  return { status, reason, headers };
}

/** 503 with Retry-After (5 s), so that cloud-init and the SDKs ask again rather than give up. */
export function unavailable(reason: string): Refusal {
  return refuse(503, reason, { 'retry-after': '5' });
}

/** Plain text, as Nova's webob error bodies. */
export const TEXT_PLAIN_UTF8 = 'text/plain; charset=utf-8';

/**
 * The refusal as it goes on the wire: one line, `<reason phrase>: <reason>`, the phrase from
 * `node:http`'s `STATUS_CODES` in sentence case (`Bad request`, `URI too long`).
 */
export function refusalReply(refusal: Refusal): { status: number; headers: Record<string, string>; body: Buffer } {
  const phrase = sentenceCase(STATUS_CODES[refusal.status] ?? String(refusal.status));
  const line = refusal.reason === undefined ? phrase : `${phrase}: ${refusal.reason}`;
  return { status: refusal.status, headers: { 'content-type': TEXT_PLAIN_UTF8, ...refusal.headers }, body: Buffer.from(`${line}\n`) };
}

/** `Bad Request` → `Bad request`; acronyms stay (`URI Too Long` → `URI too long`). */
function sentenceCase(phrase: string): string {
  return phrase
    .split(' ')
    .map((word, index) => (index === 0 || word === word.toUpperCase() ? word : word.toLowerCase()))
    .join(' ');
}
