import { statSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { gunzipSync } from 'node:zlib';
import {
  ConfigDriveError,
  configDriveImageFiles,
  decodeConfigDrive,
  readIso9660,
  withIronicNodeDefaults,
  type ConfigDrive,
  type ConfigDriveJson,
  type IronicNodeIdentity,
} from '@ironic-metadata/configdrive';
import { nodeLabel, type NodeIndex, type NodeSource } from '@ironic-metadata/node-discovery';
import type { Command } from 'commander';
import { exitWith, withHelp, withJsonOption, withSourceOptions } from '../../support/command-options';
import { cliContainer, CommandFailure, EXIT, loadNodes, nodeIn, UsageError, type SourceOptions } from '../../support/context';
import { readInputFile } from '../../support/files';
import { printJson, renderTable, styleFor } from '../../support/output';

export interface DecodeOptions extends SourceOptions {
  file?: string;
  json?: boolean;
}

export function addConfigDriveDecodeCommand(configdrive: Command): void {
  const command = configdrive
    .command('decode')
    .summary("a config drive's files and meta_data, or one file's bytes")
    .description(
      'Show the files of a config drive (paths and sizes) and a summary of its meta_data, or with --file one file raw on stdout. ' +
        'The argument is a file (base64 of a gzipped ISO as Ironic stores it, a raw or gzipped ISO, or JSON), else a node uuid or name.',
    )
    .argument('<source>', 'a config drive file, or the uuid or name of a node whose instance_info.configdrive to read')
    .option('--file <path>', 'print this file of the drive raw on stdout, e.g. openstack/latest/user_data');
  withSourceOptions(command, { leases: false });
  withJsonOption(command);
  withHelp(command, {
    examples: [
      'ironic-metadata configdrive decode compute-r01-u05 --inventory apps/metadata-server/example/inventory.json',
      'ironic-metadata configdrive decode 1be26c0b-03f2-4d2e-ae87-c02d7f33c123 --file openstack/latest/user_data',
      'ironic-metadata configdrive decode configdrive.b64 --json',
    ],
    exits:
      '0 decoded; 1 no such node, no config drive, masked as "******" (grant show_instance_secrets), undecodable, or no such --file (or the node source could not answer); 2 usage or configuration error.',
  });
  command.action(async (source: string, options: DecodeOptions) => exitWith(await configDriveDecodeCommand(source, options)));
}

/** `ironic-metadata configdrive decode <file | node>`: what a node would find on its config drive. */
export async function configDriveDecodeCommand(source: string, options: DecodeOptions): Promise<number> {
  if (options.file && options.json) throw new UsageError('--file prints the raw bytes of one file; leave out --json');
  const { origin, value } = await locateConfigDrive(source, options);
  const drive = await decode(value, origin);
  const { form, files } = driveContents(value);
  if (options.file) {
    const bytes = files.get(options.file.replace(/^\/+/, ''));
    if (!bytes) throw new CommandFailure(`${origin}: the config drive has no file ${options.file}; it has ${[...files.keys()].join(', ')}`);
    process.stdout.write(bytes);
    return EXIT.ok;
  }
  const listing = [...files].map(([path, bytes]) => ({ path, size: bytes.length }));
  if (options.json) {
    printJson({
      source: origin,
      form,
      metaData: drive.metaData,
      networkData: drive.storedNetworkData ?? null,
      userDataBytes: drive.userData?.length ?? null,
      leftAside: drive.leftAside,
      files: listing,
    });
    return EXIT.ok;
  }
  const style = styleFor(process.stdout);
  const summary = renderTable(['META_DATA', 'VALUE'], summaryRows(drive), style);
  const tree = renderTable(
    ['PATH', 'SIZE'],
    listing.map(({ path, size }) => [path, String(size)]),
    style,
  );
  process.stdout.write(`config drive of ${origin}\nstored as ${form}\n\n${summary}\n${tree}`);
  return EXIT.ok;
}

/**
 * A file on disk if there is one by that name, else a node of the configured source. A node's JSON
 * drive is shown as Ironic writes it to the disk, with the node's uuid and name filled in.
 */
async function locateConfigDrive(source: string, options: SourceOptions): Promise<{ origin: string; value: unknown }> {
  if (statSync(source, { throwIfNoEntry: false })?.isFile()) return { origin: `file ${source}`, value: readDriveFile(source) };
  const stored = new Map<string, unknown>();
  const { container } = cliContainer(options, { relayNodeSource: (nodes) => notingStoredDrives(nodes, source, stored) });
  let index: NodeIndex;
  try {
    index = await loadNodes(container);
  } catch (error) {
    if (!(error instanceof CommandFailure)) throw error;
    throw new CommandFailure(`${source} is not a file here, so it was taken for a node: ${error.message}`);
  }
  const entry = nodeIn(index, source, 'no such file, and no node');
  const value = stored.has(entry.node.uuid) ? stored.get(entry.node.uuid) : entry.node.instance_info.configdrive;
  if (value === undefined || value === null || value === '') {
    throw new CommandFailure(
      `node ${nodeLabel(entry.node)} has no config drive: instance_info.configdrive is empty (it is given when the node is deployed)`,
    );
  }
  return { origin: `node ${nodeLabel(entry.node)}`, value: asIronicWritesIt(value, entry.node) };
}

/**
 * `source`, noting the drive stored for each node `id` names (uuid or name) as it is loaded: once the
 * index has decoded a long stored drive it keeps only a reference to it (ConfigDriveCache), and this
 * command shows the drive as stored.
 */
function notingStoredDrives(source: NodeSource, id: string, stored: Map<string, unknown>): NodeSource {
  return {
    description: source.description,
    patchNode: source.patchNode?.bind(source),
    watch: source.watch?.bind(source),
    forget: source.forget?.bind(source),
    load: async () => {
      const inventory = await source.load();
      for (const node of inventory.nodes) if (node.uuid === id || node.name === id) stored.set(node.uuid, node.instance_info.configdrive);
      return inventory;
    },
  };
}

/** Ironic fills only a drive stored as an object (ironic/conductor/utils.py `get_configdrive_image`), and one whose meta_data is an object. */
export function asIronicWritesIt(value: unknown, node: IronicNodeIdentity): unknown {
  if (typeof value !== 'object' || value === null || Buffer.isBuffer(value)) return value;
  const json = value as ConfigDriveJson;
  const meta: unknown = json.meta_data ?? {};
  if (typeof meta !== 'object' || meta === null || Array.isArray(meta)) return value;
  return { ...json, meta_data: withIronicNodeDefaults(meta as Record<string, unknown>, node) };
}

/** Text (base64 or JSON) as a string, anything else (an ISO, gzip) as bytes: what decodeConfigDrive takes. */
function readDriveFile(path: string): string | Buffer {
  const bytes = readInputFile(path, 'make it readable by this user, or copy it somewhere you may read it');
  return isUtf8(bytes) && !bytes.includes(0) ? bytes.toString('utf8') : bytes;
}

async function decode(value: unknown, origin: string): Promise<ConfigDrive> {
  try {
    return await decodeConfigDrive(value);
  } catch (error) {
    if (!(error instanceof ConfigDriveError)) throw error;
    const hint =
      error.code === 'unsupported' && typeof value === 'string' ? '; download it and run: ironic-metadata configdrive decode FILE' : '';
    throw new CommandFailure(`${origin}: ${error.message}${hint}`);
  }
}

/** The files a node's config drive holds, and the form the value was stored in; for a value that decoded. */
export function driveContents(value: unknown): { form: string; files: Map<string, Buffer> } {
  const json = jsonForm(value);
  if (json) return { form: 'JSON (Ironic renders these files from it at deploy time)', files: configDriveImageFiles(json) };
  const base64 = typeof value === 'string';
  const bytes = base64 ? Buffer.from(value, 'base64') : (value as Buffer);
  const gzipped = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const form = `${base64 ? 'base64 of ' : ''}${gzipped ? 'a gzipped ISO 9660 image' : 'an ISO 9660 image'}`;
  return { form, files: readIso9660(gzipped ? gunzipSync(bytes) : bytes).files };
}

function jsonForm(value: unknown): ConfigDriveJson | undefined {
  if (typeof value === 'string') return value.trim().startsWith('{') ? (JSON.parse(value) as ConfigDriveJson) : undefined;
  return Buffer.isBuffer(value) ? undefined : (value as ConfigDriveJson);
}

function summaryRows(drive: ConfigDrive): string[][] {
  const meta = drive.metaData;
  const networks = drive.networkData?.networks ?? [];
  const rows: [string, unknown][] = [
    ['uuid', meta.uuid],
    ['name', meta.name],
    ['hostname', meta.hostname],
    ['availability_zone', meta.availability_zone],
    ['public_keys', Object.keys(drive.publicKeys).join(', ')],
    [
      'meta',
      meta.meta &&
        Object.entries(meta.meta)
          .map(([key, value]) => `${key}=${value}`)
          .join(', '),
    ],
    [
      'network_data',
      networks
        .map((network) => `${network.ip_address ?? network.type ?? 'a network'}${network.link ? ` on ${network.link}` : ''}`)
        .join(', '),
    ],
    ['user_data', drive.userData && `${drive.userData.length} bytes`],
    // What the service does without; the files below keep them.
    ...drive.leftAside.map(({ field, problem }): [string, unknown] => [`left aside: ${field}`, problem]),
  ];
  return rows.map(([field, value]) => [field, value === undefined || value === '' ? '-' : String(value)]);
}
