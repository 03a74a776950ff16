import { ConfigDriveError } from '../errors';
import { MAX_JOLIET_NAME_LENGTH } from './joliet';

/** The tree the writer lays out, built from `path -> bytes`. Children are kept sorted by name. */
export interface FileNode {
  kind: 'file';
  name: string;
  data: Buffer;
}

export interface DirectoryNode {
  kind: 'directory';
  name: string;
  children: TreeNode[];
}

export type TreeNode = FileNode | DirectoryNode;

/**
 * A Rock Ridge `NM` name must fit in its directory record (255 bytes, even) beside the fixed part (33),
 * the longest plain identifier we make (33) and the `PX` entry (36): 254 - 33 - 33 - 36 - 5 = 147.
 */
export const MAX_NAME_BYTES = 147;

export function buildDirectoryTree(files: ReadonlyMap<string, Uint8Array>): DirectoryNode {
  const root: MutableDirectory = { kind: 'directory', name: '', entries: new Map() };
  for (const [path, data] of files) {
    const names = path.split('/');
    names.forEach((name) => checkName(name, path));
    const fileName = names.pop() as string;
    const parent = names.reduce((directory, name) => subdirectory(directory, name, path), root);
    if (parent.entries.has(fileName)) throw conflict(path);
    parent.entries.set(fileName, { kind: 'file', name: fileName, data: Buffer.from(data) });
  }
  return freeze(root);
}

interface MutableDirectory {
  kind: 'directory';
  name: string;
  entries: Map<string, MutableDirectory | FileNode>;
}

function subdirectory(parent: MutableDirectory, name: string, path: string): MutableDirectory {
  const existing = parent.entries.get(name);
  if (existing?.kind === 'file') throw conflict(path);
  if (existing) return existing;
  const created: MutableDirectory = { kind: 'directory', name, entries: new Map() };
  parent.entries.set(name, created);
  return created;
}

function freeze(directory: MutableDirectory): DirectoryNode {
  const children = [...directory.entries.values()]
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((child) => (child.kind === 'file' ? child : freeze(child)));
  return { kind: 'directory', name: directory.name, children };
}

function checkName(name: string, path: string): void {
  if (name === '' || name === '.' || name === '..' || name.includes('\0')) {
    throw new ConfigDriveError('unsupported', `expected a relative path of plain names separated by "/", found ${JSON.stringify(path)}`);
  }
  if (name.length > MAX_JOLIET_NAME_LENGTH || Buffer.byteLength(name) > MAX_NAME_BYTES) {
    throw new ConfigDriveError(
      'unsupported',
      `expected names of at most ${MAX_JOLIET_NAME_LENGTH} characters and ${MAX_NAME_BYTES} UTF-8 bytes, found ${JSON.stringify(name)} in ${JSON.stringify(path)}`,
    );
  }
}

function conflict(path: string): ConfigDriveError {
  return new ConfigDriveError(
    'unsupported',
    `expected each path to be either a file or a directory, found ${JSON.stringify(path)} used as both`,
  );
}
