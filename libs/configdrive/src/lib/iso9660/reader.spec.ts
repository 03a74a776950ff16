import { expectConfigDriveError } from '../../test-support/expect-error';
import { DEEP_PATH, LONG_NAME, manyEntries, sampleFiles, withoutPaths } from '../../test-support/fixtures';
import { imageFromTool, type ImageMaker } from '../../test-support/iso-tools';
import { locateContinuationEntries, locateRecords, patchBothEndian32 } from '../../test-support/locate';
import { readIso9660 } from './reader';
import { writeIso9660 } from './writer';

const sample = sampleFiles();

function expectSameFiles(actual: ReadonlyMap<string, Buffer>, expected: ReadonlyMap<string, Buffer>): void {
  expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
  for (const [path, data] of expected) expect({ path, equal: actual.get(path)?.equals(data) }).toEqual({ path, equal: true });
}

describe('readIso9660 on images made by real tools', () => {
  it.each<ImageMaker>(['genisoimage as Ironic runs it', 'xorriso -J -r'])(
    '%s: every file byte for byte, under its Rock Ridge name',
    (maker) => {
      const contents = readIso9660(imageFromTool(maker, sample));
      expect(contents.volumeId).toBe('config-2');
      expect(contents.naming).toBe('rock-ridge');
      expectSameFiles(contents.files, sample);
    },
  );

  it('follows deep directories that genisoimage relocated under rr_moved, and reads names from continuation areas', () => {
    const image = imageFromTool('genisoimage as Ironic runs it', sample);
    expect(locateContinuationEntries(image, image.length).length).toBeGreaterThanOrEqual(2); // the root's ER, and the long name
    const { files } = readIso9660(image);
    expect(files.get(DEEP_PATH)?.toString()).toBe('deep\n');
    expect([...files.keys()].filter((path) => path.startsWith('rr_moved'))).toEqual([]);
    expect(files.has(`names/${LONG_NAME}`)).toBe(true);
  });

  it('xorriso -J --norock: falls back to Joliet names when there is no Rock Ridge', () => {
    const files = withoutPaths(sample, `names/${LONG_NAME}`); // Joliet keeps 64 characters of a name
    const contents = readIso9660(imageFromTool('xorriso -J --norock', files));
    expect(contents.naming).toBe('joliet');
    expectSameFiles(contents.files, files);
  });

  it('xorriso --norock: maps plain names (no version, no trailing dot, lower case)', () => {
    const files = new Map([
      ['openstack/latest/meta_data.json', Buffer.from('{}')],
      ['openstack/latest/user_data', Buffer.from('#!/bin/sh\n')],
      ['openstack/2012-08-10/meta_data.json', Buffer.from('{"v":1}')],
    ]);
    const contents = readIso9660(imageFromTool('xorriso --norock (plain names)', files));
    expect(contents.naming).toBe('iso9660');
    expect(Object.fromEntries([...contents.files].map(([path, data]) => [path, data.toString()]))).toEqual({
      'openstac/latest/meta_dat.jso': '{}',
      'openstac/latest/user_dat': '#!/bin/sh\n',
      'openstac/2012_08_/meta_dat.jso': '{"v":1}',
    });
  });

  it.each<ImageMaker>(['genisoimage as Ironic runs it', 'xorriso -J -r'])(
    '%s: a directory of 400 entries spanning several sectors',
    (maker) => {
      const files = manyEntries(400);
      const image = imageFromTool(maker, files);
      const many = locateRecords(image).find((record) => record.identifier.toString('latin1').toLowerCase() === 'many');
      expect(many?.size).toBeGreaterThan(4 * 2048);
      expectSameFiles(readIso9660(image).files, files);
    },
  );
});

describe('readIso9660 on malformed images', () => {
  const valid = writeIso9660(
    new Map([
      ['openstack/latest/meta_data.json', Buffer.from('{}')],
      ['openstack/latest/user_data', Buffer.alloc(5000, 7)],
    ]),
    { volumeId: 'config-2' },
  );
  const primaryRecord = (name: string) => {
    const record = locateRecords(valid).find((r) => r.identifier.toString('latin1') === name);
    if (!record) throw new Error(`no record ${name}`);
    return record;
  };
  const patched = (patch: (image: Buffer) => void): Buffer => {
    const image = Buffer.from(valid);
    patch(image);
    return image;
  };

  it('refuses bytes that are not an image, saying what it found', async () => {
    await expectConfigDriveError(
      () => readIso9660(Buffer.from('hello')),
      'invalid-image',
      'expected an ISO 9660 image (CD001 at sector 16), found only 5 bytes, starting "hello"',
    );
    await expectConfigDriveError(
      () => readIso9660(Buffer.alloc(40_000)),
      'invalid-image',
      'expected an ISO 9660 image (CD001 at sector 16), found 00 00 00 00 00 there',
    );
  });

  it('refuses an image without a primary volume descriptor', async () => {
    await expectConfigDriveError(
      () => readIso9660(patched((image) => (image[16 * 2048] = 3))),
      'invalid-image',
      'expected a primary volume descriptor after sector 16, found none',
    );
  });

  it('refuses a logical block size other than 2048', async () => {
    await expectConfigDriveError(
      () => readIso9660(patched((image) => image.writeUInt16LE(512, 16 * 2048 + 128))),
      'invalid-image',
      'expected a logical block size of 2048 bytes, found 512',
    );
  });

  it('refuses a file extent beyond the end of the image without allocating it', async () => {
    const userData = primaryRecord('USER_DATA.;1');
    const image = patched((bytes) => patchBothEndian32(bytes, userData.offset + 10, 0xffff_fff0));
    await expectConfigDriveError(
      () => readIso9660(image),
      'invalid-image',
      /^expected openstack\/latest\/user_data within the image \(\d+ bytes\), found 4294967280 bytes at sector \d+$/,
    );
  });

  it('refuses a directory loop', async () => {
    const latest = primaryRecord('LATEST');
    const root = primaryRecord('OPENSTACK');
    const looped = patched((image) => patchBothEndian32(image, latest.offset + 2, root.extent));
    await expectConfigDriveError(
      () => readIso9660(looped),
      'invalid-image',
      /^expected a tree, found the directory at sector \d+ reached twice \(a loop\)$/,
    );
  });

  it('enforces the limits on bytes, entries and depth', async () => {
    await expectConfigDriveError(
      () => readIso9660(valid, { maxBytes: 4096 }),
      'too-large',
      'expected files adding up to at most 4096 bytes, found more by openstack/latest/user_data',
    );
    await expectConfigDriveError(
      () => readIso9660(valid, { maxEntries: 3 }),
      'too-large',
      'expected at most 3 files and directories, found more',
    );
    await expectConfigDriveError(
      () => readIso9660(valid, { maxDepth: 1 }),
      'invalid-image',
      'expected directories at most 1 deep, found openstack/latest',
    );
  });

  it('refuses a file name that would escape its directory', async () => {
    const image = writeIso9660(new Map([['ab', Buffer.from('x')]]), { volumeId: 'config-2' });
    const nameAt = image.indexOf(Buffer.from('NM\x07\x01\x00ab', 'latin1'));
    image.write('..', nameAt + 5, 'latin1');
    await expectConfigDriveError(() => readIso9660(image), 'invalid-image', 'expected a file name in /, found ".."');
  });
});
