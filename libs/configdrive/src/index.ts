export * from './lib/types';
export * from './lib/errors';
export { configDriveFromFiles, chooseVersionDirectory, type ConfigDriveFiles } from './lib/file-tree';
export { decodeConfigDrive, configDriveFromJson } from './lib/decode';
