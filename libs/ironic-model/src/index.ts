/**
 * Ironic's node, port and portgroup answers and Nova's network_data, as zod schemas (validated at the
 * boundary, trusted inside) and the types inferred from them; the vocabulary the other
 * `@ironic-metadata/*` packages share: MAC addresses as Ironic stores them, JSON Patch operations, an
 * inventory file of nodes. Shapes are those of Ironic's API 1.x (`GET /v1/nodes/detail`, `/v1/ports`,
 * `/v1/portgroups`) and Nova's `nova/api/metadata/base.py` network_data.
 *
 * @packageDocumentation
 * @module @ironic-metadata/ironic-model
 */
export {
  networkDataSchema,
  networkLinkSchema,
  networkRouteSchema,
  networkSchema,
  networkServiceSchema,
  macAddressSchema,
  ipAddressSchema,
  readNetworkData,
  isStoredNetworkData,
  type StoredNetworkData,
  type Network,
  type NetworkData,
  type NetworkLink,
  type NetworkRoute,
  type NetworkService,
} from './lib/network-data';
export {
  fixedIpAddress,
  fixedIpSchema,
  nodeNetworkData,
  instanceInfoSchema,
  INSTANCE_STATES,
  ironicNodeSchema,
  ironicPortgroupSchema,
  ironicPortSchema,
  MASKED_SECRET,
  PROVISION_STATES,
  type FixedIp,
  type InstanceInfo,
  type IronicNode,
  type IronicPort,
  type IronicPortgroup,
  type ProvisionState,
} from './lib/node';
export { metaDataSchema, type MetaData } from './lib/meta-data';
export { parseInventory, type Inventory } from './lib/inventory';
export {
  describeIssues,
  formatPath,
  leftAsideIn,
  parseLeniently,
  ValidationError,
  type LeftAside,
  type LenientResult,
} from './lib/validation';
export { InvalidMacAddressError, normalizeMac, normalizeMacAddress } from './lib/mac-address';
export type { JsonPatchOperation } from './lib/json-patch';
export type { IronicModelErrorCode } from './lib/error-codes';
