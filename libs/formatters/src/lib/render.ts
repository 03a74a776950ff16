import type { RenderContext } from './context';
import { renderEc2Path, renderEc2Versions } from './ec2-render';
import type { InstanceMetadata } from './instance-metadata';
import type { MetadataPath } from './metadata-path';
import { renderNoCloudPath } from './nocloud-tree';
import { renderOpenStackPath, renderOpenStackVersions } from './openstack-tree';
import { notFound, type Rendered } from './rendered';
import { versionAsWritten } from './versions';

/**
 * Renders the GET body of a parsed path. `md` is the asking instance's metadata; it may be
 * undefined for the version listings (the routes of `public` scope, see `ROUTES`), and anything else is then not found.
 *
 * @public
 */
export function renderMetadata(path: MetadataPath, md: InstanceMetadata | undefined, context: RenderContext): Rendered {
  switch (path.tree) {
    case 'ec2-root':
      return renderEc2Versions();
    case 'openstack-root':
      return renderOpenStackVersions(context);
    case 'openstack':
      return md
        ? renderOpenStackPath(md, path.version, path.segments, context, versionAsWritten(path))
        : notFound('no instance metadata for this client');
    case 'ec2':
      return md ? renderEc2Path(md, path.version, path.segments, versionAsWritten(path)) : notFound('no instance metadata for this client');
    case 'nocloud':
      return md ? renderNoCloudPath(md, path.segments) : notFound('no instance metadata for this client');
  }
}
