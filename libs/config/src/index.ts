export {
  type Config,
  ConfigError,
  type ConfigErrorCode,
  type ConfigField,
  type ConnectionConfig,
  type IronicTlsFiles,
  loadConfig,
  LOG_LEVELS,
  type LogLevel,
  type NodeSourceConfig,
  type VendorDataConfig,
} from './lib/config';
export { type Cidr, CidrList, parseCidr } from './lib/cidr';
export { addAddressCommand } from './lib/bind-address';
export { SETTINGS, AUTH_TYPES, settingFor, type Setting, type SettingName, type SettingValues, type AuthType } from './lib/settings';
export { settingsMarkdownTable, settingsListing } from './lib/settings-docs';
export { settingsToCheck } from './lib/ironic-settings';
