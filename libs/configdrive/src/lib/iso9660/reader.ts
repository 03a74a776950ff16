import { ConfigDriveError } from '../errors';
import { formatSize } from '../describe';
import { DEFAULT_MAX_CONFIG_DRIVE_BYTES } from '../limits';
import { ASSOCIATED_FILE_FLAG, directoryRecords, isDirectory, isSelfOrParent, type DirectoryRecord } from './directory-record';
import { SECTOR_SIZE } from './fields';
import { plainName } from './iso-names';
import { jolietName } from './joliet';
import { interpretRockRidge } from './rock-ridge';
import { readSuspEntries, suspSkipLength, type ContinuationBudget } from './susp';
import { readVolumeRoots } from './volume-descriptor';

/**
 * Bounds on the work a (possibly hostile) image can make the reader do.
 *
 * @public
 */
export interface Iso9660ReadLimits {
  /** Total bytes of all files returned. */
  maxBytes: number;
  /** Files and directories. */
  maxEntries: number;
  maxDepth: number;
}

/**
 * 64 MiB of files (the deploy agent's cap), 10,000 entries, 32 levels: far beyond any real config drive.
 *
 * @public
 */
export const DEFAULT_ISO9660_READ_LIMITS: Iso9660ReadLimits = {
  maxBytes: DEFAULT_MAX_CONFIG_DRIVE_BYTES,
  maxEntries: 10_000,
  maxDepth: 32,
};

/**
 * Which names the files were read under: Rock Ridge is preferred, then Joliet, then plain ISO 9660.
 *
 * @public
 */
export type Iso9660Naming = 'rock-ridge' | 'joliet' | 'iso9660';

/**
 * What an image holds: its label, which names were used, and its files.
 *
 * @public
 */
export interface Iso9660Contents {
  volumeId: string;
  naming: Iso9660Naming;
  /** Every regular file by its path relative to the root (`openstack/latest/user_data`). */
  files: Map<string, Buffer>;
}

/**
 * Reads every file of an ISO 9660 image. Throws ConfigDriveError ('invalid-image' or 'too-large') for
 * anything malformed or beyond `limits`; every extent is checked against the image before it is read.
 *
 * @throws {@link ConfigDriveError} with code `invalid-image` (not ISO 9660, or inconsistent) or `too-large` (over `limits`).
 * @public
 */
export function readIso9660(image: Buffer, limits: Partial<Iso9660ReadLimits> = {}): Iso9660Contents {
  const roots = readVolumeRoots(image);
  const rockRidgeSkip = suspSkipLength(firstRecordOf(image, roots.primaryRoot).systemUse);
  const naming: Iso9660Naming = rockRidgeSkip !== undefined ? 'rock-ridge' : roots.jolietRoot ? 'joliet' : 'iso9660';
  const root = naming === 'joliet' ? (roots.jolietRoot as DirectoryRecord) : roots.primaryRoot;
  const walk = new TreeWalk(image, naming, rockRidgeSkip, Object.assign({}, DEFAULT_ISO9660_READ_LIMITS, limits));
  return { volumeId: roots.volumeId, naming, files: walk.filesUnder(root) };
}

interface PendingDirectory {
  extent: number;
  size: number;
  path: string;
  depth: number;
}

/** One record as the chosen naming sees it. */
type Entry = { kind: 'skipped' } | { kind: 'file'; name: string } | { kind: 'directory'; name: string; extent: number; size: number };

/** One walk over one tree, with the counters that bound it. */
class TreeWalk {
  private readonly files = new Map<string, Buffer>();
  private readonly visitedExtents = new Set<number>();
  /** Continuation areas may add up to the image's size: enough for any real image, and linear. */
  private readonly continuationBudget: ContinuationBudget;
  private entries = 0;
  private totalBytes = 0;

  constructor(
    private readonly image: Buffer,
    private readonly naming: Iso9660Naming,
    private readonly rockRidgeSkip: number | undefined,
    private readonly limits: Iso9660ReadLimits,
  ) {
    this.continuationBudget = { bytesLeft: image.length };
  }

  filesUnder(root: DirectoryRecord): Map<string, Buffer> {
    const pending: PendingDirectory[] = [{ extent: root.extent, size: root.size, path: '', depth: 0 }];
    // Breadth first, through a queue that only grows, by at most maxEntries.
    for (let next = 0; next < pending.length; next++) this.readDirectory(pending[next], pending);
    return this.files;
  }

