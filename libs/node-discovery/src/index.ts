export * from './lib/node-source';
export * from './lib/file-node-source';
export * from './lib/left-aside';
export * from './lib/configdrive-cache';
export * from './lib/node-index';
export * from './lib/node-catalog';
export type { NodeDiscoveryErrorCode } from './lib/error-codes';
export * from './lib/leases/lease-file';
export * from './lib/ironic-node-source';
export * from './lib/http-configdrive-fetcher';
export * from './lib/neighbour-table';
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
