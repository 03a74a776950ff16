export { IronicClient } from './lib/ironic-client';
export type {
  ListNodesOptions,
  ListPortgroupsOptions,
  ListPortsOptions,
  PagingOptions,
} from './lib/ironic-client';
export type {
  EndpointInterface,
  ExchangeEvent,
  ExchangeObserver,
  HttpBasicAuthOptions,
  IronicAuthOptions,
  IronicClientOptions,
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
} from './lib/errors';
