export { LEGACY_PASSWORD_EXTRA_KEY, LegacyPasswords } from './lib/instance-password';
export { type ClientMetadata, type LookupMetrics, MetadataService, type ServiceOptions } from './lib/metadata-service';
export {
  SessionTokens,
  TOKEN_KEY_MIN_BYTES,
  TOKEN_TTL_MAX_SECONDS,
  TOKEN_TTL_MIN_SECONDS,
  type TokenCheck,
} from './lib/guards/session-tokens';
export {
  type InstanceAnswer,
  type InstanceDirectory,
  type MetadataReply,
  type MetadataRequest,
  MetadataResponder,
  PASSWORD_MAX_BYTES,
  type ResponderMetrics,
  type ResponderOptions,
  TOKEN_HEADER,
  TOKEN_TTL_HEADER,
  type VendorDataProvider,
} from './lib/metadata-responder';
export { type Refusal, refuse, refusalReply, TEXT_PLAIN_UTF8, unavailable } from './lib/refusal';
export { type DynamicTarget, DynamicVendorData, type DynamicVendorDataOptions } from './lib/vendor-data';
export { VendorDataError } from './lib/vendor-data-error';
export type { MetadataErrorCode } from './lib/error-codes';
export { clientIdentity, type ClientIdentity } from './lib/identity/client-address';
export { ClientRateLimiter } from './lib/guards/rate-limiter';
export { MAX_PATH_LENGTH, MAX_SEGMENT_LENGTH, refusePath } from './lib/guards/request-guard';
export { instanceIdSignature, validInstanceIdSignature } from './lib/identity/proxy-signature';
export { readTokenKeyFile, TokenKeyFileError } from './lib/guards/token-keys';
export { AllowedClients, REFUSED_CLIENT_LOG_INTERVAL_MS, type RefusedClientMetrics } from './lib/guards/allowed-clients';
export { ClientMacCheck, type NeighbourLookup } from './lib/identity/client-mac';
