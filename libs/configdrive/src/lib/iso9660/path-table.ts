import type { PlannedDirectory } from './hierarchy';

/**
 * Path tables list every directory with its extent and parent, once little-endian and once
 * big-endian. Readers such as Windows use them to find directories without walking the tree.
 */

export function pathTableSize(directories: readonly PlannedDirectory[]): number {
  return directories.reduce((total, directory) => total + entryLength(directory), 0);
}

export function encodePathTable(
  directories: readonly PlannedDirectory[],
  extents: readonly number[],
  endianness: 'little' | 'big',
): Buffer {
  const table = Buffer.alloc(pathTableSize(directories));
  let offset = 0;
  directories.forEach((directory, index) => {
    table[offset] = directory.identifier.length;
    if (endianness === 'little') {
      table.writeUInt32LE(extents[index], offset + 2);
      table.writeUInt16LE(directory.parentNumber, offset + 6);
    } else {
      table.writeUInt32BE(extents[index], offset + 2);
      table.writeUInt16BE(directory.parentNumber, offset + 6);
    }
    directory.identifier.copy(table, offset + 8);
    offset += entryLength(directory);
  });
  return table;
}

function entryLength(directory: PlannedDirectory): number {
  return 8 + directory.identifier.length + (directory.identifier.length % 2);
}
