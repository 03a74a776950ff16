export {
  type Config,
  ConfigError,
  type ConfigErrorCode,
  type ConnectionConfig,
  type IronicAuthConfig,
  loadConfig,
  LOG_LEVELS,
  type LogLevel,
  type NodeSourceConfig,
  type VendorDataConfig,
} from './lib/config';
export { type Cidr, CidrList, parseCidr } from './lib/cidr';
export { addAddressCommand } from './lib/bind-address';
