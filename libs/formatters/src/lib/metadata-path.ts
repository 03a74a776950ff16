import type { PathContext } from './context';
import { resolveDotSegments } from './dot-segments';
import { notFound, type NotFound } from './rendered';
import { resolveEc2Version, resolveOpenStackVersion, type Ec2Version, type OpenStackVersion } from './versions';

/**
 * A request path, understood without knowing who asks. `version` is the version whose content is
 * served (`latest` resolved); `requestedVersion` is what the client wrote; `segments` are what
 * follows the version, with empty, `.` and `..` segments already resolved.
 *
 * @public
 */
export type MetadataPath =
  | { tree: 'ec2-root' }
  | { tree: 'openstack-root' }
  | { tree: 'openstack'; version: OpenStackVersion; requestedVersion: string; segments: string[] }
  | { tree: 'ec2'; version: Ec2Version; requestedVersion: string; segments: string[] }
  | { tree: 'nocloud'; segments: string[] };

/**
 * Parses a URL path (without its query string) the way Nova's metadata handler does: percent
 * escapes decoded, then normalised like `posixpath.normpath` (so a trailing slash, `//`, `.` and
 * `..` make no difference; see `resolveDotSegments`); `/openstack/...` is the OpenStack tree,
 * `/ec2/...` and everything else the EC2 tree. Not found: malformed escapes, a path whose `..`
 * climbs above the root, unknown versions, and OpenStack versions dated after `context.now`.
 *
 * @public
 */
export function parseMetadataPath(path: string, context: PathContext): MetadataPath | NotFound {
  const decoded = percentDecoded(path);
  if (decoded === undefined) return notFound(`malformed percent-encoding in ${JSON.stringify(path)}`);
  const segments = resolveDotSegments(decoded);
  if (segments === undefined) return notFound(`${JSON.stringify(path)} climbs above the root with ".."`);

  const [top, version, ...rest] = segments;
  if (top === 'openstack') {
    if (version === undefined) return { tree: 'openstack-root' };
    const resolved = resolveOpenStackVersion(version, context.now);
    if (resolved === undefined) return notFound(`OpenStack metadata version ${JSON.stringify(version)} is not offered`);
    return { tree: 'openstack', version: resolved, requestedVersion: version, segments: rest };
  }

  // `/nocloud/...` is cloud-init's NoCloud seed (`seedfrom`), as Tinkerbell's tootles serves it: no versions.
  if (top === 'nocloud') return { tree: 'nocloud', segments: segments.slice(1) };

  // Nova serves the EC2 tree both at the root and under /ec2.
  const ec2Segments = top === 'ec2' ? segments.slice(1) : segments;
  const [ec2Version, ...ec2Rest] = ec2Segments;
  if (ec2Version === undefined) return { tree: 'ec2-root' };
  const resolved = resolveEc2Version(ec2Version);
  if (resolved === undefined) return notFound(`EC2 metadata version ${JSON.stringify(ec2Version)} is not offered`);
  return { tree: 'ec2', version: resolved, requestedVersion: ec2Version, segments: ec2Rest };
}

function percentDecoded(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}
