import { ConfigDriveError } from './errors';
import { checkSize } from './limits';

const TRAILING_PADDING = /(?:=\s*){1,2}$/;
const NOT_BASE64 = /[^A-Za-z0-9+/\s]/;
const WHITESPACE = /\s/g;

/**
 * Strict base64 (standard alphabet; line breaks allowed, as `base64` wraps its output): Node's own
 * decoder skips anything it does not know, which would turn a typo into a corrupt image.
 */
export function decodeBase64(text: string, expected: string, maxBytes: number): Buffer {
  const body = text.replace(TRAILING_PADDING, '');
  const invalid = body.search(NOT_BASE64);
  if (invalid >= 0)
    throw new ConfigDriveError('invalid-encoding', `expected ${expected}, found invalid base64 at character ${invalid + 1}`);
  const digits = body.replace(WHITESPACE, '');
  if (digits.length % 4 === 1) {
    throw new ConfigDriveError(
      'invalid-encoding',
      `expected ${expected}, found truncated base64 (${digits.length} digits, which no byte count gives)`,
    );
  }
  // Checked before decoding, so an oversized text is refused without allocating its bytes.
  checkSize(Math.floor((digits.length * 3) / 4), maxBytes, expected);
  return Buffer.from(digits, 'base64');
}
