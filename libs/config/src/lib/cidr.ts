import { BlockList, isIP } from 'node:net';
import { LRUCache } from 'lru-cache';

/** A network in CIDR notation, parsed: `10.0.0.0/24`, `fd00::/8`, or a bare address (a /32 or /128). */
export interface Cidr {
  address: string;
  prefix: number;
  family: 'ipv4' | 'ipv6';
}

/** Parses `address[/prefix]`; undefined when it is not an IPv4 or IPv6 address with a prefix in range. */
export function parseCidr(text: string): Cidr | undefined {
  const [address, prefixText, extra] = text.trim().split('/');
  const version = isIP(address);
  if (version === 0 || extra !== undefined) return undefined;
  const bits = version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return undefined;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/**
 * A set of networks (TRUSTED_PROXIES, ALLOWED_CLIENTS) that answers whether an address is in one of
 * them. Throws RangeError for an item that is not a CIDR; the configuration has checked them already.
 */
export class CidrList {
  private readonly list = new BlockList();
  /**
   * Answers already given, by address: BlockList.check builds a native SocketAddress (a weak handle
   * the garbage collector must visit) for every question, asked twice a request behind a proxy, for
   * a handful of proxies and the nodes behind them (tools/bench).
   */
  private readonly answered = new LRUCache<string, boolean>({ max: 4096 });
  readonly empty: boolean;

  constructor(readonly cidrs: readonly string[]) {
    for (const text of cidrs) {
      const cidr = parseCidr(text);
      if (!cidr) throw new RangeError(`"${text}" is not a CIDR such as 10.0.0.0/24 or fd00::/8`);
      this.list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    }
    this.empty = cidrs.length === 0;
  }

  /** True when `address` (an IP address without a zone) is in one of the networks; false for anything else. */
  has(address: string): boolean {
    const known = this.answered.get(address);
    if (known !== undefined) return known;
    const version = isIP(address);
    const inList = version !== 0 && this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
    this.answered.set(address, inList);
    return inList;
  }
}
