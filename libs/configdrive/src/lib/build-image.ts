import { gzipSync } from 'node:zlib';
import type { ConfigDriveFiles } from './file-tree';
import { writeIso9660 } from './iso9660/writer';
import { checkIronicConfigDriveJson, renderConfigDriveJson } from './json-form';
import type { ConfigDriveJson } from './types';

/**
 * The label cloud-init and Ironic look for.
 *
 * @public
 */
export const CONFIG_DRIVE_VOLUME_ID = 'config-2';
/** The versions openstacksdk's `build` (and so Ironic) writes. */
const VERSIONS = ['2012-08-10', 'latest'];

/**
 * How {@link buildConfigDriveImage} and {@link encodeConfigDrive} build an image.
 *
 * @public
 */
export interface BuildOptions {
  /** The time stamped on the image; now by default. Fix it for reproducible images. */
  date?: Date;
}

/**
 * The files of a config drive image. A JSON config drive gives what Ironic writes for it:
 * `openstack/{2012-08-10,latest}/` with `meta_data.json`, and `network_data.json`,
 * `vendor_data2.json` and `user_data` when present; nothing else. A map of files is used as given.
 *
 * @throws {@link ConfigDriveError} with code `invalid-json` when Ironic's JSON form has a key Ironic refuses or a
 *   value of the wrong type.
 * @public
 */
export function configDriveImageFiles(contents: ConfigDriveJson | ConfigDriveFiles): Map<string, Buffer> {
  if (contents instanceof Map) return new Map(contents);
  const json = contents as ConfigDriveJson;
  // Refuse what Ironic would refuse at deploy time, so every image built here is one Ironic could write.
  checkIronicConfigDriveJson(json);
  const rendered = renderConfigDriveJson(json);
  const parts: [string, Buffer | undefined][] = [
    ['meta_data.json', jsonFile(rendered.metaData)],
    ['network_data.json', jsonFile(rendered.networkData)],
    ['vendor_data2.json', jsonFile(rendered.vendorData2)],
    ['user_data', rendered.userData],
  ];
  const files = new Map<string, Buffer>();
  for (const version of VERSIONS) {
    for (const [name, bytes] of parts) if (bytes !== undefined) files.set(`openstack/${version}/${name}`, bytes);
  }
  return files;
}

/**
 * A raw ISO 9660 config drive image (volume id `config-2`, Joliet and Rock Ridge names), from a JSON
 * config drive or from a map of files. Unlike Ironic, it does not add the node's uuid and name to
 * `meta_data`: pass it through `withIronicNodeDefaults` first if the node should see them.
 *
 * @throws {@link ConfigDriveError} with code `invalid-json` when Ironic's JSON form has a key Ironic refuses or a
 *   value of the wrong type.
 * @public
 */
export function buildConfigDriveImage(contents: ConfigDriveJson | ConfigDriveFiles, options: BuildOptions = {}): Buffer {
  return writeIso9660(configDriveImageFiles(contents), {
    volumeId: CONFIG_DRIVE_VOLUME_ID,
    publisher: 'ironic-metadata',
    date: options.date,
  });
}

/**
 * A config drive as Ironic stores it: base64 of the gzipped image.
 *
 * @throws {@link ConfigDriveError} with code `invalid-json` when Ironic's JSON form has a key Ironic refuses or a
 *   value of the wrong type.
 * @public
 */
export function encodeConfigDrive(contents: ConfigDriveJson | ConfigDriveFiles, options: BuildOptions = {}): string {
  return gzipSync(buildConfigDriveImage(contents, options)).toString('base64');
}

function jsonFile(value: unknown): Buffer | undefined {
  return value === undefined ? undefined : Buffer.from(JSON.stringify(value), 'utf8');
}
