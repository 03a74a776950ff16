import type { Logger } from '@ironic-metadata/logging';
import { nodeLabel, normalizeMac, type IndexedNode, type NodeIndex } from '@ironic-metadata/node-discovery';

/** What the check reads: the MAC the host's neighbour table holds for an address (NeighbourTable). */
export interface NeighbourLookup {
  /** `fresh`: not from a read shared with other requests. */
  macFor(ip: string, options?: { fresh?: boolean }): Promise<string | undefined>;
}

/**
 * VERIFY_CLIENT_MAC: the address must come from the right machine. On the nodes' segment the host's
 * neighbour table (ARP, NDP) holds the MAC behind each client address; a client is answered only when
 * that MAC is one of the matched node's ports (or portgroups, whose MAC a bond uses). No entry means
 * the client is not on-link with this host (routed, or proxied), where nothing can be verified: it
 * is refused too, saying so, rather than answered unverified.
 */
export class ClientMacCheck {
  constructor(
    private readonly neighbours: NeighbourLookup,
    private readonly logger: Logger,
  ) {}

  /** Why `clientIp`, matched to `entry`, is refused; undefined when its MAC is one of the node's. */
  async refusal(clientIp: string, entry: IndexedNode, index: NodeIndex): Promise<string | undefined> {
    const macs = [...entry.ports, ...entry.portgroups].map((item) => (item.address ? normalizeMac(item.address) : undefined));
    let mac: string | undefined;
    try {
      mac = await this.neighbours.macFor(clientIp);
      // A shared read may predate a NIC swap: refuse only on what the table says now.
      if (mac !== undefined && !macs.includes(mac)) mac = await this.neighbours.macFor(clientIp, { fresh: true });
    } catch (error) {
      this.logger.error('VERIFY_CLIENT_MAC: the neighbour table cannot be read', { clientIp, error: (error as Error).message });
      return `the neighbour table of this host cannot be read to verify ${clientIp}'s MAC (VERIFY_CLIENT_MAC); see the service log`;
    }
    const node = nodeLabel(entry.node);
    if (mac === undefined) {
      this.logger.warn('VERIFY_CLIENT_MAC: client refused, no neighbour entry', { clientIp, node });
      return `this host has no neighbour entry for ${clientIp}, so its MAC cannot be verified (VERIFY_CLIENT_MAC needs the service on the nodes' segment, without a proxy between)`;
    }
    if (macs.includes(mac)) return undefined;
    const owner = index.nodeByMac(mac);
    const ownerLabel = owner ? `node ${nodeLabel(owner.node)}` : 'no node';
    this.logger.warn(`VERIFY_CLIENT_MAC: ${clientIp} is node ${node}'s address but came from ${mac}, a port of ${ownerLabel}: refused`, {
      clientIp,
      node,
      mac,
      macOwner: owner ? nodeLabel(owner.node) : undefined,
    });
    return `${clientIp} belongs to node ${node}, but this request came from MAC ${mac}, which is not one of its ports`;
  }
}
