/**
 * Plain ISO 9660 names: what a reader sees without Rock Ridge or Joliet, and what we write for it.
 * We write level 2 identifiers (d-characters, up to 30 characters, a ";1" version on files), which
 * every reader accepts.
 */

const MAX_FILE_IDENTIFIER = 30;
const MAX_EXTENSION = 8;
const MAX_DIRECTORY_IDENTIFIER = 31;
const NOT_D_CHARACTER = /[^A-Z0-9_]/g;

export interface NamedEntry {
  name: string;
  isDirectory: boolean;
}

/** One identifier per entry, in the same order, unique within the directory. */
export function primaryIdentifiers(entries: readonly NamedEntry[]): Buffer[] {
  const taken = new Set<string>();
  return entries.map((entry) => {
    const identifier = uniqueIdentifier(entry, taken);
    taken.add(identifier);
    return Buffer.from(identifier, 'ascii');
  });
}

function uniqueIdentifier(entry: NamedEntry, taken: ReadonlySet<string>): string {
  const { stem, extension } = splitName(entry);
  const maxStem = entry.isDirectory ? MAX_DIRECTORY_IDENTIFIER : MAX_FILE_IDENTIFIER - extension.length;
  const build = (s: string): string => (entry.isDirectory ? s : `${s}.${extension};1`);
  let identifier = build(stem.slice(0, maxStem));
  // Names that map to the same identifier get a counter in place of the end of the stem.
  for (let counter = 1; taken.has(identifier); counter++) {
    const suffix = String(counter);
    identifier = build(stem.slice(0, maxStem - suffix.length) + suffix);
  }
  return identifier;
}

function splitName({ name, isDirectory }: NamedEntry): { stem: string; extension: string } {
  const upper = name.toUpperCase();
  const dot = isDirectory ? -1 : upper.lastIndexOf('.');
  if (dot < 0) return { stem: toDCharacters(upper), extension: '' };
  return { stem: toDCharacters(upper.slice(0, dot)), extension: toDCharacters(upper.slice(dot + 1)).slice(0, MAX_EXTENSION) };
}

function toDCharacters(text: string): string {
  return text.replace(NOT_D_CHARACTER, '_');
}

/** A plain identifier as a POSIX name: `META_DAT.JSO;1` -> `meta_dat.jso`, `USER_DATA.;1` -> `user_data`. */
export function plainName(identifier: Buffer): string {
  return withoutVersion(identifier.toString('latin1')).replace(/\.$/, '').toLowerCase();
}

export function withoutVersion(identifier: string): string {
  return identifier.replace(/;\d*$/, '');
}
