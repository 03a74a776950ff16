import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';

/** The Debian package that provides each tool the tests run. */
const DEBIAN_PACKAGE = { genisoimage: 'genisoimage', isoinfo: 'genisoimage', xorriso: 'xorriso', blkid: 'util-linux' } as const;
export type IsoTool = keyof typeof DEBIAN_PACKAGE;

/** Runs a tool and returns its stdout. A missing tool fails the test naming the package: never a silent skip. */
export function runTool(tool: IsoTool, args: readonly string[]): Buffer {
  // blkid lives in /sbin, which a non-root PATH may lack.
  const result = spawnSync(tool, args, {
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
  });
  if ((result.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') {
    throw new Error(
      `${tool} is not installed: the tests need the Debian package "${DEBIAN_PACKAGE[tool]}" (apt-get install ${DEBIAN_PACKAGE[tool]})`,
    );
  }
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${tool} ${args.join(' ')} exited with ${result.status}: ${result.stderr.toString()}`);
  return result.stdout;
}

/** Ironic's (openstacksdk's) exact genisoimage command line, less the output and the directory. */
export const IRONIC_GENISOIMAGE_FLAGS = [
  '-ldots',
  '-allow-lowercase',
  '-allow-multidot',
  '-l',
  '-publisher',
  'metalsmith',
  '-quiet',
  '-J',
  '-r',
  '-V',
  'config-2',
];

/** Ways to make an image of a directory, by the names the tests report. */
export const IMAGE_MAKERS = {
  'genisoimage as Ironic runs it': (source: string, image: string) =>
    runTool('genisoimage', ['-o', image, ...IRONIC_GENISOIMAGE_FLAGS, source]),
  'xorriso -J -r': (source: string, image: string) =>
    runTool('xorriso', ['-as', 'mkisofs', '-quiet', '-J', '-r', '-V', 'config-2', '-o', image, source]),
  // xorriso writes Rock Ridge unless told --norock.
  'xorriso -J --norock': (source: string, image: string) =>
    runTool('xorriso', ['-as', 'mkisofs', '-quiet', '-J', '--norock', '-V', 'config-2', '-o', image, source]),
  'xorriso --norock (plain names)': (source: string, image: string) =>
    runTool('xorriso', ['-as', 'mkisofs', '-quiet', '--norock', '-V', 'config-2', '-o', image, source]),
};
export type ImageMaker = keyof typeof IMAGE_MAKERS;

/** A fresh directory under the system temp directory, removed by `removeTree`. */
export function makeTempDirectory(): string {
  return mkdtempSync(join(tmpdir(), 'configdrive-test-'));
}

/** xorriso extracts read-only directories: make them writable first. */
export function removeTree(directory: string): void {
  for (const path of walk(directory)) if (statSync(path).isDirectory()) chmodSync(path, 0o755);
  chmodSync(directory, 0o755);
  rmSync(directory, { recursive: true, force: true });
}

export function writeTree(directory: string, files: ReadonlyMap<string, Buffer>): void {
  for (const [path, data] of files) {
    mkdirSync(dirname(join(directory, path)), { recursive: true });
    writeFileSync(join(directory, path), data);
  }
}

/** Every regular file under `directory`, by relative path. */
export function readTree(directory: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const path of walk(directory)) if (statSync(path).isFile()) files.set(relative(directory, path), readFileSync(path));
  return files;
}

function* walk(directory: string): Generator<string> {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    yield path;
    if (entry.isDirectory()) yield* walk(path);
  }
}

/** Makes an image of `files` with one of the real tools. */
export function imageFromTool(maker: ImageMaker, files: ReadonlyMap<string, Buffer>): Buffer {
  const directory = makeTempDirectory();
  try {
    const source = join(directory, 'source');
    mkdirSync(source);
    writeTree(source, files);
    const image = join(directory, 'image.iso');
    IMAGE_MAKERS[maker](source, image);
    return readFileSync(image);
  } finally {
    removeTree(directory);
  }
}
