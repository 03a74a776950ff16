import { ConfigDriveError } from '../errors';
import { SECTOR_SIZE } from './fields';

/**
 * The System Use Sharing Protocol (IEEE P1281): a directory record's System Use area holds entries
 * `signature(2) length(1) version(1) data`, continued elsewhere by a `CE` entry. Rock Ridge is built on it.
 */
export interface SuspEntry {
  signature: string;
  data: Buffer;
}

/** Continuation bytes an image may still make us read: keeps hostile CE chains from multiplying work. */
export interface ContinuationBudget {
  bytesLeft: number;
}

const HEADER_LENGTH = 4;
const MAX_CONTINUATIONS_PER_RECORD = 16;
const INDICATOR_CHECK = [0xbe, 0xef];

export function encodeSuspEntry(signature: string, data: Buffer): Buffer {
  return Buffer.concat([Buffer.from(signature, 'ascii'), Buffer.from([HEADER_LENGTH + data.length, 1]), data]);
}

/** `SP`: first entry of the root's "." record, announcing SUSP; no bytes skipped in each area. */
export const SUSP_INDICATOR = encodeSuspEntry('SP', Buffer.from([...INDICATOR_CHECK, 0]));

/** `ER`: names the extension (e.g. Rock Ridge) whose entries the image uses. */
export function extensionReference(identifier: string, descriptor: string, source: string): Buffer {
  const texts = [identifier, descriptor, source].map((text) => Buffer.from(text, 'ascii'));
  const lengths = Buffer.from([...texts.map((text) => text.length), 1]);
  return encodeSuspEntry('ER', Buffer.concat([lengths, ...texts]));
}

/** The bytes to skip at the start of every System Use area, if the root's "." record announces SUSP. */
export function suspSkipLength(rootSelfSystemUse: Buffer): number | undefined {
  const [entry] = readEntriesOfArea(rootSelfSystemUse).entries;
  if (entry?.signature !== 'SP' || entry.data.length < 3) return undefined;
  return entry.data[0] === INDICATOR_CHECK[0] && entry.data[1] === INDICATOR_CHECK[1] ? entry.data[2] : undefined;
}

/** Every entry of one record's System Use area, following `CE` continuation areas within bounds. */
export function readSuspEntries(systemUse: Buffer, image: Buffer, budget: ContinuationBudget): SuspEntry[] {
  const entries: SuspEntry[] = [];
  let area: Buffer | undefined = systemUse;
  for (let continuations = 0; area !== undefined; continuations++) {
    if (continuations > MAX_CONTINUATIONS_PER_RECORD) {
      throw new ConfigDriveError(
        'invalid-image',
        `expected at most ${MAX_CONTINUATIONS_PER_RECORD} Rock Ridge continuation areas per record, found more`,
      );
    }
    const read = readEntriesOfArea(area);
    entries.push(...read.entries);
    area = read.continuation && continuationArea(read.continuation, image, budget);
  }
  return entries;
}

function readEntriesOfArea(area: Buffer): { entries: SuspEntry[]; continuation?: Buffer } {
  const entries: SuspEntry[] = [];
  let continuation: Buffer | undefined;
  let offset = 0;
  // Anything shorter than an entry header, or an entry claiming to run past the area, is padding.
  while (offset + HEADER_LENGTH <= area.length) {
    const length = area[offset + 2];
    if (length < HEADER_LENGTH || offset + length > area.length) break;
    const signature = area.toString('latin1', offset, offset + 2);
    if (signature === 'ST') break;
    const data = area.subarray(offset + HEADER_LENGTH, offset + length);
    if (signature === 'CE') continuation = data;
    else entries.push({ signature, data });
    offset += length;
  }
  return { entries, continuation };
}

function continuationArea(ce: Buffer, image: Buffer, budget: ContinuationBudget): Buffer {
  if (ce.length < 24)
    throw new ConfigDriveError('invalid-image', `expected a 28-byte Rock Ridge CE entry, found ${ce.length + HEADER_LENGTH} bytes`);
  const start = ce.readUInt32LE(0) * SECTOR_SIZE + ce.readUInt32LE(8);
  const length = ce.readUInt32LE(16);
  if (start + length > image.length) {
    throw new ConfigDriveError(
      'invalid-image',
      `expected a Rock Ridge continuation area within the image (${image.length} bytes), found ${length} bytes at byte ${start}`,
    );
  }
  if (length > budget.bytesLeft) {
    throw new ConfigDriveError('invalid-image', 'expected Rock Ridge continuation areas to add up to less than the image, found more');
  }
  budget.bytesLeft -= length;
  return image.subarray(start, start + length);
}
