import type { ConfigDriveJson } from './types';

/** The parts of a JSON config drive as Ironic writes them to its image. */
export interface RenderedConfigDriveJson {
  metaData: unknown;
  networkData: unknown;
  /** Ironic writes a JSON config drive's `vendor_data` as `vendor_data2.json`. */
  vendorData2: unknown;
  userData: Buffer | undefined;
}

/**
 * What Ironic renders from a JSON config drive (openstacksdk's `populate_directory`): `meta_data`
 * always; `network_data`, `vendor_data` and `user_data` only when Python finds them truthy; an object
 * or list `user_data` JSON-encoded. Decoding and building share this, so both agree with Ironic.
 */
export function renderConfigDriveJson(json: ConfigDriveJson): RenderedConfigDriveJson {
  return {
    metaData: json.meta_data ?? {},
    networkData: isPythonTruthy(json.network_data) ? json.network_data : undefined,
    vendorData2: isPythonTruthy(json.vendor_data) ? json.vendor_data : undefined,
    userData: userDataBytes(json.user_data),
  };
}

function userDataBytes(userData: unknown): Buffer | undefined {
  if (typeof userData === 'object' && userData !== null) return Buffer.from(JSON.stringify(userData), 'utf8');
  return isPythonTruthy(userData) ? Buffer.from(String(userData), 'utf8') : undefined;
}

/** Python's `if value:` over JSON values: null, false, 0, "", [] and {} are false. */
function isPythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** The node fields Ironic writes into a JSON config drive's meta_data. */
export interface IronicNodeIdentity {
  uuid: string;
  name?: string | null;
}

/**
 * The meta_data Ironic writes to the disk for a JSON config drive (ironic/conductor/utils.py
 * `build_configdrive`): `uuid` defaults to the node's uuid and, when the node has a name, `name` to
 * it; a key that is present is kept as it is (Python's `setdefault`). Ironic does not touch a config
 * drive given as an image or a URL.
 */
export function withIronicNodeDefaults(metaData: Record<string, unknown>, node: IronicNodeIdentity): Record<string, unknown> {
  return {
    ...metaData,
    ...('uuid' in metaData ? {} : { uuid: node.uuid }),
    ...('name' in metaData || !node.name ? {} : { name: node.name }),
  };
}
