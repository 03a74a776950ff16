import { decodeUtf16Be, encodeUtf16Be } from './fields';
import { withoutVersion } from './iso-names';

/** Joliet: a supplementary volume descriptor whose tree carries UCS-2 names. */

/** Escape sequence of Joliet level 3, the level genisoimage and xorriso write. */
export const JOLIET_LEVEL_3_ESCAPE = '%/E';
const JOLIET_ESCAPES = new Set(['%/@', '%/C', JOLIET_LEVEL_3_ESCAPE]);

/** genisoimage's `-joliet-long` limit: longer than Joliet's 64, and read by Linux, isoinfo and xorriso. */
export const MAX_JOLIET_NAME_LENGTH = 103;

export function isJolietEscapeSequence(field: Buffer): boolean {
  return JOLIET_ESCAPES.has(field.toString('latin1', 0, 3));
}

/** As genisoimage and xorriso write them: the name itself, no ";1" version. */
export function jolietIdentifier(name: string): Buffer {
  return encodeUtf16Be(name);
}

export function jolietName(identifier: Buffer): string {
  return withoutVersion(decodeUtf16Be(identifier));
}
