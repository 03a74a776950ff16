/**
 * Which address belongs to which Ironic node, without I/O: the addresses a node claims (its
 * `instance_info.fixed_ips`, its network_data, its config drive's network_data, the deploy agent's URL)
 * read by a table of matchers, and dnsmasq's lease file (`dhcp-leasefile`, IPv4 and DHCPv6 lines as
 * `src/lease.c` writes them) parsed into leases that name the MAC holding an address.
 *
 * @packageDocumentation
 * @module @ironic-metadata/node-addresses
 */
export { normalizeIp } from './lib/addresses';
export { isEligible, nodeLabel, type IndexedNode } from './lib/indexed-node';
export { addressMatchers, AGENT_URL_KEY, claimedAddresses, MATCH_METHODS, type AddressMatcher, type MatchMethod } from './lib/matchers';
export {
  DUID_TYPES,
  ETHERNET,
  ethernetMac,
  hexBytes,
  parseDuid,
  parseHardwareAddress,
  parseHexBytes,
  type Duid,
  type DuidTypeName,
} from './lib/leases/duid';
export { parseLeases, type Ipv4Lease, type Ipv6Lease, type Lease, type LeaseProblem, type ParsedLeases } from './lib/leases/lease-parser';
export { LeaseTable, type LeaseLookup } from './lib/leases/lease-table';
