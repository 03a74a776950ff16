import { SECTOR_SIZE } from '../lib/iso9660/fields';
import { isDirectory, isSelfOrParent, parseDirectoryRecord, type DirectoryRecord } from '../lib/iso9660/directory-record';
import { readVolumeRoots } from '../lib/iso9660/volume-descriptor';

/** Where the structures of a valid image are, so tests can break them on purpose. */
export interface LocatedRecord extends DirectoryRecord {
  /** Byte offset of the record in the image. */
  offset: number;
  isSelfOrParent: boolean;
}

/** Every directory record of the primary and Joliet trees of a well-formed image. */
export function locateRecords(image: Buffer): LocatedRecord[] {
  const roots = readVolumeRoots(image);
  const queue = [roots.primaryRoot, ...(roots.jolietRoot ? [roots.jolietRoot] : [])];
  const located: LocatedRecord[] = [];
  for (let next = 0; next < queue.length; next++) {
    const start = queue[next].extent * SECTOR_SIZE;
    for (let offset = start; offset < start + queue[next].size;) {
      if (image[offset] === 0) {
        offset = (Math.floor(offset / SECTOR_SIZE) + 1) * SECTOR_SIZE;
        continue;
      }
      const record = parseDirectoryRecord(image, offset);
      located.push({ ...record, offset, isSelfOrParent: isSelfOrParent(record) });
      if (isDirectory(record) && !isSelfOrParent(record)) queue.push(record);
      offset += image[offset];
    }
  }
  return located;
}

/** Offsets of every Rock Ridge `CE` entry (signature, length 28, version 1) before `end`. */
export function locateContinuationEntries(image: Buffer, end: number): number[] {
  const signature = Buffer.from([0x43, 0x45, 28, 1]);
  const offsets: number[] = [];
  for (let at = image.indexOf(signature); at >= 0 && at < end; at = image.indexOf(signature, at + 1)) offsets.push(at);
  return offsets;
}

/** Rewrites a both-endian 32-bit field. */
export function patchBothEndian32(image: Buffer, offset: number, value: number): void {
  image.writeUInt32LE(value >>> 0, offset);
  image.writeUInt32BE(value >>> 0, offset + 4);
}
