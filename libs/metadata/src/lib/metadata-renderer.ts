import { renderMetadata, type InstanceMetadata, type MetadataPath, type Rendered } from '@ironic-metadata/formatters';
import { RandomSeeds } from './random-seeds';

/** A rendered file, and whether it is new on every read (it carries Nova's `random_seed`). */
export type RenderedFile = Rendered & { freshOnEveryRead: boolean };

/** An instance's last file that carried a seed: its bytes (the seed blanked), and where the seed starts. */
interface SeededFile {
  /** The parsed path it was read at: RoutedPaths hands every request for the same path the same object. */
  path: MetadataPath;
  contentType: string;
  body: Buffer;
  seedAt: number;
}

/**
 * `renderMetadata` with a fresh `random_seed` drawn for each read that has one (`meta_data.json`,
 * Grizzly and later: nova/api/metadata/base.py). The last such file of each instance is kept as its
 * bytes and the seed's byte offset, so that reading it again copies them and writes a new seed in
 * the old one's place (every seed is the same 684 characters: base64 of `RANDOM_SEED_BYTES`) where
 * rendering built and serialized the document anew: that was a fifth of the service's CPU in a
 * keep-alive `meta_data.json` answer (perf, under the keep-alive load of tools/bench), and it takes
 * 2 µs instead of 8. Only the seed differs between two reads of such a file: nothing else in its
 * rendering depends on the read. Paths are compared as the objects they are: the responder's
 * RoutedPaths shares one parsed path among the requests for it, and another object for the same
 * file (`latest` and its date, or a path parsed anew) only renders afresh. One file is kept per
 * instance (a node reads one version), held only while the instance's metadata object is (the
 * service's built instances, and their address views): about one rendered `meta_data.json` for each
 * instance the service keeps built.
 */
export class MetadataRenderer {
  private readonly seeds = new RandomSeeds();
  private readonly seeded = new WeakMap<InstanceMetadata, SeededFile>();

  /** The file at `path` of `md` (undefined for the version listings, which belong to no instance). */
  render(path: MetadataPath, md: InstanceMetadata | undefined, now: Date): RenderedFile {
    const kept = md && this.seeded.get(md);
    if (kept?.path === path) {
      const body = Buffer.from(kept.body);
      body.write(this.seeds.next(), kept.seedAt, 'latin1');
      return { status: 200, contentType: kept.contentType, body, freshOnEveryRead: true };
    }
    let seed: string | undefined;
    const seeds = this.seeds;
    const rendered = renderMetadata(path, md, {
      now,
      get randomSeed() {
        return (seed ??= seeds.next());
      },
    });
    if (seed === undefined || rendered.status !== 200) return Object.assign({}, rendered, { freshOnEveryRead: false });
    // The seed was drawn after the metadata was built, so these 684 random characters occur once.
    const seedAt = rendered.body.indexOf(seed, 0, 'latin1');
    if (md && seedAt !== -1) {
      // Its own memory: a slice of Node's shared pool would keep the whole 8 KiB slab alive.
      const body = Buffer.allocUnsafeSlow(rendered.body.length);
      rendered.body.copy(body);
      // Not the seed this client was sent, kept for as long as the instance is.
      body.fill('A', seedAt, seedAt + seed.length, 'latin1');
      this.seeded.set(md, { path, contentType: rendered.contentType, body, seedAt });
    }
    return Object.assign({}, rendered, { freshOnEveryRead: true });
  }
}
