import { isIP } from 'node:net';
import { fixedIpAddress, nodeNetworkData, type NetworkData } from '@ironic-metadata/ironic-model';
import { normalizeIp } from './addresses';
import type { IndexedNode } from './indexed-node';

/**
 * How a client address was tied to a node, in the order the matchers are tried.
 *
 * @public
 */
export const MATCH_METHODS = [
  'fixed_ips',
  'node_network_data',
  'configdrive_network_data',
  'agent_url',
  'node_name',
  'dhcp_lease',
] as const;
/**
 * How a client address was tied to a node; one of {@link MATCH_METHODS}.
 *
 * @public
 */
export type MatchMethod = (typeof MATCH_METHODS)[number];

/**
 * A matcher that reads the addresses a node claims from the node itself.
 *
 * @public
 */
export interface AddressMatcher {
  method: Exclude<MatchMethod, 'dhcp_lease'>;
  /** Where the addresses come from, for traces: "instance_info.fixed_ips". */
  field: string;
  addresses(entry: IndexedNode): string[];
}

const networkAddresses = (data: NetworkData | undefined): string[] =>
  (data?.networks ?? []).flatMap((network) => (network.ip_address ? [network.ip_address] : []));

/** The host of a URL such as `http://10.0.0.12:9999`, or undefined when it is not a URL with an IP host. */
function urlIpHost(value: unknown): string | undefined {
  if (typeof value !== 'string' || !URL.canParse(value)) return undefined;
  const host = new URL(value).hostname.replace(/^\[|\]$/g, '');
  return isIP(host) ? host : undefined;
}

const FIXED_IPS: AddressMatcher = {
  method: 'fixed_ips',
  field: 'instance_info.fixed_ips',
  addresses: ({ node }) => (node.instance_info.fixed_ips ?? []).map(fixedIpAddress),
};

const NODE_NETWORK_DATA: AddressMatcher = {
  method: 'node_network_data',
  field: 'network_data',
  addresses: ({ node }) => networkAddresses(nodeNetworkData(node)?.view),
};

const CONFIGDRIVE_NETWORK_DATA: AddressMatcher = {
  method: 'configdrive_network_data',
  field: 'the config drive network_data',
  addresses: ({ configDrive }) => networkAddresses(configDrive?.networkData),
};

/**
 * The one key of a node's `driver_info` and `driver_internal_info` that a lookup reads (the deploy
 * agent's URL): a source may leave the others out (BMC address and credentials, the agent's cached
 * steps).
 *
 * @public
 */
export const AGENT_URL_KEY = 'agent_url';

/**
 * The deploy agent's own API URL (`driver_internal_info.agent_url`, or `driver_info.agent_url` set by
 * an operator) names the address the node had while it was being deployed.
 */
const AGENT_URL: AddressMatcher = {
  method: 'agent_url',
  field: 'the agent URL host (driver_internal_info.agent_url, driver_info.agent_url)',
  addresses: ({ node }) => {
    return [node.driver_internal_info[AGENT_URL_KEY], node.driver_info[AGENT_URL_KEY]].flatMap((url) => urlIpHost(url) ?? []);
  },
};

const NODE_NAME: AddressMatcher = {
  method: 'node_name',
  field: 'the node name',
  addresses: ({ node }) => (node.name && isIP(node.name) ? [node.name] : []),
};

/**
 * The matchers in the order they are tried; the node name only when enabled (testing).
 *
 * @public
 */
export function addressMatchers(options: { matchNodeName: boolean }): AddressMatcher[] {
  const matchers = [FIXED_IPS, NODE_NETWORK_DATA, CONFIGDRIVE_NETWORK_DATA, AGENT_URL];
  return options.matchNodeName ? [...matchers, NODE_NAME] : matchers;
}

/**
 * Every address the matcher reads from the node, normalised; exact addresses only, never substrings.
 *
 * @public
 */
export function claimedAddresses(matcher: AddressMatcher, entry: IndexedNode): string[] {
  return matcher
    .addresses(entry)
    .filter((address) => isIP(address.trim()) !== 0)
    .map(normalizeIp);
}
