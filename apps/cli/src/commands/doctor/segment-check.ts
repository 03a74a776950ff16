import { BlockList, isIP } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';
import type { NeighbourLookup } from '@ironic-metadata/metadata';
import { nodeLabel, normalizeIp, normalizeMac } from '@ironic-metadata/node-discovery';
import type { Check } from './check';
import type { Discovery } from './discovery';

export const ID = 'client-mac';
export const TITLE = "on the nodes' segment (VERIFY_CLIENT_MAC)";
const addresses = (count: number) => `${count} node address${count === 1 ? '' : 'es'}`;

/**
 * With VERIFY_CLIENT_MAC, every node is refused unless the service shares its L2 segment: is it? Yes
 * when the neighbour table holds entries for node addresses (nodes that talked to this host lately),
 * or when a bind address is on an interface whose subnet holds node addresses (quiet nodes). An entry
 * whose MAC is none of its node's ports is a node that would be refused: listed.
 */
export async function clientMacCheck(
  verifyClientMac: boolean,
  bindAddrs: readonly string[],
  discovery: Discovery,
  neighbours: NeighbourLookup,
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces(),
): Promise<Check> {
  if (!verifyClientMac)
    return { id: ID, title: TITLE, status: 'skip', detail: 'VERIFY_CLIENT_MAC is off: clients are not checked against their MACs' };
  const nodeIps = [...new Set(discovery.found.map((found) => normalizeIp(found.ip)))];
  const seen: string[] = [];
  const foreign: string[] = [];
  for (const { entry, ip } of discovery.found) {
    const mac = await neighbours.macFor(ip).catch(() => undefined);
    if (mac === undefined) continue;
    seen.push(ip);
    const macs = [...entry.ports, ...entry.portgroups].map((item) => (item.address ? normalizeMac(item.address) : undefined));
    if (!macs.includes(mac)) foreign.push(`${ip} (node ${nodeLabel(entry.node)}) is at ${mac}, none of its ports`);
  }
  const onSubnet = bindInterfacesHolding(bindAddrs, nodeIps, interfaces);
  const data = { nodeAddresses: nodeIps.length, withNeighbourEntry: seen.length, bindInterfacesOnNodeSubnets: onSubnet, foreign };
  if (seen.length === 0 && onSubnet.length === 0) {
    return {
      id: ID,
      title: TITLE,
      status: 'fail',
      detail: `no neighbour entry for any of ${addresses(nodeIps.length)}, and no bind address (${bindAddrs.join(', ')}) is on an interface with the nodes' subnet: every node would be refused`,
      fix: 'run the service on the provisioning network itself (the macvlan deployment), not behind a router or proxy, or set VERIFY_CLIENT_MAC=false',
      data,
    };
  }
  const summary = [
    seen.length > 0 ? `the neighbour table holds ${seen.length} of ${addresses(nodeIps.length)}` : undefined,
    onSubnet.length > 0 ? `the nodes' subnet is on ${onSubnet.join(', ')}` : undefined,
  ]
    .filter(Boolean)
    .join('; ');
  if (foreign.length > 0) {
    return {
      id: ID,
      title: TITLE,
      status: 'warn',
      detail: `${summary}; ${foreign.length} would be refused: ${foreign.slice(0, 5).join('; ')}`,
      fix: "check those nodes' ports in Ironic (a replaced NIC) or who else uses their addresses",
      data,
    };
  }
  return { id: ID, title: TITLE, status: 'pass', detail: summary, data };
}

/** The interfaces carrying a bind address whose subnet holds one of `nodeIps`. */
function bindInterfacesHolding(
  bindAddrs: readonly string[],
  nodeIps: readonly string[],
  interfaces: NodeJS.Dict<NetworkInterfaceInfo[]>,
): string[] {
  const bound = new Set(bindAddrs.map(normalizeIp));
  const names: string[] = [];
  for (const [name, infos] of Object.entries(interfaces)) {
    const subnets = new BlockList();
    for (const info of infos ?? []) {
      if (!bound.has(normalizeIp(info.address)) || !info.cidr) continue;
      const [network, prefix] = info.cidr.split('/');
      subnets.addSubnet(network, Number(prefix), info.family === 'IPv4' ? 'ipv4' : 'ipv6');
    }
    if (nodeIps.some((ip) => subnets.check(ip, isIP(ip) === 4 ? 'ipv4' : 'ipv6'))) names.push(name);
  }
  return names;
}
