import { ec2DynamicTree, ec2MetaDataTree, isEc2Directory, type Ec2Directory, type Ec2Node } from './ec2-tree';
import type { InstanceMetadata } from './instance-metadata';
import { found, foundListing, notFound, type Found, type Rendered } from './rendered';
import { EC2_DYNAMIC_DATA, EC2_VERSIONS, ec2VersionAtLeast, LATEST, type Ec2Version } from './versions';

/** `/`: every EC2 version, then `latest`. */
export function renderEc2Versions(): Found {
  return foundListing([...EC2_VERSIONS, LATEST]);
}

/**
 * `/<version>/...`: the version's listing (`dynamic/` from `EC2_DYNAMIC_DATA` on, `meta-data/`,
 * `user-data` when there is some), `user-data`, or anything under `meta-data/` or `dynamic/`.
 * `writtenAs` is how a not-found message names the version (`versionAsWritten`).
 */
export function renderEc2Path(
  md: InstanceMetadata,
  version: Ec2Version,
  segments: readonly string[],
  writtenAs: string = version,
): Rendered {
  const [top, ...rest] = segments;
  const hasDynamic = ec2VersionAtLeast(version, EC2_DYNAMIC_DATA);
  if (top === undefined)
    return foundListing([...(hasDynamic ? ['dynamic/'] : []), 'meta-data/', ...(md.userData === undefined ? [] : ['user-data'])]);
  if (top === 'user-data' && rest.length === 0) {
    return md.userData === undefined ? notFound('the instance has no user data') : found(md.userData);
  }
  const tree = ec2Subtree(md, version, top);
  if (tree === undefined) return notFound(`no ${segments.join('/')} in EC2 metadata version ${writtenAs}`);

  let node: Ec2Node = tree;
  for (const [depth, name] of rest.entries()) {
    const parent = [top, ...rest.slice(0, depth)].join('/');
    if (!isEc2Directory(node)) return notFound(`${parent} is a file, not a directory`);
    // Own entries only: `constructor` or `__proto__` in a path must not reach Object.prototype.
    if (!Object.hasOwn(node, name)) return notFound(`no ${name} in ${parent}/`);
    node = node[name];
  }
  if (!isEc2Directory(node)) return typeof node === 'string' ? found(node) : foundListing(node);
  return foundListing(listing(node, top === 'meta-data' && rest.join('/') === 'public-keys' ? publicKeyLabeller(md) : undefined));
}

/** The data behind `/<version>/<top>/`: `meta-data/`, or `dynamic/` from `EC2_DYNAMIC_DATA` on; undefined for anything else. */
export function ec2Subtree(md: InstanceMetadata, version: Ec2Version, top: string): Ec2Directory | undefined {
  if (top === 'meta-data') return ec2MetaDataTree(md, version);
  return top === 'dynamic' && ec2VersionAtLeast(version, EC2_DYNAMIC_DATA) ? ec2DynamicTree(md) : undefined;
}

/** Nova's listing: entries sorted, a directory as `name/` unless it has a label of its own. */
function listing(directory: Ec2Directory, label?: (name: string) => string): string[] {
  return Object.keys(directory)
    .sort()
    .map((name) => label?.(name) ?? (isEc2Directory(directory[name]) ? `${name}/` : name));
}

/**
 * EC2 lists public keys as `<index>=<key name>`, without a slash, yet `<index>/` is a directory
 * holding `openssh-key`: cloud-init's crawler knows to read `<index>/openssh-key` for such a line.
 */
function publicKeyLabeller(md: InstanceMetadata): (index: string) => string {
  return (index) => `${index}=${md.publicKeys[Number(index)].name}`;
}
