/**
 * The segments of a (percent-decoded) path once `.` and `..` are resolved, as Python's
 * `posixpath.normpath` resolves them: empty and `.` segments are dropped, `..` drops the segment
 * before it. Nova normalises every metadata path this way before the lookup (nova
 * `nova/api/metadata/base.py`, `InstanceMetadata.lookup`), so `/latest/meta-data/../user-data` is
 * the user data. Undefined when a `..` climbs above the root, which has no parent: such a path
 * names nothing (404).
 */
export function resolveDotSegments(path: string): string[] | undefined {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') segments.push(segment);
    else if (segments.pop() === undefined) return undefined;
  }
  return segments;
}
