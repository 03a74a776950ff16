export type { NodePatch, NodeSource } from './lib/node-source';
export { FileNodeSource, InventoryFileError } from './lib/file-node-source';
export { describeLeftAside, leftAsideOf } from './lib/left-aside';
export { ConfigDriveCache, DECODED_DRIVE_REFERENCE, type DecodedConfigDrive } from './lib/configdrive-cache';
export { EventLoopSlices, SLICE_MS } from './lib/event-loop-slices';
export { type Lookup, type Match, type MatchStep, NodeIndex } from './lib/node-index';
export { type CatalogStatus, NodeCatalog, type NodeCatalogOptions, ReadOnlySourceError } from './lib/node-catalog';
export type { NodeDiscoveryErrorCode } from './lib/error-codes';
export { LeaseFile, leaseFileFailure, type LeaseFileFailure } from './lib/leases/lease-file';
export { IronicNodeSource, type IronicNodeSourceOptions } from './lib/ironic-node-source';
export { inventoryFileDescription, ironicSourceDescription } from './lib/source-descriptions';
export { httpConfigDriveFetcher } from './lib/http-configdrive-fetcher';
export { type NeighbourReaders, NeighbourTable, parseIpNeighJson, parseProcNetArp } from './lib/neighbour-table';
// The pure half lives in the published @ironic-metadata/node-addresses; the service keeps importing it from here.
export {
  addressMatchers,
  claimedAddresses,
  DUID_TYPES,
  ETHERNET,
  ethernetMac,
  hexBytes,
  isEligible,
  LeaseTable,
  MATCH_METHODS,
  nodeLabel,
  normalizeIp,
  parseDuid,
  parseHardwareAddress,
  parseHexBytes,
  parseLeases,
  type AddressMatcher,
  type Duid,
  type DuidTypeName,
  type IndexedNode,
  type Ipv4Lease,
  type Ipv6Lease,
  type Lease,
  type LeaseLookup,
  type LeaseProblem,
  type MatchMethod,
  type ParsedLeases,
} from '@ironic-metadata/node-addresses';
// One MAC normaliser, ironic-model's; named here too for the service's code that imports it from discovery.
export { normalizeMac } from '@ironic-metadata/ironic-model';
