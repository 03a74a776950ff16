import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import {
  buildConfigDriveImage,
  ConfigDriveError,
  configDriveFromFiles,
  checkIronicConfigDriveJson,
  configDriveFromJson,
  configDriveImageFiles,
  encodeConfigDrive,
  type ConfigDriveFiles,
  type ConfigDriveJson,
} from '@ironic-metadata/configdrive';
import { TYPES } from '@ironic-metadata/container';
import { metadataForConfigDrive } from '@ironic-metadata/formatters';
import { isEligible, nodeLabel } from '@ironic-metadata/node-discovery';
import type { Command } from 'commander';
import { asIronicWritesIt } from './decode';
import { exitWith, withHelp, withSourceOptions } from '../../support/command-options';
import { cliContainer, CommandFailure, EXIT, loadNodes, nodeIn, UsageError, type SourceOptions } from '../../support/context';
import { readInputFile, writeOutputFile } from '../../support/files';
import { plural, printJson } from '../../support/output';
import { renderContextNow, servedMetadata } from '../../support/served-metadata';

export interface BuildOptions extends SourceOptions {
  output: string;
  raw?: boolean;
  json?: boolean;
  /**
   * The node the drive is for: its uuid and name fill a JSON drive's missing ones, as Ironic does;
   * without an input, the drive holds what the metadata service serves that node.
   */
  node?: string;
}

export function addConfigDriveBuildCommand(configdrive: Command): void {
  const command = configdrive
    .command('build')
    .summary('a config drive from a directory tree, JSON, or what the service serves a node')
    .description(
      'Build a config drive from a directory laid out like one (openstack/latest/meta_data.json, ...) or from a JSON file ' +
        '{meta_data, user_data, network_data, vendor_data}: base64 of a gzipped ISO 9660 image, as Ironic stores it, or the raw image with --raw. ' +
        "Without an input, --node NODE builds the drive of exactly what the metadata service serves that node, laid out as Nova's config drive " +
        '(openstack/<version>/... and ec2/<version>/meta-data.json for every version), for a node that cannot reach the service.',
    )
    .argument('[input]', 'a directory tree or a JSON file; none with --node for what the service serves the node')
    .requiredOption('-o, --output <file>', 'where to write the config drive; - for stdout')
    .option('--raw', 'write the raw ISO 9660 image instead of base64 of its gzip')
    .option('--json', 'print what was written as JSON')
    .option(
      '--node <node>',
      "the node (uuid or name) the drive is for: its uuid and name fill the JSON's missing meta_data uuid and name, as Ironic does; without an input, the drive holds what the service serves it",
    );
  withSourceOptions(command, { leases: false });
  withHelp(command, {
    examples: [
      'ironic-metadata configdrive build drive/ -o configdrive.b64     # then: baremetal node deploy NODE --config-drive "$(cat configdrive.b64)"',
      'ironic-metadata configdrive build configdrive.json -o configdrive.iso --raw',
      'ironic-metadata configdrive build configdrive.json --node compute-r01-u05 -o configdrive.b64   # the uuid the metadata service answers for it',
      'ironic-metadata configdrive build --node compute-r01-u05 -o configdrive.iso --raw          # what the metadata service serves it',
    ],
    exits:
      '0 written; 1 the input is not a usable config drive (no openstack/<version>/meta_data.json, invalid JSON, ...), no such --node or several of that name, ' +
      'a node the service serves nothing (or the node source could not answer); 2 the input cannot be read, or usage error.',
  });
  command.action(async (input: string | undefined, options: BuildOptions) => exitWith(await configDriveBuildCommand(input, options)));
}

/**
 * `ironic-metadata configdrive build <dir | json> -o OUT [--raw] [--node NODE]`, or `build --node NODE -o OUT`
 * for what the service serves the node. SOURCE_DATE_EPOCH fixes the image's time stamps.
 */
