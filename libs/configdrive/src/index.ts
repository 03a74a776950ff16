export * from './lib/types';
export * from './lib/errors';
export { configDriveFromFiles, chooseVersionDirectory, type ConfigDriveFiles } from './lib/file-tree';
export { decodeConfigDrive, configDriveFromJson } from './lib/decode';
export { checkIronicConfigDriveJson, withIronicNodeDefaults, type IronicNodeIdentity } from './lib/json-form';
export { DEFAULT_MAX_CONFIG_DRIVE_BYTES, DEFAULT_FETCH_TIMEOUT_MS } from './lib/limits';
export { buildConfigDriveImage, encodeConfigDrive, configDriveImageFiles, CONFIG_DRIVE_VOLUME_ID, type BuildOptions } from './lib/build-image';
export {
  readIso9660,
  DEFAULT_ISO9660_READ_LIMITS,
  type Iso9660Contents,
  type Iso9660Naming,
  type Iso9660ReadLimits,
} from './lib/iso9660/reader';
export { writeIso9660, type Iso9660WriteOptions } from './lib/iso9660/writer';
