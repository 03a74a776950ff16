import { readFileSync } from 'node:fs';
import { TOKEN_KEY_MIN_BYTES } from './session-tokens';

/** IMDS_TOKEN_KEY_FILE cannot be used; the message names the file, what is wrong and the fix. `code` is `TOKEN_KEY_FILE`. */
export class TokenKeyFileError extends Error {
  /** Stable code to branch on. */
  readonly code = 'TOKEN_KEY_FILE';

  constructor(message: string) {
    super(message);
    this.name = 'TokenKeyFileError';
  }
}

const CREATE = `one key a line, each at least ${TOKEN_KEY_MIN_BYTES} bytes, e.g. openssl rand -base64 48`;

/**
 * The IMDSv2 token keys of IMDS_TOKEN_KEY_FILE: one key a line (its bytes, surrounding white space
 * and blank lines left out), the first signs, every one verifies. Throws TokenKeyFileError when the
 * file is missing, unreadable or empty, or a key is shorter than 32 bytes (naming the line, never
 * the key).
 */
export function readTokenKeyFile(path: string): Buffer[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new TokenKeyFileError(
        `IMDS_TOKEN_KEY_FILE: ${path} does not exist; create it (${CREATE}) with the same content on every replica`,
      );
    if (code === 'EACCES' || code === 'EPERM') {
      throw new TokenKeyFileError(
        `IMDS_TOKEN_KEY_FILE: ${path} cannot be read by user ${process.getuid?.() ?? '?'}; make the service's user its owner (mode 0400)`,
      );
    }
    throw new TokenKeyFileError(`IMDS_TOKEN_KEY_FILE: ${path} cannot be read: ${(error as Error).message}`);
  }
  const keys: Buffer[] = [];
  for (const [index, line] of text.split('\n').entries()) {
    const key = line.trim();
    if (key === '') continue;
    const bytes = Buffer.from(key, 'utf8');
    if (bytes.length < TOKEN_KEY_MIN_BYTES) {
      throw new TokenKeyFileError(
        `IMDS_TOKEN_KEY_FILE: the key on line ${index + 1} of ${path} is ${bytes.length} bytes; every key must be at least ${TOKEN_KEY_MIN_BYTES} (${CREATE})`,
      );
    }
    keys.push(bytes);
  }
  if (keys.length === 0) throw new TokenKeyFileError(`IMDS_TOKEN_KEY_FILE: ${path} holds no key; write ${CREATE}`);
  return keys;
}
