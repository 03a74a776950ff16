import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, sep } from 'node:path';
import {
  buildConfigDriveImage,
  ConfigDriveError,
  configDriveFromFiles,
  configDriveFromJson,
  configDriveImageFiles,
  encodeConfigDrive,
  type ConfigDriveFiles,
  type ConfigDriveJson,
} from '@ironic-metadata/configdrive';
import type { Command } from 'commander';
import { exitWith, withHelp } from './command-options';
import { CommandFailure, EXIT, UsageError } from './context';
import { plural, printJson } from './output';

export interface BuildOptions {
  output: string;
  raw?: boolean;
  json?: boolean;
}

export function addConfigDriveBuildCommand(configdrive: Command): void {
  const command = configdrive
    .command('build')
    .summary('a config drive from a directory tree or JSON')
    .description(
      'Build a config drive from a directory laid out like one (openstack/latest/meta_data.json, ...) or from a JSON file ' +
        '{meta_data, user_data, network_data, vendor_data}: base64 of a gzipped ISO 9660 image, as Ironic stores it, or the raw image with --raw.',
    )
    .argument('<input>', 'a directory tree or a JSON file')
    .requiredOption('-o, --output <file>', 'where to write the config drive; - for stdout')
    .option('--raw', 'write the raw ISO 9660 image instead of base64 of its gzip')
    .option('--json', 'print what was written as JSON');
  withHelp(command, {
    examples: [
      'ironic-metadata configdrive build drive/ -o configdrive.b64     # then: baremetal node deploy NODE --config-drive "$(cat configdrive.b64)"',
      'ironic-metadata configdrive build configdrive.json -o configdrive.iso --raw',
    ],
    exits: '0 written; 1 the input is not a usable config drive (no openstack/<version>/meta_data.json, invalid JSON, ...); 2 the input cannot be read, or usage error.',
  });
  command.action((input: string, options: BuildOptions) => exitWith(configDriveBuildCommand(input, options)));
}

/** `ironic-metadata configdrive build <dir | json> -o OUT [--raw]`. SOURCE_DATE_EPOCH fixes the image's time stamps. */
export function configDriveBuildCommand(input: string, options: BuildOptions, env: NodeJS.ProcessEnv = process.env): number {
  if (options.json && options.output === '-') throw new UsageError('--json prints a summary on stdout, so the drive cannot go there too; give -o a file');
  const contents = readInput(input);
  const metaData = validated(input, contents);
  const date = sourceDate(env);
  const bytes = options.raw ? buildConfigDriveImage(contents, { date }) : Buffer.from(encodeConfigDrive(contents, { date }));
  if (options.output === '-') process.stdout.write(bytes);
  else writeFileSync(options.output, bytes);
  const files = [...configDriveImageFiles(contents)].map(([path, file]) => ({ path, size: file.length }));
  const form = options.raw ? 'a raw ISO 9660 image' : 'base64 of a gzipped ISO 9660 image';
  if (options.json) printJson({ output: options.output, form, bytes: bytes.length, files });
  else process.stderr.write(`wrote ${options.output === '-' ? 'stdout' : options.output}: ${form}, ${bytes.length} bytes, ${plural(files.length, 'file')}\n`);
  if (metaData['uuid'] === undefined) {
    process.stderr.write('warning: meta_data has no uuid, which cloud-init requires; Ironic adds the node uuid only to a config drive given as JSON, not to an image\n');
  }
  return EXIT.ok;
}

function readInput(input: string): ConfigDriveJson | ConfigDriveFiles {
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${input}: no such file or directory; give a directory laid out like a config drive or a JSON file`);
  if (stat.isDirectory()) return readTree(input);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(input, 'utf8'));
  } catch (error) {
    throw new CommandFailure(`${input}: expected a JSON object {meta_data, user_data, network_data, vendor_data}, ${(error as Error).message}`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CommandFailure(`${input}: expected a JSON object {meta_data, user_data, network_data, vendor_data}, found ${Array.isArray(json) ? 'a list' : String(json)}`);
  }
  return json as ConfigDriveJson;
}

/** Every regular file under `dir`, by its path relative to it with `/` separators, as on the image. */
function readTree(dir: string): ConfigDriveFiles {
  const files = new Map<string, Buffer>();
  for (const relative of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, relative);
    if (statSync(path).isFile()) files.set(relative.split(sep).join('/'), readFileSync(path));
  }
  return files;
}

/** Refuses what a node could not read, the way decoding would; answers the meta_data. */
function validated(input: string, contents: ConfigDriveJson | ConfigDriveFiles): Record<string, unknown> {
  try {
    return (contents instanceof Map ? configDriveFromFiles(contents) : configDriveFromJson(contents as ConfigDriveJson, input)).metaData;
  } catch (error) {
    if (error instanceof ConfigDriveError) throw new CommandFailure(`${input}: ${error.message}`);
    throw error;
  }
}

function sourceDate(env: NodeJS.ProcessEnv): Date | undefined {
  const epoch = env['SOURCE_DATE_EPOCH'];
  if (epoch === undefined || epoch === '') return undefined;
  if (!/^\d+$/.test(epoch)) throw new UsageError(`SOURCE_DATE_EPOCH: expected Unix seconds, got "${epoch}"`);
  return new Date(Number(epoch) * 1000);
}
