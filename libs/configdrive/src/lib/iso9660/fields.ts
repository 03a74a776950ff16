/** Field encodings shared by every ISO 9660 structure (ECMA-119). */

export const SECTOR_SIZE = 2048;
/** Sectors 0-15 are the system area; volume descriptors start at sector 16. */
export const FIRST_DESCRIPTOR_SECTOR = 16;

export function sectorsFor(bytes: number): number {
  return Math.ceil(bytes / SECTOR_SIZE);
}

/** ISO 9660 stores most numbers twice, little-endian then big-endian, so any machine reads them directly. */
export function writeBothEndian32(target: Buffer, offset: number, value: number): void {
  target.writeUInt32LE(value, offset);
  target.writeUInt32BE(value, offset + 4);
}

export function writeBothEndian16(target: Buffer, offset: number, value: number): void {
  target.writeUInt16LE(value, offset);
  target.writeUInt16BE(value, offset + 2);
}

/** Joliet text is UCS-2 big-endian; Node only knows UTF-16 little-endian, so swap the byte pairs. */
export function encodeUtf16Be(text: string): Buffer {
  return Buffer.from(text, 'utf16le').swap16();
}

export function decodeUtf16Be(bytes: Buffer): string {
  const even = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return even.swap16().toString('utf16le');
}

/** A fixed-width text field, padded with spaces: ASCII spaces, or UCS-2 spaces (00 20) for Joliet. */
export function writeTextField(target: Buffer, offset: number, width: number, text: string, charset: 'ascii' | 'utf16be'): void {
  const padding = charset === 'ascii' ? Buffer.from(' ') : Buffer.from([0x00, 0x20]);
  target.fill(padding, offset, offset + width);
  const encoded = charset === 'ascii' ? Buffer.from(text, 'ascii') : encodeUtf16Be(text);
  encoded.copy(target, offset, 0, Math.min(encoded.length, width));
}

/** The 7-byte date of a directory record, in UTC. */
export function recordingDate(date: Date): Buffer {
  return Buffer.from([
    date.getUTCFullYear() - 1900,
    date.getUTCMonth() + 1,
    date.getUTCDate(),
    date.getUTCHours(),
    date.getUTCMinutes(),
    date.getUTCSeconds(),
    0,
  ]);
}

/** The 17-byte date of a volume descriptor ("YYYYMMDDHHMMSScc" and a zone byte), in UTC; none is all zeros. */
export function volumeDate(date: Date | undefined): Buffer {
  if (date === undefined) return Buffer.concat([Buffer.from('0'.repeat(16), 'ascii'), Buffer.from([0])]);
  const digits = date.toISOString().replace(/\D/g, '').slice(0, 16);
  return Buffer.concat([Buffer.from(digits, 'ascii'), Buffer.from([0])]);
}
