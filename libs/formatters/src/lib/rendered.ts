/**
 * A path that names nothing; `reason` says why, for logs and for the 404 body.
 *
 * @public
 */
export interface NotFound {
  status: 404;
  reason: string;
}

/**
 * A file or a listing, exactly as it goes on the wire.
 *
 * @public
 */
export interface Found {
  status: 200;
  contentType: string;
  body: Buffer;
}

/**
 * What a GET of a metadata path answers.
 *
 * @public
 */
export type Rendered = Found | NotFound;

/** Nova's default for everything but the JSON documents it marks as JSON. */
export const TEXT_PLAIN = 'text/plain';
export const APPLICATION_JSON = 'application/json';

export function notFound(reason: string): NotFound {
  return { status: 404, reason };
}

export function found(body: Buffer | string, contentType: string = TEXT_PLAIN): Found {
  return { status: 200, contentType, body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body };
}

export function foundJson(value: unknown, contentType: string = APPLICATION_JSON): Found {
  return found(JSON.stringify(value), contentType);
}

/** A directory listing: one entry a line, no trailing newline, as Nova's `ec2_md_print` joins them. */
export function foundListing(entries: readonly string[]): Found {
  return found(entries.join('\n'));
}
