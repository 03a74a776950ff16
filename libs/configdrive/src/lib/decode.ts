import { MASKED_SECRET } from '@ironic-metadata/ironic-model';
import { describe } from './describe';
import { ConfigDriveError } from './errors';
import { decodeImageBytes, decodeImageString } from './decode-image';
import { fetchConfigDrive } from './fetch-url';
import { assembleConfigDrive } from './file-tree';
import { renderConfigDriveJson } from './json-form';
import type { ConfigDrive, ConfigDriveJson, DecodeOptions } from './types';

/**
 * Decodes whatever Ironic keeps in `instance_info.configdrive`: a JSON object; a JSON string; base64
 * of a gzipped or raw ISO 9660 image; raw image bytes (gzipped or not); or an http(s) URL fetched
 * through `options.fetcher`. Reads `openstack/latest/`, else the newest dated version. Throws
 * `ConfigDriveError` saying what was expected and what was found.
 *
 * @throws {@link ConfigDriveError} with code `masked` (Ironic hid the value), `invalid-json`, `invalid-encoding`,
 *   `invalid-image`, `missing-metadata`, `too-large` (over `options.maxBytes`), `fetch-failed` (a URL) or
 *   `unsupported` (neither object, string nor bytes).
 * @public
 */
export async function decodeConfigDrive(value: unknown, options: DecodeOptions = {}): Promise<ConfigDrive> {
  if (value instanceof Uint8Array) return decodeImageBytes(Buffer.from(value.buffer, value.byteOffset, value.byteLength), options);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return configDriveFromJson(value as ConfigDriveJson);
  }
  if (typeof value !== 'string') {
    throw new ConfigDriveError('unsupported', `expected a config drive object, string or image bytes, found ${describe(value)}`);
  }
  const text = value.trim();
  if (text === MASKED_SECRET) {
    throw new ConfigDriveError(
      'masked',
      'the config drive is masked as "******": Ironic hides it unless the policy rule show_instance_secrets is granted (add "show_instance_secrets": "@" to the file named by [oslo_policy]policy_file)',
    );
  }
  if (text.startsWith('{')) return configDriveFromJson(parseJsonObject(text));
  if (text.includes('://')) return fetchConfigDrive(text, options);
  return decodeImageString(text, options);
}

/**
 * The typed config drive from Ironic's JSON form, as Ironic would render it to an image.
 *
 * @public
 */
export function configDriveFromJson(json: ConfigDriveJson): ConfigDrive {
  return assembleConfigDrive(Object.assign({}, renderConfigDriveJson(json), { vendorData: undefined }));
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
