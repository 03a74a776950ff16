import type { TreeNode } from './directory-tree';
import type { Naming } from './hierarchy';
import { primaryIdentifiers } from './iso-names';
import { jolietIdentifier } from './joliet';
import { ROCK_RIDGE_EXTENSION, alternateName, posixAttributes } from './rock-ridge';
import { SUSP_INDICATOR } from './susp';

/** The two trees we write, as genisoimage -J -r does. */

/** Plain level 2 identifiers for old readers, with the real names and modes in Rock Ridge entries. */
export const primaryWithRockRidge: Naming = {
  identifiers: (children) => primaryIdentifiers(children.map((child) => ({ name: child.name, isDirectory: child.kind === 'directory' }))),
  systemUse(target, role, inRootDirectory) {
    const entries = [posixAttributes(target.kind === 'directory', linkCount(target))];
    if (role === 'child') entries.push(alternateName(target.name));
    // The root's "." record announces SUSP (SP must come first) and names the extension in use.
    if (role === 'self' && inRootDirectory) return Buffer.concat([SUSP_INDICATOR, ...entries, ROCK_RIDGE_EXTENSION]);
    return Buffer.concat(entries);
  },
};

/** UCS-2 names, read by Windows and by Linux when Rock Ridge is absent. */
export const joliet: Naming = {
  identifiers: (children) => children.map((child) => jolietIdentifier(child.name)),
  systemUse: () => Buffer.alloc(0),
};

/** POSIX link count: a directory is linked from its parent, its "." and each subdirectory's "..". */
function linkCount(node: TreeNode): number {
  return node.kind === 'file' ? 1 : 2 + node.children.filter((child) => child.kind === 'directory').length;
}
