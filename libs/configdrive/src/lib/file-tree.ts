import { metaDataSchema, parseLeniently, readNetworkData, type LeftAside } from '@ironic-metadata/ironic-model';
import { describe } from './describe';
import { ConfigDriveError } from './errors';
import type { ConfigDrive, ConfigDriveMetaData } from './types';

/**
 * A config drive's files by path relative to the volume root, e.g. `openstack/latest/user_data`.
 *
 * @public
 */
export type ConfigDriveFiles = ReadonlyMap<string, Buffer>;

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The version directory to read: `openstack/latest/`, else the newest dated one present, as
 * cloud-init does when it reads a config drive.
 *
 * @throws {@link ConfigDriveError} with code `missing-metadata` when no `openstack/<version>/meta_data.json` exists.
 * @public
 */
export function chooseVersionDirectory(files: ConfigDriveFiles): string {
  const versions = new Set<string>();
  for (const path of files.keys()) {
    const [top, version, file] = path.split('/');
    if (top === 'openstack' && version && file === 'meta_data.json') versions.add(version);
  }
  if (versions.has('latest')) return 'openstack/latest';
  const dated = [...versions].filter((v) => DATED_VERSION.test(v)).sort();
  if (dated.length === 0) {
    const found = [...files.keys()].slice(0, 10).join(', ') || 'no files';
    throw new ConfigDriveError('missing-metadata', `expected openstack/<version>/meta_data.json in the config drive, found ${found}`);
  }
  return `openstack/${dated[dated.length - 1]}`;
}

/**
 * Reads the typed config drive out of its files (from an ISO image or a directory). A file that is not
 * JSON is left aside (named in `leftAside`), not the drive: the node reads the other files regardless.
 *
 * @throws {@link ConfigDriveError} with code `missing-metadata` when no `openstack/<version>/meta_data.json` exists.
 * @public
 */
export function configDriveFromFiles(files: ConfigDriveFiles): ConfigDrive {
  const directory = chooseVersionDirectory(files);
  const leftAside: LeftAside[] = [];
  const json = (name: string): unknown => {
    const bytes = files.get(`${directory}/${name}`);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      leftAside.push({ field: name.replace(/\.json$/, ''), problem: `${directory}/${name} is not JSON: ${(error as Error).message}` });
      return undefined;
    }
  };
  const drive = assembleConfigDrive({
    metaData: json('meta_data.json') ?? {},
    networkData: json('network_data.json'),
    vendorData: json('vendor_data.json'),
    vendorData2: json('vendor_data2.json'),
    userData: files.get(`${directory}/user_data`),
  });
  return Object.assign({}, drive, { leftAside: [...leftAside, ...drive.leftAside] } satisfies Partial<ConfigDrive>);
}

/**
 * The typed config drive from its parts, whichever form they came from. Only what the service reads is
 * checked (`metaDataSchema`, `readNetworkData`), and only as strictly as it reads it: each unusable
 * value is left aside and named (`meta_data.public_keys.ops`), the rest is served. Never throws.
 */
export function assembleConfigDrive(parts: {
  metaData: unknown;
  networkData: unknown;
  vendorData: unknown;
  vendorData2: unknown;
  userData: Buffer | undefined;
}): ConfigDrive {
  const leftAside: LeftAside[] = [];
  const within = (prefix: string) => (entry: LeftAside) => ({
    field: entry.field ? `${prefix}.${entry.field}` : prefix,
    problem: entry.problem,
  });
  let metaData: ConfigDriveMetaData = {};
  if (isJsonObject(parts.metaData)) {
    const read = parseLeniently(metaDataSchema, parts.metaData);
    if (read.success) {
      metaData = read.data;
      leftAside.push(...read.leftAside.map(within('meta_data')));
    }
  } else {
    leftAside.push({ field: 'meta_data', problem: `expected a JSON object, found ${describe(parts.metaData)}` });
  }
  let network;
  if (parts.networkData !== undefined && parts.networkData !== null) {
    network = readNetworkData(parts.networkData);
    leftAside.push(...network.leftAside.map(within('network_data')));
  }
  return {
    metaData,
    userData: parts.userData,
    networkData: network?.view,
    storedNetworkData: network?.document,
    vendorData: parts.vendorData,
    vendorData2: parts.vendorData2,
    publicKeys: { ...metaData.public_keys },
    leftAside,
  };
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
