/**
 * A pure config drive codec: decodes every form Ironic keeps in `instance_info.configdrive` (base64 of
 * a gzipped ISO 9660 image as Nova and metal3 send it, the image itself, Ironic's JSON form, a URL
 * fetched through a caller's fetcher) and reads and writes the ISO 9660 images config drives are made
 * of (volume `config-2`, Joliet and Rock Ridge names, as openstacksdk's `genisoimage` flags give).
 * Errors are {@link ConfigDriveError}s with a stable `code`. Only Node built-ins (`zlib`) are used.
 *
 * @packageDocumentation
 * @module @ironic-metadata/configdrive
 */
export type { ConfigDrive, ConfigDriveFetcher, ConfigDriveJson, ConfigDriveMetaData, DecodeOptions } from './lib/types';
export { ConfigDriveError, type ConfigDriveErrorCode } from './lib/errors';
export { configDriveFromFiles, chooseVersionDirectory, type ConfigDriveFiles } from './lib/file-tree';
export { decodeConfigDrive, configDriveFromJson } from './lib/decode';
export { checkIronicConfigDriveJson, withIronicNodeDefaults, type IronicNodeIdentity } from './lib/json-form';
export { DEFAULT_MAX_CONFIG_DRIVE_BYTES, DEFAULT_FETCH_TIMEOUT_MS } from './lib/limits';
export {
  buildConfigDriveImage,
  encodeConfigDrive,
  configDriveImageFiles,
  CONFIG_DRIVE_VOLUME_ID,
  type BuildOptions,
} from './lib/build-image';
export {
  readIso9660,
  DEFAULT_ISO9660_READ_LIMITS,
  type Iso9660Contents,
  type Iso9660Naming,
  type Iso9660ReadLimits,
} from './lib/iso9660/reader';
export { writeIso9660, type Iso9660WriteOptions } from './lib/iso9660/writer';
