import { describeBytes } from '../describe';
import { ConfigDriveError } from '../errors';
import { parseDirectoryRecord, type DirectoryRecord } from './directory-record';
import { FIRST_DESCRIPTOR_SECTOR, SECTOR_SIZE, volumeDate, writeBothEndian16, writeBothEndian32, writeTextField } from './fields';
import { JOLIET_LEVEL_3_ESCAPE, isJolietEscapeSequence } from './joliet';

/** Volume descriptors (sectors 16 and on): the primary one, the Joliet one, and the terminator. */

const STANDARD_IDENTIFIER = 'CD001';
const PRIMARY = 1;
const SUPPLEMENTARY = 2;
const TERMINATOR = 255;
/** Real images carry a handful; a hostile one must not make us scan on. */
const MAX_DESCRIPTORS = 32;
const ROOT_RECORD_OFFSET = 156;

export interface VolumeDescriptorContent {
  kind: 'primary' | 'joliet';
  volumeId: string;
  publisher: string;
  application: string;
  volumeSectors: number;
  pathTable: { size: number; littleEndianSector: number; bigEndianSector: number };
  /** The root directory's 34-byte record. */
  rootRecord: Buffer;
  date: Date;
}

export function encodeVolumeDescriptor(content: VolumeDescriptorContent): Buffer {
  const sector = descriptorHeader(content.kind === 'primary' ? PRIMARY : SUPPLEMENTARY);
  const charset = content.kind === 'primary' ? 'ascii' : 'utf16be';
  const text = (offset: number, width: number, value: string): void => writeTextField(sector, offset, width, value, charset);
  text(8, 32, ''); // system identifier
  text(40, 32, content.volumeId);
  writeBothEndian32(sector, 80, content.volumeSectors);
  if (content.kind === 'joliet') sector.write(JOLIET_LEVEL_3_ESCAPE, 88, 'ascii');
  writeBothEndian16(sector, 120, 1); // volume set size
  writeBothEndian16(sector, 124, 1); // volume sequence number
  writeBothEndian16(sector, 128, SECTOR_SIZE);
  writeBothEndian32(sector, 132, content.pathTable.size);
  sector.writeUInt32LE(content.pathTable.littleEndianSector, 140);
  sector.writeUInt32BE(content.pathTable.bigEndianSector, 148);
  content.rootRecord.copy(sector, ROOT_RECORD_OFFSET);
  text(190, 128, ''); // volume set
  text(318, 128, content.publisher);
  text(446, 128, ''); // data preparer
  text(574, 128, content.application);
  text(702, 37 * 3, ''); // copyright, abstract and bibliographic file names
  volumeDate(content.date).copy(sector, 813); // created
  volumeDate(content.date).copy(sector, 830); // modified
  volumeDate(undefined).copy(sector, 847); // expires
  volumeDate(undefined).copy(sector, 864); // effective
  sector[881] = 1; // file structure version
  return sector;
}

export function encodeTerminator(): Buffer {
  return descriptorHeader(TERMINATOR);
}

function descriptorHeader(type: number): Buffer {
  const sector = Buffer.alloc(SECTOR_SIZE);
  sector[0] = type;
  sector.write(STANDARD_IDENTIFIER, 1, 'ascii');
  sector[6] = 1; // version
  return sector;
}

/** What a reader needs from the descriptors: the label and the roots of the trees. */
export interface VolumeRoots {
  volumeId: string;
  primaryRoot: DirectoryRecord;
  jolietRoot?: DirectoryRecord;
}

export function hasIsoSignature(image: Buffer): boolean {
  return (
    image.length >= (FIRST_DESCRIPTOR_SECTOR + 1) * SECTOR_SIZE && identifierAt(image, FIRST_DESCRIPTOR_SECTOR) === STANDARD_IDENTIFIER
  );
}

export function readVolumeRoots(image: Buffer): VolumeRoots {
  if (!hasIsoSignature(image)) {
    throw new ConfigDriveError('invalid-image', `expected an ISO 9660 image (CD001 at sector 16), found ${describeSignature(image)}`);
  }
  let primary: Buffer | undefined;
  let joliet: Buffer | undefined;
  const lastSector = Math.min(image.length / SECTOR_SIZE, FIRST_DESCRIPTOR_SECTOR + MAX_DESCRIPTORS);
  for (let sector = FIRST_DESCRIPTOR_SECTOR; sector + 1 <= lastSector && identifierAt(image, sector) === STANDARD_IDENTIFIER; sector++) {
    const descriptor = image.subarray(sector * SECTOR_SIZE, (sector + 1) * SECTOR_SIZE);
    if (descriptor[0] === TERMINATOR) break;
    if (descriptor[0] === PRIMARY) primary ??= descriptor;
    if (descriptor[0] === SUPPLEMENTARY && isJolietEscapeSequence(descriptor.subarray(88, 120))) joliet ??= descriptor;
  }
  if (primary === undefined)
    throw new ConfigDriveError('invalid-image', 'expected a primary volume descriptor after sector 16, found none');
  const blockSize = primary.readUInt16LE(128);
  if (blockSize !== SECTOR_SIZE) {
    throw new ConfigDriveError('invalid-image', `expected a logical block size of ${SECTOR_SIZE} bytes, found ${blockSize}`);
  }
  return {
    volumeId: primary.toString('latin1', 40, 72).trimEnd(),
    primaryRoot: parseDirectoryRecord(primary, ROOT_RECORD_OFFSET),
    jolietRoot: joliet && parseDirectoryRecord(joliet, ROOT_RECORD_OFFSET),
  };
}

function identifierAt(image: Buffer, sector: number): string {
  return image.toString('latin1', sector * SECTOR_SIZE + 1, sector * SECTOR_SIZE + 6);
}

function describeSignature(image: Buffer): string {
  if (image.length < (FIRST_DESCRIPTOR_SECTOR + 1) * SECTOR_SIZE) return `only ${image.length} bytes, starting ${describeBytes(image)}`;
  const signature = image.subarray(FIRST_DESCRIPTOR_SECTOR * SECTOR_SIZE + 1, FIRST_DESCRIPTOR_SECTOR * SECTOR_SIZE + 6);
  return `${describeBytes(signature)} there`;
}
