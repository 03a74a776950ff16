import { describe } from './describe';
import { ConfigDriveError } from './errors';
import type { ConfigDriveJson } from './types';

/**
 * Ironic's `_CONFIG_DRIVE_SCHEMA` (ironic/api/controllers/v1/utils.py): the type each key must have, or
 * the deploy is refused with a 400. A null is taken as the key left out, as Ironic's renderer does.
 */
const IRONIC_JSON_FORM: Record<string, { expected: string; accepts: (value: unknown) => boolean }> = {
  meta_data: { expected: 'an object', accepts: isObjectOrNull },
  network_data: { expected: 'an object', accepts: isObjectOrNull },
  user_data: {
    expected: 'an object, a list, a string or null',
    accepts: (value) => value === null || typeof value === 'string' || typeof value === 'object',
  },
  vendor_data: { expected: 'an object', accepts: isObjectOrNull },
};

/**
 * Refuses a JSON config drive that Ironic's API would refuse at deploy time (`PUT .../states/provision`
 * answers 400): a key other than the four, or one of the wrong type. Ironic checks nothing inside them.
 * Throws `ConfigDriveError` (`invalid-json`) naming the key, what it must be and what it is.
 *
 * @throws {@link ConfigDriveError} with code `invalid-json`.
 * @public
 */
export function checkIronicConfigDriveJson(json: ConfigDriveJson): void {
  for (const [key, value] of Object.entries(json)) {
    const rule = IRONIC_JSON_FORM[key];
    if (!rule)
      throw new ConfigDriveError(
        'invalid-json',
        `Ironic accepts only meta_data, network_data, user_data and vendor_data in a JSON config drive, found "${key}"`,
      );
    if (!rule.accepts(value))
      throw new ConfigDriveError(
        'invalid-json',
        `Ironic expects ${key} to be ${rule.expected} in a JSON config drive, found ${describe(value)}`,
      );
  }
}

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

function isObjectOrNull(value: unknown): boolean {
  return value === null || (typeof value === 'object' && !Array.isArray(value));
}

/** Python's `if value:` over JSON values: null, false, 0, "", [] and {} are false. */
function isPythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (typeof value === 'object' && value !== null) return Object.keys(value).length > 0;
  return Boolean(value);
}

/**
 * The node fields Ironic writes into a JSON config drive's meta_data.
 *
 * @public
 */
export interface IronicNodeIdentity {
  uuid: string;
  name?: string | null;
}

/**
 * The meta_data Ironic writes to the disk for a JSON config drive (ironic/conductor/utils.py
 * `build_configdrive`): `uuid` defaults to the node's uuid and, when the node has a name, `name` to
 * it; a key that is present is kept as it is (Python's `setdefault`). Ironic does not touch a config
 * drive given as an image or a URL.
 *
 * @public
 */
export function withIronicNodeDefaults(metaData: Record<string, unknown>, node: IronicNodeIdentity): Record<string, unknown> {
  // Entries are defined, not assigned: a drive's own `__proto__` key stays a plain key.
  return Object.fromEntries([
    ...Object.entries(metaData),
    ...('uuid' in metaData ? [] : [['uuid', node.uuid] as const]),
    ...('name' in metaData || !node.name ? [] : [['name', node.name] as const]),
  ]);
}
