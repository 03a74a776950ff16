import { PARENT_IDENTIFIER, SELF_IDENTIFIER, directoryRecordLength, layoutDirectory } from './directory-record';
import type { DirectoryNode, TreeNode } from './directory-tree';

/**
 * One tree of directory records over the files: the primary tree (plain names plus Rock Ridge) or the
 * Joliet tree. Both share the files' data; each has its own directories and path tables.
 */

export type EntryRole = 'self' | 'parent' | 'child';

/** How a tree names its entries and what it puts in their System Use areas. */
export interface Naming {
  /** One identifier per child, in the same order, unique within the directory. */
  identifiers(children: readonly TreeNode[]): Buffer[];
  systemUse(target: TreeNode, role: EntryRole, inRootDirectory: boolean): Buffer;
}

export interface PlannedEntry {
  target: TreeNode;
  identifier: Buffer;
  systemUse: Buffer;
}

export interface PlannedDirectory {
  node: DirectoryNode;
  /** As the parent's record and the path table name it; the root's is 0x00. */
  identifier: Buffer;
  /** Path table number (1-based) of the parent; the root is its own parent. */
  parentNumber: number;
  /** ".", "..", then the children sorted by identifier. */
  entries: PlannedEntry[];
  /** Byte offset of each entry's record within the directory. */
  offsets: number[];
  /** Whole sectors. */
  size: number;
}

/** Every directory in path table order: breadth first, siblings sorted by identifier. */
export function planHierarchy(root: DirectoryNode, naming: Naming): PlannedDirectory[] {
  const planned: PlannedDirectory[] = [];
  const queue: { node: DirectoryNode; identifier: Buffer; parent: DirectoryNode; parentNumber: number }[] = [
    { node: root, identifier: SELF_IDENTIFIER, parent: root, parentNumber: 1 },
  ];
  for (let index = 0; index < queue.length; index++) {
    const { node, identifier, parent, parentNumber } = queue[index];
    const isRoot = node === root;
    const identifiers = naming.identifiers(node.children);
    const children = node.children
      .map((child, i) => ({ target: child, identifier: identifiers[i], systemUse: naming.systemUse(child, 'child', isRoot) }))
      .sort((a, b) => Buffer.compare(a.identifier, b.identifier));
    const entries: PlannedEntry[] = [
      { target: node, identifier: SELF_IDENTIFIER, systemUse: naming.systemUse(node, 'self', isRoot) },
      { target: parent, identifier: PARENT_IDENTIFIER, systemUse: naming.systemUse(parent, 'parent', isRoot) },
      ...children,
    ];
    const { offsets, size } = layoutDirectory(
      entries.map((entry) => directoryRecordLength(entry.identifier.length, entry.systemUse.length)),
    );
    planned.push({ node, identifier, parentNumber, entries, offsets, size });
    for (const child of children) {
      if (child.target.kind === 'directory')
        queue.push({ node: child.target, identifier: child.identifier, parent: node, parentNumber: index + 1 });
    }
  }
  return planned;
}