export async function configDriveBuildCommand(
  input: string | undefined,
  options: BuildOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  if (options.json && options.output === '-')
    throw new UsageError('--json prints a summary on stdout, so the drive cannot go there too; give -o a file');
  if (input === undefined && !options.node) {
    throw new UsageError(
      'give a directory tree or a JSON file to build from, or --node NODE for a drive of what the metadata service serves that node',
    );
  }
  const contents = input === undefined ? await servedDrive(options.node as string, options) : await driveFrom(input, options);
  const metaData = validated(input ?? `node ${options.node}`, contents);
  const date = sourceDate(env);
  const bytes = options.raw ? buildConfigDriveImage(contents, { date }) : Buffer.from(encodeConfigDrive(contents, { date }));
  if (options.output === '-') process.stdout.write(bytes);
  else writeOutputFile(options.output, bytes, '-o');
  const files = [...configDriveImageFiles(contents)].map(([path, file]) => ({ path, size: file.length }));
  const form = options.raw ? 'a raw ISO 9660 image' : 'base64 of a gzipped ISO 9660 image';
  if (options.json) printJson({ output: options.output, form, bytes: bytes.length, files });
  else
    process.stderr.write(
      `wrote ${options.output === '-' ? 'stdout' : options.output}: ${form}, ${bytes.length} bytes, ${plural(files.length, 'file')}\n`,
    );
  if (metaData['uuid'] === undefined) {
    process.stderr.write(
      "warning: meta_data has no uuid, which cloud-init's config drive source requires. Ironic writes the node's uuid only into a drive given to it as JSON, " +
        "not into an image, so on the disk this drive has none and the node takes the metadata service's instance id, the node's uuid: " +
        "pass --node NODE to write that node's uuid and name in, or give Ironic the JSON itself\n",
    );
  }
  return EXIT.ok;
}

/** The input as it is, or a JSON drive with --node's uuid and name filled in. */
async function driveFrom(input: string, options: BuildOptions): Promise<ConfigDriveJson | ConfigDriveFiles> {
  const read = readInput(input);
  if (!options.node) return read;
  if (read instanceof Map) {
    throw new UsageError(
      '--node fills a JSON config drive, as Ironic does; in a directory tree, write uuid and name into openstack/<version>/meta_data.json yourself',
    );
  }
  return asIronicWritesIt(read, nodeIn(await loadNodes(cliContainer(options).container), options.node, 'no node').node) as ConfigDriveJson;
}

/**
 * The files of a drive holding what the service serves node `id` (its metadata found by the node's
 * uuid, as a proxy's X-Instance-ID finds it), laid out as Nova lays its config drive out. The EC2
 * `local-ipv4` is the node's static address: a drive cannot know the address a node would ask from.
 */
async function servedDrive(id: string, options: BuildOptions): Promise<ConfigDriveFiles> {
  const { container } = cliContainer(options);
  const entry = nodeIn(await loadNodes(container), id, 'no node');
  if (!isEligible(entry))
    throw new CommandFailure(
      `${id}: node ${nodeLabel(entry.node)} is ${entry.node.provision_state}, not deployed: it has no instance, so the metadata service serves it nothing and there is no drive to build; deploy it first, or give the node that holds the instance`,
    );
  const client = container.get(TYPES.MetadataService).forInstance(entry.node.uuid);
  if (!client.found)
    throw new CommandFailure(`${id}: the metadata service serves this node nothing, so there is no drive to build: ${client.reason}`);
  const metadata = await servedMetadata(container, client.metadata);
  return new Map(metadataForConfigDrive(metadata, renderContextNow()));
}

const INPUT_FIX = 'give a directory laid out like a config drive or a JSON file, readable by this user';

function readInput(input: string): ConfigDriveJson | ConfigDriveFiles {
  const stat = statSync(input, { throwIfNoEntry: false });
  if (!stat) throw new UsageError(`${input}: no such file or directory; ${INPUT_FIX}`);
  if (stat.isDirectory()) return readTree(input);
  const text = readInputFile(input, INPUT_FIX).toString('utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new CommandFailure(
      `${input}: expected a JSON object {meta_data, user_data, network_data, vendor_data}, ${(error as Error).message}`,
    );
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new CommandFailure(
      `${input}: expected a JSON object {meta_data, user_data, network_data, vendor_data}, found ${Array.isArray(json) ? 'a list' : String(json)}`,
    );
  }
  return json as ConfigDriveJson;
}

/** Every regular file under `dir`, by its path relative to it with `/` separators, as on the image. */
function readTree(dir: string): ConfigDriveFiles {
  const files = new Map<string, Buffer>();
  for (const relative of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const path = join(dir, relative);
    if (statSync(path).isFile()) files.set(relative.split(sep).join('/'), readInputFile(path, INPUT_FIX));
  }
  return files;
}

/** Refuses what a node could not read, or Ironic would refuse; answers the meta_data. */
function validated(input: string, contents: ConfigDriveJson | ConfigDriveFiles): Record<string, unknown> {
  try {
    if (contents instanceof Map) return configDriveFromFiles(contents).metaData;
    checkIronicConfigDriveJson(contents as ConfigDriveJson);
    return configDriveFromJson(contents as ConfigDriveJson).metaData;
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
