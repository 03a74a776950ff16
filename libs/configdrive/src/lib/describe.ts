/** Short descriptions of what was found, for error messages that say what was expected and what was found. */

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (Buffer.isBuffer(value)) return `${value.length} bytes`;
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`;
}

const PRINTABLE = /^[\x20-\x7e]*$/;

/** Up to `limit` bytes as quoted text when printable, else as hex: `"hello"`, `1f 8b 08 00`. */
export function describeBytes(bytes: Buffer, limit = 8): string {
  const head = bytes.subarray(0, limit);
  const text = head.toString('latin1');
  const shown = PRINTABLE.test(text) ? JSON.stringify(text) : head.toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return bytes.length > limit ? `${shown}...` : shown;
}

export function formatSize(bytes: number): string {
  const MiB = 1024 * 1024;
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1).replace(/\.0$/, '')} MiB`;
  return `${bytes} bytes`;
}
