import fc from 'fast-check';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { parseMetadataPath, renderMetadata, type InstanceMetadata, type MetadataPath } from '@ironic-metadata/formatters';
import { buildInstanceMetadata } from '@ironic-metadata/instance-metadata';
import { MetadataRenderer, type RenderedFile } from './metadata-renderer';
import { RandomSeeds } from './random-seeds';

const NOW = new Date('2026-06-01T00:00:00Z');
const md = buildInstanceMetadata(
  { node: aNode({ instance_info: { fixed_ips: ['10.0.0.5'] } }), ports: [], portgroups: [] },
  { defaultAvailabilityZone: 'nova', region: 'RegionOne', vendorData: {} },
);

function pathOf(raw: string): MetadataPath {
  const path = parseMetadataPath(raw, { now: NOW });
  if ('status' in path) throw new Error(`${raw} does not parse: ${path.reason}`);
  return path;
}

function bodyOf(file: RenderedFile): Buffer {
  if (file.status !== 200) throw new Error(`not found: ${file.reason}`);
  return file.body;
}

/** The seed a rendered meta_data.json carries, and the same file rendered afresh with it. */
function freshRender(path: MetadataPath, metadata: InstanceMetadata, body: Buffer): { seed: string; expected: Buffer } {
  const seed = (JSON.parse(body.toString('utf8')) as { random_seed: string }).random_seed;
  const expected = renderMetadata(path, metadata, { now: NOW, randomSeed: seed });
  if (expected.status !== 200) throw new Error('the fresh render was not found');
  return { seed, expected: expected.body };
}

describe('MetadataRenderer', () => {
  const metaData = pathOf('/openstack/latest/meta_data.json');

  it('answers every read of meta_data.json with a new seed and, apart from it, the bytes a fresh render gives', () => {
    const renderer = new MetadataRenderer();
    const reads = Array.from({ length: 3 }, () => renderer.render(metaData, md, NOW));
    const seeds = reads.map((read) => {
      expect(read).toMatchObject({ status: 200, contentType: 'application/json', freshOnEveryRead: true });
      const { seed, expected } = freshRender(metaData, md, bodyOf(read));
      expect(bodyOf(read).equals(expected)).toBe(true);
      return seed;
    });
    expect(new Set(seeds).size).toBe(3);
  });

  it('keeps each answer its own: a later read does not write its seed into an earlier body', () => {
    const renderer = new MetadataRenderer();
    renderer.render(metaData, md, NOW);
    const spliced = bodyOf(renderer.render(metaData, md, NOW));
    const copy = Buffer.from(spliced);
    renderer.render(metaData, md, NOW);
    expect(spliced.equals(copy)).toBe(true);
  });

  it('renders another version, another file or another instance afresh, each right', () => {
    const renderer = new MetadataRenderer();
    renderer.render(metaData, md, NOW);
    const older = pathOf('/openstack/2013-04-04/meta_data.json');
    const olderBody = bodyOf(renderer.render(older, md, NOW));
    expect(olderBody.equals(freshRender(older, md, olderBody).expected)).toBe(true);
    expect(JSON.parse(olderBody.toString('utf8'))).not.toHaveProperty('devices');

    const networkData = renderer.render(pathOf('/openstack/latest/network_data.json'), md, NOW);
    expect(networkData.freshOnEveryRead).toBe(false);

    const renamed = { ...md, hostname: 'renamed-1' };
    const renamedBody = bodyOf(renderer.render(metaData, renamed, NOW));
    expect(JSON.parse(renamedBody.toString('utf8'))).toMatchObject({ hostname: 'renamed-1' });
    expect(renamedBody.equals(freshRender(metaData, renamed, renamedBody).expected)).toBe(true);
  });

  it('draws no seed for a file without one, nor for one not found', () => {
    const renderer = new MetadataRenderer();
    const drawn = jest.spyOn(RandomSeeds.prototype, 'next');
    expect(renderer.render(pathOf('/openstack'), undefined, NOW)).toMatchObject({ status: 200, freshOnEveryRead: false });
    expect(renderer.render(pathOf('/openstack/2012-08-10/meta_data.json'), md, NOW)).toMatchObject({
      status: 200,
      freshOnEveryRead: false,
    });
    expect(renderer.render(pathOf('/openstack/latest/no_such_file'), md, NOW)).toMatchObject({ status: 404, freshOnEveryRead: false });
    expect(drawn).not.toHaveBeenCalled();
    drawn.mockRestore();
  });

  it('splices the seed at its byte offset whatever the text before it (multi-byte UTF-8, escapes, keys of any kind)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 12 });
    fc.assert(
      fc.property(text, fc.dictionary(text, text, { maxKeys: 3 }), fc.dictionary(text, text, { maxKeys: 3 }), (hostname, meta, extra) => {
        const renderer = new MetadataRenderer();
        const instance = { ...md, hostname, meta, extraMetaData: extra };
        for (let read = 0; read < 2; read++) {
          const body = bodyOf(renderer.render(metaData, instance, NOW));
          expect(body.equals(freshRender(metaData, instance, body).expected)).toBe(true);
        }
      }),
    );
  });
});