  /** Keeps the directory's files and queues its subdirectories. */
  private readDirectory(directory: PendingDirectory, pending: PendingDirectory[]): void {
    // A directory reached twice would be a loop (or a hard-linked directory, which ISO 9660 forbids).
    if (this.visitedExtents.has(directory.extent)) {
      throw new ConfigDriveError(
        'invalid-image',
        `expected a tree, found the directory at sector ${directory.extent} reached twice (a loop)`,
      );
    }
    this.visitedExtents.add(directory.extent);
    const bytes = extentOf(this.image, directory.extent, directory.size, directory.path || '/');
    for (const record of directoryRecords(bytes, directory.extent)) {
      const entry = this.entryOf(record, directory.path);
      if (entry.kind === 'skipped') continue;
      const path = directory.path ? `${directory.path}/${entry.name}` : entry.name;
      if (++this.entries > this.limits.maxEntries) {
        throw new ConfigDriveError('too-large', `expected at most ${this.limits.maxEntries} files and directories, found more`);
      }
      if (entry.kind === 'directory') {
        if (directory.depth >= this.limits.maxDepth)
          throw new ConfigDriveError('invalid-image', `expected directories at most ${this.limits.maxDepth} deep, found ${path}`);
        pending.push({ extent: entry.extent, size: entry.size, path, depth: directory.depth + 1 });
      } else {
        this.keepFile(path, record);
      }
    }
  }

  private entryOf(record: DirectoryRecord, parentPath: string): Entry {
    if (isSelfOrParent(record) || (record.flags & ASSOCIATED_FILE_FLAG) !== 0) return { kind: 'skipped' };
    const rockRidge =
      this.rockRidgeSkip === undefined
        ? undefined
        : interpretRockRidge(readSuspEntries(record.systemUse.subarray(this.rockRidgeSkip), this.image, this.continuationBudget));
    if (rockRidge?.isSymbolicLink || rockRidge?.isRelocated) return { kind: 'skipped' };
    const name = checkedName(rockRidge?.name ?? this.identifierName(record.identifier), parentPath);
    const relocated = rockRidge?.relocatedDirectoryExtent;
    if (relocated !== undefined) {
      return { kind: 'directory', name, extent: relocated, size: firstRecordOf(this.image, { extent: relocated, size: SECTOR_SIZE }).size };
    }
    return isDirectory(record) ? { kind: 'directory', name, extent: record.extent, size: record.size } : { kind: 'file', name };
  }

  /** The name without Rock Ridge: Joliet's UCS-2, or the plain identifier mapped to a POSIX name. */
  private identifierName(identifier: Buffer): string {
    return this.naming === 'joliet' ? jolietName(identifier) : plainName(identifier);
  }

  private keepFile(path: string, record: DirectoryRecord): void {
    const data = extentOf(this.image, record.extent, record.size, path);
    this.totalBytes += data.length;
    if (this.totalBytes > this.limits.maxBytes) {
      throw new ConfigDriveError(
        'too-large',
        `expected files adding up to at most ${formatSize(this.limits.maxBytes)}, found more by ${path}`,
      );
    }
    if (this.files.has(path)) throw new ConfigDriveError('invalid-image', `expected one entry per name, found ${path} twice`);
    // A copy in memory of its own: a view would keep the whole image alive, and a small Buffer.from
    // copy shares an 8 KiB pool slab that one kept file pins (user_data, for each node of a fleet).
    const copy = new Uint8Array(data);
    this.files.set(path, Buffer.from(copy.buffer, copy.byteOffset, copy.byteLength));
  }
}

/** The bytes of an extent, refusing one that does not lie within the image. */
function extentOf(image: Buffer, extent: number, size: number, what: string): Buffer {
  if (size === 0) return Buffer.alloc(0); // writers put empty files at any sector, even past the end
  const start = extent * SECTOR_SIZE;
  if (start + size > image.length) {
    throw new ConfigDriveError(
      'invalid-image',
      `expected ${what} within the image (${image.length} bytes), found ${size} bytes at sector ${extent}`,
    );
  }
  return image.subarray(start, start + size);
}

/** A directory's "." record, which carries its own size and, at the root, the SUSP indicator. */
function firstRecordOf(image: Buffer, directory: { extent: number; size: number }): DirectoryRecord {
  const first = directoryRecords(
    extentOf(image, directory.extent, Math.min(directory.size, SECTOR_SIZE), 'a directory'),
    directory.extent,
  ).next();
  if (first.done)
    throw new ConfigDriveError(
      'invalid-image',
      `expected a "." record at the start of the directory at sector ${directory.extent}, found none`,
    );
  return first.value;
}

function checkedName(name: string, parent: string): string {
  if (name === '' || name === '.' || name === '..' || /[/\0]/.test(name)) {
    throw new ConfigDriveError('invalid-image', `expected a file name in /${parent}, found ${JSON.stringify(name)}`);
  }
  return name;
}
