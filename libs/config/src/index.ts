export * from './lib/config';
export * from './lib/cidr';
export * from './lib/bind-address';
export { SETTINGS, AUTH_TYPES, settingFor, type Setting, type SettingName, type SettingValues, type AuthType } from './lib/settings';
export { settingsMarkdownTable, settingsListing } from './lib/settings-docs';
export { settingsToCheck } from './lib/ironic-settings';
