import { ConfigDriveError } from '../errors';
import { SECTOR_SIZE, recordingDate, writeBothEndian16, writeBothEndian32 } from './fields';

export const DIRECTORY_FLAG = 0x02;
export const ASSOCIATED_FILE_FLAG = 0x04;
/** The identifiers of a directory's own entry (".") and of its parent's (".."). */
export const SELF_IDENTIFIER = Buffer.from([0x00]);
export const PARENT_IDENTIFIER = Buffer.from([0x01]);

const FIXED_PART_LENGTH = 33;

/** One directory record: a file or directory, its extent and its name. */
export interface DirectoryRecord {
  /** First sector of the data. */
  extent: number;
  /** Data length in bytes. */
  size: number;
  flags: number;
  identifier: Buffer;
  /** The System Use area, where Rock Ridge lives. */
  systemUse: Buffer;
}

export function isDirectory(record: DirectoryRecord): boolean {
  return (record.flags & DIRECTORY_FLAG) !== 0;
}

/** "." and ".." entries, which every directory carries and no reader lists. */
export function isSelfOrParent(record: DirectoryRecord): boolean {
  return record.identifier.length === 1 && record.identifier[0] <= 0x01;
}

/** Records have even lengths; an even-length identifier is followed by one padding byte. */
export function directoryRecordLength(identifierLength: number, systemUseLength: number): number {
  const unpadded = FIXED_PART_LENGTH + identifierLength + ((identifierLength + 1) % 2) + systemUseLength;
  return unpadded + (unpadded % 2);
}

export function encodeDirectoryRecord(record: DirectoryRecord, date: Date): Buffer {
  const { identifier, systemUse } = record;
  const bytes = Buffer.alloc(directoryRecordLength(identifier.length, systemUse.length));
  bytes[0] = bytes.length;
  writeBothEndian32(bytes, 2, record.extent);
  writeBothEndian32(bytes, 10, record.size);
  recordingDate(date).copy(bytes, 18);
  bytes[25] = record.flags;
  writeBothEndian16(bytes, 28, 1); // volume sequence number
  bytes[32] = identifier.length;
  identifier.copy(bytes, FIXED_PART_LENGTH);
  systemUse.copy(bytes, FIXED_PART_LENGTH + identifier.length + ((identifier.length + 1) % 2));
  return bytes;
}

/** Reads one record whose length byte has already been checked to lie within `bytes`. */
export function parseDirectoryRecord(bytes: Buffer, offset: number): DirectoryRecord {
  const length = bytes[offset];
  if (length < FIXED_PART_LENGTH + 1) {
    throw new ConfigDriveError('invalid-image', `expected a directory record of at least ${FIXED_PART_LENGTH + 1} bytes, found ${length}`);
  }
  const identifierLength = bytes[offset + 32];
  const identifierEnd = offset + FIXED_PART_LENGTH + identifierLength;
  if (identifierEnd > offset + length) {
    throw new ConfigDriveError(
      'invalid-image',
      `expected a directory record holding its name, found ${length} bytes and a ${identifierLength}-byte name`,
    );
  }
  const systemUseStart = Math.min(identifierEnd + ((identifierLength + 1) % 2), offset + length);
  return {
    extent: bytes.readUInt32LE(offset + 2),
    size: bytes.readUInt32LE(offset + 10),
    flags: bytes[offset + 25],
    identifier: bytes.subarray(offset + FIXED_PART_LENGTH, identifierEnd),
    systemUse: bytes.subarray(systemUseStart, offset + length),
  };
}

/**
 * The records of one directory's extent. Records never cross a sector boundary: a zero length byte
 * means "the rest of this sector is padding".
 */
export function* directoryRecords(directory: Buffer, extent: number): Generator<DirectoryRecord> {
  let offset = 0;
  while (offset < directory.length) {
    const length = directory[offset];
    if (length === 0) {
      offset = (Math.floor(offset / SECTOR_SIZE) + 1) * SECTOR_SIZE;
      continue;
    }
    if (offset + length > directory.length) {
      throw new ConfigDriveError(
        'invalid-image',
        `expected the directory record at byte ${offset} of the directory at sector ${extent} to end within it, found a length of ${length}`,
      );
    }
    yield parseDirectoryRecord(directory, offset);
    offset += length;
  }
}

/** Where each record of a directory goes, so none crosses a sector, and the directory's whole-sector size. */
export function layoutDirectory(recordLengths: readonly number[]): { offsets: number[]; size: number } {
  const offsets: number[] = [];
  let offset = 0;
  for (const length of recordLengths) {
    if ((offset % SECTOR_SIZE) + length > SECTOR_SIZE) offset = Math.ceil(offset / SECTOR_SIZE) * SECTOR_SIZE;
    offsets.push(offset);
    offset += length;
  }
  return { offsets, size: Math.max(1, Math.ceil(offset / SECTOR_SIZE)) * SECTOR_SIZE };
}
