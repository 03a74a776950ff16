/**
 * A client for Ironic's bare-metal API (`/v1`) as standalone deployments run it: negotiates the API
 * version (`X-OpenStack-Ironic-API-Version`, the lower of the server's maximum and
 * {@link CLIENT_MAX_API_VERSION}), pages by marker, validates every answer against
 * `@ironic-metadata/ironic-model`, authenticates with noauth, http_basic or Keystone, and retries only
 * what is safe to retry. Every error is an {@link IronicError} with a stable `code`.
 *
 * @packageDocumentation
 * @module @ironic-metadata/ironic-client
 */
export { IronicClient } from './lib/ironic-client';
export type { ListNodesOptions, ListPortgroupsOptions, ListPortsOptions, PagingOptions } from './lib/ironic-client';
export type {
  EndpointInterface,
  ExchangeEvent,
  ExchangeObserver,
  HttpBasicAuthOptions,
  IronicAuthOptions,
  IronicClientOptions,
  IronicTlsOptions,
  KeystoneAuthOptions,
  NoAuthOptions,
} from './lib/options';
export type { IronicClientLogger } from './lib/logger';
export type { PagedList } from './lib/paged-list';
export { CLIENT_MAX_API_VERSION } from './lib/api-version';
export { API_VERSION_HEADER } from './lib/api-session';
export { NODE_FIELD_VERSIONS, PORT_FIELD_VERSIONS, type NodeField, type NodeOf, type PortField, type PortOf } from './lib/fields';
export { NODE_FILTER_VERSIONS, type NodeFilters } from './lib/node-filters';
// The node patch type is ironic-model's; named here too because patchNode takes it.
export type { JsonPatchOperation } from '@ironic-metadata/ironic-model';
export {
  IronicApiError,
  IronicAuthError,
  IronicConnectionError,
  IronicError,
  IronicResponseError,
  IronicVersionError,
  type IronicErrorCode,
  type AuthRejection,
  type IronicAuthRefusal,
  type RequestTarget,
} from './lib/errors';
