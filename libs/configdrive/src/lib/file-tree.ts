import { networkDataSchema, describeIssues } from '@ironic-metadata/ironic-model';
import { describe } from './describe';
import { ConfigDriveError } from './errors';
import type { ConfigDrive, ConfigDriveMetaData } from './types';

/** A config drive's files by path relative to the volume root, e.g. `openstack/latest/user_data`. */
export type ConfigDriveFiles = ReadonlyMap<string, Buffer>;

const DATED_VERSION = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The version directory to read: `openstack/latest/`, else the newest dated one present, as
 * cloud-init does when it reads a config drive.
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

/** Reads the typed config drive out of its files (from an ISO image or a directory). */
export function configDriveFromFiles(files: ConfigDriveFiles): ConfigDrive {
  const directory = chooseVersionDirectory(files);
  const json = (name: string): unknown => {
    const bytes = files.get(`${directory}/${name}`);
    if (bytes === undefined) return undefined;
    try {
      return JSON.parse(bytes.toString('utf8'));
    } catch (error) {
      throw new ConfigDriveError('invalid-json', `${directory}/${name}: expected JSON, ${(error as Error).message}`);
    }
  };
  return assembleConfigDrive({
    metaData: json('meta_data.json'),
    networkData: json('network_data.json'),
    vendorData: json('vendor_data.json'),
    vendorData2: json('vendor_data2.json'),
    userData: files.get(`${directory}/user_data`),
    origin: directory,
  });
}

/** Validates the parts of a config drive, from whichever form they came. */
export function assembleConfigDrive(parts: {
  metaData: unknown;
  networkData: unknown;
  vendorData: unknown;
  vendorData2: unknown;
  userData: Buffer | undefined;
  origin: string;
}): ConfigDrive {
  const { metaData, origin } = parts;
  if (typeof metaData !== 'object' || metaData === null || Array.isArray(metaData)) {
    throw new ConfigDriveError('missing-metadata', `${origin}: expected meta_data to be a JSON object, found ${describe(metaData)}`);
  }
  const meta = metaData as ConfigDriveMetaData;
  let networkData;
  if (parts.networkData !== undefined && parts.networkData !== null) {
    const parsed = networkDataSchema.safeParse(parts.networkData);
    if (!parsed.success) {
      throw new ConfigDriveError('invalid-json', `${origin}: network_data is not Nova's network_data.json: ${describeIssues(parsed.error.issues).join('; ')}`);
    }
    networkData = parsed.data;
  }
  return {
    metaData: meta,
    userData: parts.userData,
    networkData,
    vendorData: parts.vendorData,
    vendorData2: parts.vendorData2,
    publicKeys: publicKeysOf(meta, origin),
  };
}

function publicKeysOf(meta: ConfigDriveMetaData, origin: string): Record<string, string> {
  const keys = meta.public_keys;
  if (keys === undefined || keys === null) return {};
  if (typeof keys !== 'object' || Array.isArray(keys) || Object.values(keys).some((k) => typeof k !== 'string')) {
    throw new ConfigDriveError('invalid-json', `${origin}: expected meta_data.public_keys to map names to key strings, found ${describe(keys)}`);
  }
  return { ...keys };
}
