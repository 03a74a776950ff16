import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { ConfigDriveError } from '../errors';
import { LONG_NAME, manyEntries, sampleFiles, withoutPaths } from '../../test-support/fixtures';
import { makeTempDirectory, readTree, removeTree, runTool } from '../../test-support/iso-tools';
import { readIso9660 } from './reader';
import { writeIso9660 } from './writer';

// Our names stop at what one directory record holds (see MAX_NAME_BYTES); the reader tests cover longer ones.
const sample = withoutPaths(sampleFiles(), `names/${LONG_NAME}`);

/** Every path isoinfo lists in one tree. It prints Joliet names in a legacy charset, never UTF-8: ask for Latin-1. */
function isoinfoListing(tree: '-J' | '-R', imagePath: string): string[] {
  const output = runTool('isoinfo', tree === '-J' ? ['-J', '-j', 'iso8859-1', '-f', '-i', imagePath] : ['-R', '-f', '-i', imagePath]);
  return output
    .toString(tree === '-J' ? 'latin1' : 'utf8')
    .trim()
    .split('\n');
}

/** Runs `check` with our image of `files` written to a temporary file. */
function withImageFile(files: ReadonlyMap<string, Buffer>, check: (imagePath: string, directory: string) => void): void {
  const directory = makeTempDirectory();
  try {
    const imagePath = join(directory, 'ours.iso');
    writeFileSync(imagePath, writeIso9660(files, { volumeId: 'config-2', publisher: 'tests' }));
    check(imagePath, directory);
  } finally {
    removeTree(directory);
  }
}

function xorrisoExtract(imagePath: string, directory: string): Map<string, Buffer> {
  const target = join(directory, 'extracted');
  runTool('xorriso', ['-osirrox', 'on', '-indev', imagePath, '-extract', '/', target]);
  return readTree(target);
}

function expectSameFiles(actual: ReadonlyMap<string, Buffer>, expected: ReadonlyMap<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, data] of expected) expect({ path, equal: actual.get(path)?.equals(data) }).toEqual({ path, equal: true });
}

describe('writeIso9660: images other tools read', () => {
  it('isoinfo sees volume id config-2, Joliet level 3 and Rock Ridge', () => {
    withImageFile(sample, (imagePath) => {
      const description = runTool('isoinfo', ['-d', '-i', imagePath]).toString();
      expect(description).toContain('Volume id: config-2');
      expect(description).toContain('Publisher id: tests');
      expect(description).toContain('Logical block size is: 2048');
      expect(description).toContain('Joliet with UCS level 3 found');
      expect(description).toContain('Rock Ridge signatures version 1 found');
    });
  });

  it('isoinfo extracts every file byte for byte through both the Joliet and the Rock Ridge tree', () => {
    withImageFile(sample, (imagePath) => {
      for (const tree of ['-J', '-R'] as const) {
        expect(isoinfoListing(tree, imagePath)).toEqual(expect.arrayContaining([...sample.keys()].map((path) => `/${path}`)));
        for (const [path, data] of sample) {
          // isoinfo matches a Joliet path in its legacy charset, which a UTF-8 argument cannot spell.
          if (tree === '-J' && !/^[\x20-\x7e]*$/.test(path)) continue;
          const extracted = runTool('isoinfo', [tree, '-x', `/${path}`, '-i', imagePath]);
          expect({ tree, path, equal: extracted.equals(data) }).toEqual({ tree, path, equal: true });
        }
      }
    });
  });

  it('xorriso extracts the same tree', () => {
    withImageFile(sample, (imagePath, directory) => expectSameFiles(xorrisoExtract(imagePath, directory), sample));
  });

  it('plain ISO 9660 readers see level 2 names', () => {
    withImageFile(sample, (imagePath) => {
      const listed = runTool('isoinfo', ['-f', '-i', imagePath]).toString();
      expect(listed).toContain('/OPENSTACK/LATEST/META_DATA.JSON;1');
      expect(listed).toContain('/OPENSTACK/LATEST/USER_DATA.;1');
      expect(listed).toContain('/OPENSTACK/2012_08_10/META_DATA.JSON;1');
      const metaData = runTool('isoinfo', ['-x', '/OPENSTACK/LATEST/META_DATA.JSON;1', '-i', imagePath]);
      expect(metaData.equals(sample.get('openstack/latest/meta_data.json') as Buffer)).toBe(true);
    });
  });

  it('a directory spanning several sectors, and names at the length limits', () => {
    const files = manyEntries(400);
    files.set(`limits/${'x'.repeat(103)}`, Buffer.from('longest Joliet name'));
    files.set(`limits/${'é'.repeat(73)}y`, Buffer.from('longest Rock Ridge name: 147 bytes'));
    files.set('limits/empty', Buffer.alloc(0));
    withImageFile(files, (imagePath, directory) => {
      expectSameFiles(xorrisoExtract(imagePath, directory), files);
      for (const tree of ['-J', '-R'] as const) {
        expect(isoinfoListing(tree, imagePath)).toEqual(expect.arrayContaining([...files.keys()].map((path) => `/${path}`)));
      }
    });
  });
});

