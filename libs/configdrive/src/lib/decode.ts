import { MASKED_SECRET } from '@ironic-metadata/ironic-model';
import { ConfigDriveError } from './errors';
import { assembleConfigDrive, describe } from './file-tree';
import type { ConfigDrive, ConfigDriveJson, DecodeOptions } from './types';
import { decodeImageBytes, decodeImageString, fetchConfigDrive } from './image';

/**
 * Decodes whatever Ironic keeps in `instance_info.configdrive`: a JSON object; a JSON string; base64
 * of a gzipped or raw ISO 9660 image; raw image bytes; or an http(s) URL fetched through
 * `options.fetcher`. Throws `ConfigDriveError` saying what was expected and what was found.
 */
export async function decodeConfigDrive(value: unknown, options: DecodeOptions = {}): Promise<ConfigDrive> {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return decodeImageBytes(Buffer.from(value), options);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return configDriveFromJson(value as ConfigDriveJson, 'configdrive object');
  }
  if (typeof value !== 'string') {
    throw new ConfigDriveError('unsupported', `expected a config drive object, string or image bytes, found ${describe(value)}`);
  }
  const text = value.trim();
  if (text === MASKED_SECRET) {
    throw new ConfigDriveError('masked', 'the config drive is masked as "******": Ironic hides it unless the policy rule show_instance_secrets is granted');
  }
  if (text.startsWith('{')) return configDriveFromJson(parseJsonObject(text), 'configdrive JSON string');
  if (text.includes('://')) return fetchConfigDrive(text, options);
  return decodeImageString(text, options);
}

/** The typed config drive from Ironic's JSON form, rendered the way Ironic renders it to an image. */
export function configDriveFromJson(json: ConfigDriveJson, origin: string): ConfigDrive {
  return assembleConfigDrive({
    metaData: json.meta_data ?? {},
    networkData: json.network_data,
    vendorData: undefined,
    vendorData2: json.vendor_data ?? undefined,
    userData: userDataBytes(json.user_data),
    origin,
  });
}

function userDataBytes(userData: ConfigDriveJson['user_data']): Buffer | undefined {
  if (userData === undefined || userData === null) return undefined;
  return Buffer.from(typeof userData === 'string' ? userData : JSON.stringify(userData), 'utf8');
}

function parseJsonObject(text: string): ConfigDriveJson {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigDriveError('invalid-json', `expected a JSON config drive object, ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigDriveError('invalid-json', `expected a JSON config drive object, found ${describe(parsed)}`);
  }
  return parsed as ConfigDriveJson;
}
