import { ec2MetaDataTree, isEc2Directory, type Ec2Directory, type Ec2Node } from './ec2-tree';
import type { InstanceMetadata } from './instance-metadata';
import { found, foundListing, notFound, type Found, type Rendered } from './rendered';
import { EC2_VERSIONS, LATEST, type Ec2Version } from './versions';

/** `/`: every EC2 version, then `latest`. */
export function renderEc2Versions(): Found {
  return foundListing([...EC2_VERSIONS, LATEST]);
}

/** `/<version>/...`: the version's listing, `user-data`, or anything under `meta-data/`. */
export function renderEc2Path(md: InstanceMetadata, version: Ec2Version, segments: readonly string[]): Rendered {
  const [top, ...rest] = segments;
  if (top === undefined) return foundListing(md.userData === undefined ? ['meta-data/'] : ['meta-data/', 'user-data']);
  if (top === 'user-data' && rest.length === 0) {
    return md.userData === undefined ? notFound('the instance has no user data') : found(md.userData);
  }
  if (top !== 'meta-data') return notFound(`no ${segments.join('/')} in EC2 metadata version ${version}`);

  let node: Ec2Node = ec2MetaDataTree(md, version);
  for (const [depth, name] of rest.entries()) {
    const parent = ['meta-data', ...rest.slice(0, depth)].join('/');
    if (!isEc2Directory(node)) return notFound(`${parent} is a file, not a directory`);
    // Own entries only: `constructor` or `__proto__` in a path must not reach Object.prototype.
    if (!Object.hasOwn(node, name)) return notFound(`no ${name} in ${parent}/`);
    node = node[name];
  }
  if (!isEc2Directory(node)) return typeof node === 'string' ? found(node) : foundListing(node);
  return foundListing(listing(node, rest.join('/') === 'public-keys' ? publicKeyLabeller(md) : undefined));
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
