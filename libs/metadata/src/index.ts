export { buildInstanceMetadata, type BuildOptions } from './lib/instance-metadata-builder';
export {
  instancePassword,
  LEGACY_PASSWORD_EXTRA_KEY,
  LegacyPasswords,
  PASSWORD_INSTANCE_INFO_KEY,
  storePasswordPatch,
} from './lib/instance-password';
export { type Derived, instanceIdentity, type InstanceIdentity } from './lib/instance-identity';
export { isDns1123Subdomain, MAX_HOSTNAME_LABEL, novaDefaultHostname, sanitizeHostname } from './lib/host-name';
export {
  describeKey,
  isPemCertificate,
  type KeyDescription,
  type KeypairType,
  type OpenSshPublicKey,
  parseOpenSshPublicKey,
} from './lib/key-type';
export { networkDataFromPorts } from './lib/port-network-data';
export { ec2NetworkView, type Ec2NetworkView, type NetworkGraph, subnetCidr, withClientAddress } from './lib/ec2-interfaces';
export { type ClientMetadata, MetadataService, type ServiceOptions } from './lib/metadata-service';
export { SessionTokens, TOKEN_KEY_MIN_BYTES, TOKEN_TTL_MAX_SECONDS, TOKEN_TTL_MIN_SECONDS, type TokenCheck } from './lib/session-tokens';
export {
  type MetadataReply,
  type MetadataRequest,
  MetadataResponder,
  PASSWORD_MAX_BYTES,
  type ResponderOptions,
  TOKEN_HEADER,
  TOKEN_TTL_HEADER,
} from './lib/metadata-responder';
export {
  type DynamicTarget,
  DynamicVendorData,
  type DynamicVendorDataOptions,
  readStaticVendorData,
  VendorDataError,
} from './lib/vendor-data';
export type { MetadataErrorCode } from './lib/error-codes';
export { clientIdentity, type ClientIdentity } from './lib/client-address';
export { ClientRateLimiter } from './lib/rate-limiter';
export { MAX_PATH_LENGTH, MAX_SEGMENT_LENGTH, refusePath } from './lib/request-guard';
export { instanceIdSignature, validInstanceIdSignature } from './lib/proxy-signature';
export { type ConnectionRefusal, type RouteFamily, ServiceMetrics } from './lib/service-metrics';
export { readTokenKeyFile, TokenKeyFileError } from './lib/token-keys';
export { AllowedClients, REFUSED_CLIENT_LOG_INTERVAL_MS } from './lib/allowed-clients';
export { ClientMacCheck, type NeighbourLookup } from './lib/client-mac';
