import { formatSize } from './describe';
import { ConfigDriveError } from './errors';
import type { DecodeOptions } from './types';

/**
 * The deploy agent's own cap on a config drive.
 *
 * @public
 */
export const DEFAULT_MAX_CONFIG_DRIVE_BYTES = 64 * 1024 * 1024;
/**
 * How long fetching a config drive URL may take, passed to the fetcher and enforced around it.
 *
 * @public
 */
export const DEFAULT_FETCH_TIMEOUT_MS = 10_000;

export interface DecodeLimits {
  maxBytes: number;
  timeoutMs: number;
}

export function resolveLimits(options: DecodeOptions): DecodeLimits {
  return { maxBytes: options.maxBytes ?? DEFAULT_MAX_CONFIG_DRIVE_BYTES, timeoutMs: options.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS };
}

export function checkSize(size: number, maxBytes: number, what: string): void {
  if (size > maxBytes) throw tooLarge(what, maxBytes, formatSize(size));
}

export function tooLarge(what: string, maxBytes: number, found: string): ConfigDriveError {
  return new ConfigDriveError('too-large', `expected ${what} of at most ${formatSize(maxBytes)}, found ${found}`);
}
