import { writeBothEndian32 } from './fields';
import { encodeSuspEntry, extensionReference, type SuspEntry } from './susp';

/** The Rock Ridge Interchange Protocol (IEEE P1282) entries we write and the ones we read. */

export const ROCK_RIDGE_EXTENSION = extensionReference(
  'RRIP_1991A',
  'THE ROCK RIDGE INTERCHANGE PROTOCOL PROVIDES SUPPORT FOR POSIX FILE SYSTEM SEMANTICS',
  'PLEASE CONTACT DISC PUBLISHER FOR SPECIFICATION SOURCE',
);

const DIRECTORY_MODE = 0o040555;
const FILE_MODE = 0o100444;
const NAME_IS_SELF = 0x02;
const NAME_IS_PARENT = 0x04;

/** `PX`: read-only POSIX mode bits, root-owned, as `mkisofs -r` writes them. */
export function posixAttributes(isDirectory: boolean, links: number): Buffer {
  const data = Buffer.alloc(32);
  writeBothEndian32(data, 0, isDirectory ? DIRECTORY_MODE : FILE_MODE);
  writeBothEndian32(data, 8, links);
  return encodeSuspEntry('PX', data); // uid and gid stay 0
}

/** `NM`: the real (POSIX) name of an entry. */
export function alternateName(name: string): Buffer {
  return encodeSuspEntry('NM', Buffer.concat([Buffer.from([0]), Buffer.from(name, 'utf8')]));
}

/** What the Rock Ridge entries of one directory record say about it. */
export interface RockRidgeFacts {
  name?: string;
  isSymbolicLink: boolean;
  /** `RE`: a deep directory moved elsewhere; it is reached through the `CL` entry that points at it. */
  isRelocated: boolean;
  /** `CL`: this record stands for the relocated directory at this sector. */
  relocatedDirectoryExtent?: number;
}

export function interpretRockRidge(entries: readonly SuspEntry[]): RockRidgeFacts {
  const nameParts: Buffer[] = [];
  const facts: RockRidgeFacts = { isSymbolicLink: false, isRelocated: false };
  for (const { signature, data } of entries) {
    // A long name is split over several NM entries (flag CONTINUE): their parts simply concatenate.
    if (signature === 'NM' && data.length >= 1) nameParts.push(namePart(data));
    else if (signature === 'SL') facts.isSymbolicLink = true;
    else if (signature === 'RE') facts.isRelocated = true;
    else if (signature === 'CL' && data.length >= 4) facts.relocatedDirectoryExtent = data.readUInt32LE(0);
  }
  if (nameParts.length > 0) facts.name = Buffer.concat(nameParts).toString('utf8');
  return facts;
}

function namePart(data: Buffer): Buffer {
  if (data[0] & NAME_IS_SELF) return Buffer.from('.');
  if (data[0] & NAME_IS_PARENT) return Buffer.from('..');
  return data.subarray(1);
}
