import { ConfigDriveError } from '../errors';
import { DIRECTORY_FLAG, SELF_IDENTIFIER, encodeDirectoryRecord } from './directory-record';
import { buildDirectoryTree, type DirectoryNode, type FileNode, type TreeNode } from './directory-tree';
import { FIRST_DESCRIPTOR_SECTOR, SECTOR_SIZE, sectorsFor } from './fields';
import { planHierarchy, type PlannedDirectory } from './hierarchy';
import { joliet, primaryWithRockRidge } from './namings';
import { encodePathTable, pathTableSize } from './path-table';
import { encodeTerminator, encodeVolumeDescriptor } from './volume-descriptor';

/**
 * How to label and stamp a written image.
 *
 * @public
 */
export interface Iso9660WriteOptions {
  /** The volume label, at most 16 characters (Joliet's limit); config drives use `config-2`. */
  volumeId: string;
  publisher?: string;
  /** The time stamped on the volume and every record; now by default. Fix it for reproducible images. */
  date?: Date;
}

const MAX_VOLUME_ID_LENGTH = 16;
const APPLICATION = 'IRONIC-METADATA CONFIGDRIVE';

/** A laid-out tree: its directories in path table order, and where each one and its path tables go. */
interface PlacedTree {
  kind: 'primary' | 'joliet';
  directories: PlannedDirectory[];
  directoryExtents: number[];
  pathTable: { size: number; littleEndianSector: number; bigEndianSector: number };
}

/**
 * Writes an ISO 9660 image holding `files` (relative path -> bytes), with Rock Ridge and Joliet names,
 * the way `genisoimage -J -r` lays one out: descriptors, path tables, directories, then file data.
 *
 * @throws {@link ConfigDriveError} with code `unsupported` when `options.volumeId` is not 1 to 16 printable ASCII characters.
 * @public
 */
export function writeIso9660(files: ReadonlyMap<string, Uint8Array>, options: Iso9660WriteOptions): Buffer {
  checkVolumeId(options.volumeId);
  const root = buildDirectoryTree(files);
  const date = options.date ?? new Date();
  const descriptorSectors = 3; // primary, Joliet, terminator
  let nextSector = FIRST_DESCRIPTOR_SECTOR + descriptorSectors;
  const allocate = (bytes: number): number => {
    const first = nextSector;
    nextSector += sectorsFor(bytes);
    return first;
  };

  const trees = (['primary', 'joliet'] as const).map((kind): PlacedTree => {
    const directories = planHierarchy(root, kind === 'primary' ? primaryWithRockRidge : joliet);
    const size = pathTableSize(directories);
    return {
      kind,
      directories,
      directoryExtents: [],
      pathTable: { size, littleEndianSector: allocate(size), bigEndianSector: allocate(size) },
    };
  });
  for (const tree of trees) tree.directoryExtents = tree.directories.map((directory) => allocate(directory.size));
  const fileExtents = new Map<FileNode, number>();
  for (const file of filesOf(root)) fileExtents.set(file, file.data.length === 0 ? 0 : allocate(file.data.length));

  const image = Buffer.alloc(nextSector * SECTOR_SIZE);
  const put = (bytes: Buffer, sector: number, offset = 0): void => void bytes.copy(image, sector * SECTOR_SIZE + offset);
  trees.forEach((tree, index) => {
    const locate = locator(tree, fileExtents);
    const rootRecord = encodeDirectoryRecord(
      Object.assign({}, locate(root), { flags: DIRECTORY_FLAG, identifier: SELF_IDENTIFIER, systemUse: Buffer.alloc(0) }),
      date,
    );
    const content = { kind: tree.kind, volumeId: options.volumeId, publisher: options.publisher ?? '', application: APPLICATION };
    put(
      encodeVolumeDescriptor(Object.assign({}, content, { volumeSectors: nextSector, pathTable: tree.pathTable, rootRecord, date })),
      FIRST_DESCRIPTOR_SECTOR + index,
    );
    put(encodePathTable(tree.directories, tree.directoryExtents, 'little'), tree.pathTable.littleEndianSector);
    put(encodePathTable(tree.directories, tree.directoryExtents, 'big'), tree.pathTable.bigEndianSector);
    tree.directories.forEach((directory, d) => {
      directory.entries.forEach((entry, e) => {
        const flags = entry.target.kind === 'directory' ? DIRECTORY_FLAG : 0;
        const record = encodeDirectoryRecord(
          Object.assign({}, locate(entry.target), { flags, identifier: entry.identifier, systemUse: entry.systemUse }),
          date,
        );
        put(record, tree.directoryExtents[d], directory.offsets[e]);
      });
    });
  });
  put(encodeTerminator(), FIRST_DESCRIPTOR_SECTOR + trees.length);
  for (const [file, extent] of fileExtents) put(file.data, extent);
  return image;
}

/** Where a node's data lies in one tree: its own directory extents, the shared file extents. */
function locator(tree: PlacedTree, fileExtents: ReadonlyMap<FileNode, number>): (node: TreeNode) => { extent: number; size: number } {
  const directories = new Map(
    tree.directories.map((directory, index) => [directory.node, { extent: tree.directoryExtents[index], size: directory.size }]),
  );
  return (node) =>
    node.kind === 'file'
      ? { extent: fileExtents.get(node) as number, size: node.data.length }
      : (directories.get(node) as { extent: number; size: number });
}

function* filesOf(directory: DirectoryNode): Generator<FileNode> {
  for (const child of directory.children) {
    if (child.kind === 'file') yield child;
    else yield* filesOf(child);
  }
}

function checkVolumeId(volumeId: string): void {
  if (volumeId.length === 0 || volumeId.length > MAX_VOLUME_ID_LENGTH || !/^[\x20-\x7e]+$/.test(volumeId)) {
    throw new ConfigDriveError(
      'unsupported',
      `expected a volume id of 1 to ${MAX_VOLUME_ID_LENGTH} printable ASCII characters, found ${JSON.stringify(volumeId)}`,
    );
  }
}
