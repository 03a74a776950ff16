import { refuse, type Refusal } from '../refusal';

/** The longest request path accepted: metadata paths are short, this is generous. */
export const MAX_PATH_LENGTH = 1024;
/** The longest path segment accepted (a MAC directory is 17 characters, a version 10). */
export const MAX_SEGMENT_LENGTH = 255;

/**
 * Why a raw request path (as received, not decoded) is refused before anything looks it up: NUL
 * bytes, double encoding (`%25`), malformed escapes, and oversized paths or segments. Undefined when
 * the path is acceptable. `.` and `..` segments are not refused: the path parser resolves them as
 * Nova does (`resolveDotSegments` in the formatters), and one that climbs above the root is 404.
 */
export function refusePath(rawPath: string): Refusal | undefined {
  if (rawPath.length > MAX_PATH_LENGTH) return refuse(414, `the path is longer than ${MAX_PATH_LENGTH} characters`);
  if (/%25/i.test(rawPath)) return refuse(400, 'the path is percent-encoded twice');
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return refuse(400, 'the path has a malformed percent escape');
  }
  if (decoded.includes('\0')) return refuse(400, 'the path contains a NUL byte');
  if (decoded.split('/').some((segment) => segment.length > MAX_SEGMENT_LENGTH))
    return refuse(400, `a path segment is longer than ${MAX_SEGMENT_LENGTH} characters`);
  return undefined;
}
