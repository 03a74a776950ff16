import { describe, describeBytes, formatSize } from './describe';
import { ConfigDriveError } from './errors';
import { decodeImageBytes, decodeImageString, isGzip } from './decode-image';
import { hasIsoSignature } from './iso9660/volume-descriptor';
import { checkSize, resolveLimits } from './limits';
import type { ConfigDrive, DecodeOptions } from './types';

const BASE64_TEXT = /^[A-Za-z0-9+/=\s]*$/;

/**
 * A config drive stored as a URL (e.g. a Swift temp URL): fetched through the caller's fetcher, then
 * decoded as base64 text when it is text, else as image bytes.
 */
export async function fetchConfigDrive(url: string, options: DecodeOptions): Promise<ConfigDrive> {
  const shown = redacted(url);
  const { fetcher } = options;
  if (fetcher === undefined) {
    throw new ConfigDriveError(
      'unsupported',
      `the config drive is a URL (${shown}) but no fetcher was given: pass options.fetcher to decodeConfigDrive`,
    );
  }
  const { maxBytes, timeoutMs } = resolveLimits(options);
  const body: unknown = await withTimeout(async () => fetcher(url, { maxBytes, timeoutMs }), timeoutMs, shown);
  if (!Buffer.isBuffer(body) && !(body instanceof Uint8Array)) {
    throw new ConfigDriveError('fetch-failed', `expected the fetcher to return the bytes of ${shown}, found ${describe(body)}`);
  }
  const bytes = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  checkSize(bytes.length, maxBytes, `the config drive at ${shown}`);
  if (isGzip(bytes) || hasIsoSignature(bytes)) return decodeImageBytes(bytes, options);
  const text = bytes.toString('latin1');
  if (BASE64_TEXT.test(text)) return decodeImageString(text, options);
  throw new ConfigDriveError(
    'invalid-image',
    `expected ${shown} to hold an ISO 9660 image, gzip of one, or base64 of either, found ${formatSize(bytes.length)} starting ${describeBytes(bytes)}`,
  );
}

/** The URL as it may appear in messages and logs: temp URL signatures live in the query. */
function redacted(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigDriveError('unsupported', `expected an http or https URL, found ${describe(url)}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ConfigDriveError(
      'unsupported',
      `expected an http or https URL, found the scheme ${JSON.stringify(parsed.protocol.replace(/:$/, ''))}`,
    );
  }
  return `${parsed.origin}${parsed.pathname}`;
}

/** The fetcher is asked to give up after timeoutMs; this makes sure a fetcher that does not cannot hang us. */
async function withTimeout<T>(fetch: () => Promise<T>, timeoutMs: number, shown: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ConfigDriveError('fetch-failed', `fetching ${shown} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([fetch(), timeout]);
  } catch (error) {
    if (error instanceof ConfigDriveError) throw error;
    throw new ConfigDriveError('fetch-failed', `fetching ${shown} failed: ${(error as Error)?.message ?? String(error)}`);
  } finally {
    clearTimeout(timer);
  }
}
