import type { RenderContext } from './context';
import { ec2Subtree, renderEc2Path, renderEc2Versions } from './ec2-render';
import { isEc2Directory, type Ec2Directory } from './ec2-tree';
import type { InstanceMetadata } from './instance-metadata';
import { renderNoCloudPath } from './nocloud-tree';
import { renderOpenStackPath, renderOpenStackVersions } from './openstack-tree';
import type { Found, Rendered } from './rendered';
import type { RouteFamily } from './routes';
import { EC2_VERSIONS, LATEST, offeredOpenStackVersions, resolveEc2Version, resolveOpenStackVersion } from './versions';

/**
 * One path the metadata service answers for an instance, and what a GET of it answers.
 *
 * @public
 */
export interface WalkedPath {
  /**
   * The URL path from the root. A listing ends in `/`, as cloud-init asks for one (`/openstack/`,
   * `/openstack/latest/`, `/`, `/2009-04-04/meta-data/public-keys/`); the service answers the same
   * with or without it.
   */
  path: string;
  /** Which tree: Nova's `/openstack/...`, EC2's `/...` (also served under `/ec2/`), cloud-init's `/nocloud/...`. */
  family: Exclude<RouteFamily, 'imds-token'>;
  /** True for a listing, false for a file. */
  listing: boolean;
  /** The answer, byte for byte and with its content type, as the service renders it. */
  rendered: Found;
}

/**
 * Every path the service answers for `md`, with its body: the OpenStack version listing, then each
 * offered version (those dated on or before `context.now`) and `latest`, its listing and files; the EC2
 * version listing, then each EC2 version and `latest`, depth first, a directory's listing before what
 * it holds; then the NoCloud seed. Writes (POST `password`, PUT `latest/api/token`) and `/ec2/...`,
 * the same tree again, are not walked.
 *
 * Nova serves one tree two ways the same: its `InstanceMetadata.metadata_for_config_drive`
 * (openstack/nova `nova/api/metadata/base.py`) walks every version through the `lookup` that answers
 * HTTP. This walk renders every body with the renderers `renderMetadata` uses, so it cannot differ
 * from what a GET answers. `context.randomSeed` is read once per `meta_data.json` (Grizzly and later).
 *
 * @throws Error when a listing names an entry that does not render: a fault of this library, never
 *   of the input.
 *
 * @public
 */
export function* walkMetadata(md: InstanceMetadata, context: RenderContext): Generator<WalkedPath> {
  yield* walkOpenStack(md, context);
  yield* walkEc2(md);
  yield* walkNoCloud(md);
}

function* walkOpenStack(md: InstanceMetadata, context: RenderContext): Generator<WalkedPath> {
  const listingOf = (path: string, rendered: Found): WalkedPath => ({ path, family: 'openstack', listing: true, rendered });
  yield listingOf('/openstack/', renderOpenStackVersions(context));
  for (const requested of [...offeredOpenStackVersions(context.now), LATEST]) {
    const version = resolveOpenStackVersion(requested, context.now);
    // No version is offered before 2012-08-10, and then `latest` names none either.
    if (version === undefined) continue;
    const base = `/openstack/${requested}/`;
    const listing = mustFind(base, renderOpenStackPath(md, version, [], context));
    yield listingOf(base, listing);
    for (const name of entries(listing)) {
      yield {
        path: `${base}${name}`,
        family: 'openstack',
        listing: false,
        rendered: mustFind(`${base}${name}`, renderOpenStackPath(md, version, [name], context)),
      };
    }
  }
}

function* walkEc2(md: InstanceMetadata): Generator<WalkedPath> {
  yield { path: '/', family: 'ec2', listing: true, rendered: renderEc2Versions() };
  for (const requested of [...EC2_VERSIONS, LATEST]) {
    // Every name in the list resolves: `latest` to the newest version.
    const version = resolveEc2Version(requested) ?? EC2_VERSIONS[EC2_VERSIONS.length - 1];
    const render = (segments: string[]): Rendered => renderEc2Path(md, version, segments);
    const base = `/${requested}/`;
    const listing = mustFind(base, render([]));
    yield { path: base, family: 'ec2', listing: true, rendered: listing };
    for (const entry of entries(listing)) {
      const name = entry.replace(/\/$/, '');
      const tree = entry.endsWith('/') ? ec2Subtree(md, version, name) : undefined;
      if (tree) yield* walkEc2Directory(base, [name], tree, render);
      else yield { path: `${base}${name}`, family: 'ec2', listing: false, rendered: mustFind(`${base}${name}`, render([name])) };
    }
  }
}

/** A directory of the EC2 tree from its data, not its listing: public keys are listed as `0=name`, yet live at `0/`. */
function* walkEc2Directory(
  base: string,
  segments: string[],
  directory: Ec2Directory,
  render: (segments: string[]) => Rendered,
): Generator<WalkedPath> {
  const path = `${base}${segments.join('/')}/`;
  yield { path, family: 'ec2', listing: true, rendered: mustFind(path, render(segments)) };
  for (const name of Object.keys(directory).sort()) {
    const node = directory[name];
    if (isEc2Directory(node)) yield* walkEc2Directory(base, [...segments, name], node, render);
    else yield { path: `${path}${name}`, family: 'ec2', listing: false, rendered: mustFind(`${path}${name}`, render([...segments, name])) };
  }
}

function* walkNoCloud(md: InstanceMetadata): Generator<WalkedPath> {
  const listing = mustFind('/nocloud/', renderNoCloudPath(md, []));
  yield { path: '/nocloud/', family: 'nocloud', listing: true, rendered: listing };
  for (const name of entries(listing)) {
    yield {
      path: `/nocloud/${name}`,
      family: 'nocloud',
      listing: false,
      rendered: mustFind(`/nocloud/${name}`, renderNoCloudPath(md, [name])),
    };
  }
}

/** A listing's lines, as `foundListing` joins them. */
function entries(listing: Found): string[] {
  const text = listing.body.toString('utf8');
  return text === '' ? [] : text.split('\n');
}

function mustFind(path: string, rendered: Rendered): Found {
  if (rendered.status !== 200) throw new Error(`the metadata walk reached ${path}, which does not render: ${rendered.reason}`);
  return rendered;
}