describe('writeIso9660 and readIso9660 together', () => {
  it('reads back what it writes, and writes the same bytes for the same input and date', () => {
    const date = new Date('2024-06-10T12:00:00Z');
    const image = writeIso9660(sample, { volumeId: 'config-2', date });
    const contents = readIso9660(image);
    expect(contents).toMatchObject({ volumeId: 'config-2', naming: 'rock-ridge' });
    expectSameFiles(contents.files, sample);
    expect(writeIso9660(sample, { volumeId: 'config-2', date }).equals(image)).toBe(true);
  });

  it('gives names that map to the same plain identifier distinct identifiers', () => {
    const files = new Map(['meta-data.json', 'meta_data.json', 'Meta_Data.JSON'].map((name) => [name, Buffer.from(name)]));
    expectSameFiles(readIso9660(writeIso9660(files, { volumeId: 'config-2' })).files, files);
  });
});

describe('writeIso9660 refuses what it cannot write', () => {
  const write = (files: Record<string, string>, volumeId = 'config-2') =>
    writeIso9660(new Map(Object.entries(files).map(([path, text]) => [path, Buffer.from(text)])), { volumeId });
  const expectUnsupported = (run: () => unknown, message: string) => {
    expect(run).toThrow(ConfigDriveError);
    expect(run).toThrow(expect.objectContaining({ code: 'unsupported', message }));
  };

  it.each(['/absolute', 'a//b', 'trailing/', '../up', 'a/./b', ''])('the path %j', (path) => {
    expectUnsupported(
      () => write({ [path]: 'x' }),
      `expected a relative path of plain names separated by "/", found ${JSON.stringify(path)}`,
    );
  });

  it('a path used both as a file and as a directory', () => {
    expectUnsupported(
      () => write({ a: 'file', 'a/b': 'file' }),
      'expected each path to be either a file or a directory, found "a/b" used as both',
    );
    expectUnsupported(
      () => write({ 'a/b': 'file', a: 'file' }),
      'expected each path to be either a file or a directory, found "a" used as both',
    );
  });

  it('names longer than a directory record holds', () => {
    const name = 'é'.repeat(74);
    expectUnsupported(
      () => write({ [name]: 'x' }),
      `expected names of at most 103 characters and 147 UTF-8 bytes, found ${JSON.stringify(name)} in ${JSON.stringify(name)}`,
    );
    expectUnsupported(
      () => write({ [`d/${'x'.repeat(104)}`]: 'x' }),
      expect.stringContaining('expected names of at most 103 characters') as unknown as string,
    );
  });

  it('a volume id Joliet cannot hold', () => {
    expectUnsupported(
      () => write({ a: 'x' }, 'a-volume-id-of-17'),
      'expected a volume id of 1 to 16 printable ASCII characters, found "a-volume-id-of-17"',
    );
    expectUnsupported(() => write({ a: 'x' }, ''), 'expected a volume id of 1 to 16 printable ASCII characters, found ""');
  });
});
