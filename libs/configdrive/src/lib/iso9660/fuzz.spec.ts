import { gzipSync } from 'node:zlib';
import { ConfigDriveError } from '../errors';
import { decodeConfigDrive } from '../decode';
import { buildConfigDriveImage } from '../build-image';
import { DEEP_PATH, LONG_NAME, META_DATA } from '../../test-support/fixtures';
import { imageFromTool } from '../../test-support/iso-tools';
import { locateContinuationEntries, locateRecords, patchBothEndian32, type LocatedRecord } from '../../test-support/locate';
import { SeededRandom } from '../../test-support/prng';
import { SECTOR_SIZE } from './fields';

/** A valid image and where its structures are, for mutations that aim at them. */
interface Target {
  name: string;
  image: Buffer;
  records: LocatedRecord[];
  directories: LocatedRecord[];
  continuations: number[];
  /** End of the descriptors, path tables and directories: where bit flips hurt. */
  metadataEnd: number;
}

function target(name: string, image: Buffer): Target {
  const records = locateRecords(image);
  const directories = records.filter((record) => (record.flags & 0x02) !== 0);
  const metadataEnd = Math.max(...directories.map((record) => record.extent * SECTOR_SIZE + record.size));
  return { name, image, records, directories, continuations: locateContinuationEntries(image, metadataEnd), metadataEnd };
}

const files = new Map([
  ['openstack/latest/meta_data.json', Buffer.from(JSON.stringify(META_DATA))],
  ['openstack/latest/user_data', Buffer.alloc(3000, 0xa5)],
  ['openstack/2012-08-10/meta_data.json', Buffer.from('{"uuid":"u"}')],
  [`names/${LONG_NAME}`, Buffer.from('x')],
  [DEEP_PATH, Buffer.from('deep')],
]);
const ours = new Map([...files].filter(([path]) => !path.includes(LONG_NAME)));

const HUGE = [0xffffffff, 0x7fffffff, 0x80000000, 0xfffffff0];

type Mutation = (image: Buffer, t: Target, random: SeededRandom) => Buffer;

const mutations: Record<string, Mutation> = {
  truncate: (image, _t, random) => image.subarray(0, random.below(image.length)),
  flipBits: (image, t, random) => {
    for (let n = 1 + random.below(16); n > 0; n--)
      image[16 * SECTOR_SIZE + random.below(t.metadataEnd - 16 * SECTOR_SIZE)] ^= 1 << random.below(8);
    return image;
  },
  overwriteRun: (image, t, random) => {
    const at = 16 * SECTOR_SIZE + random.below(t.metadataEnd - 16 * SECTOR_SIZE);
    random.bytes(1 + random.below(64)).copy(image, at);
    return image;
  },
  hugeExtent: (image, t, random) => {
    const record = random.pick(t.records);
    const field = random.pick([2, 10]); // extent or data length
    patchBothEndian32(image, record.offset + field, random.next() < 0.5 ? random.pick(HUGE) : random.below(image.length));
    return image;
  },
  directoryLoop: (image, t, random) => {
    // Point a directory (or its "." / "..") at another directory, itself or an ancestor.
    const record = random.pick(t.directories);
    patchBothEndian32(image, record.offset + 2, random.pick(t.directories).extent);
    if (random.next() < 0.5) patchBothEndian32(image, record.offset + 10, random.pick(t.directories).size);
    return image;
  },
  fileAsDirectory: (image, t, random) => {
    image[random.pick(t.records).offset + 25] ^= 0x02;
    return image;
  },
  bogusContinuation: (image, t, random) => {
    if (t.continuations.length === 0) return image;
    const at = random.pick(t.continuations);
    const selfLoop = random.next() < 0.3;
    // A CE entry that names itself as the continuation area would loop forever without a hop limit.
    patchBothEndian32(
      image,
      at + 4,
      selfLoop ? Math.floor(at / SECTOR_SIZE) : random.pick([...HUGE, random.below(image.length / SECTOR_SIZE)]),
    );
    patchBothEndian32(image, at + 12, selfLoop ? at % SECTOR_SIZE : random.pick([...HUGE, random.below(SECTOR_SIZE)]));
    patchBothEndian32(image, at + 20, selfLoop ? 28 : random.pick([...HUGE, random.below(4 * SECTOR_SIZE)]));
    return image;
  },
  rootRecord: (image, _t, random) => {
    patchBothEndian32(
      image,
      16 * SECTOR_SIZE + 156 + random.pick([2, 10]),
      random.next() < 0.5 ? random.pick(HUGE) : random.below(image.length),
    );
    return image;
  },
};

const mutationNames = Object.keys(mutations);
const CASES_PER_TARGET = 2000;

describe('the reader against mutated images', () => {
  const targets = [
    target('ours', buildConfigDriveImage(ours)),
    target('genisoimage as Ironic runs it', imageFromTool('genisoimage as Ironic runs it', files)),
    target('xorriso -J -r', imageFromTool('xorriso -J -r', files)),
  ];

  it.each(targets.map((t) => [t.name, t] as const))(
    '%s: every case decodes or throws ConfigDriveError, quickly',
    async (_name, t) => {
      const random = new SeededRandom(0xc0ffee);
      const outcomes: Record<string, number> = {};
      const failures: string[] = [];
      let slowest = 0;
      for (let index = 0; index < CASES_PER_TARGET; index++) {
        // Truncation last, so the other mutations still find their structures.
        const applied = Array.from({ length: 1 + random.below(3) }, () => random.pick(mutationNames)).sort(
          (a, b) => Number(a === 'truncate') - Number(b === 'truncate'),
        );
        const mutated = applied.reduce<Buffer>((image, name) => mutations[name](image, t, random), Buffer.from(t.image));
        const input = random.next() < 0.1 ? gzipSync(mutated).toString('base64') : mutated;
        const started = performance.now();
        try {
          await decodeConfigDrive(input);
          outcomes['decoded'] = (outcomes['decoded'] ?? 0) + 1;
        } catch (error) {
          if (!(error instanceof ConfigDriveError)) failures.push(`case ${index} (${applied.join(', ')}): ${String(error)}`);
          else outcomes[error.code] = (outcomes[error.code] ?? 0) + 1;
        }
        slowest = Math.max(slowest, performance.now() - started);
      }
      expect(failures).toEqual([]);
      expect(slowest).toBeLessThan(500);
      // The mutations reach both outcomes, and more than one kind of refusal.
      expect(outcomes['decoded']).toBeGreaterThan(0);
      expect(Object.keys(outcomes).length).toBeGreaterThan(2);
    },
    60_000,
  );

  it('has continuation areas and relocated directories to aim at in the genisoimage image', () => {
    expect(targets[1].continuations.length).toBeGreaterThanOrEqual(2);
    expect(targets[1].records.some((record) => record.systemUse.includes('CL'))).toBe(true);
  });
});
