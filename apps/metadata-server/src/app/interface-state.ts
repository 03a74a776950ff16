import { readFileSync } from 'node:fs';
import { isIPv6 } from 'node:net';
import { networkInterfaces } from 'node:os';

/** One address on one interface, with the kernel's IPv6 duplicate address detection state. */
export interface InterfaceAddress {
  iface: string;
  /** Canonical text form, no zone. */
  address: string;
  prefix: number;
  /** IFA_F_TENTATIVE: DAD still running; bind() fails with EADDRNOTAVAIL meanwhile. */
  tentative: boolean;
  /** IFA_F_DADFAILED: another host on the link has it; it will never become usable. */
  dadFailed: boolean;
}

/** linux/if_addr.h */
const IFA_F_DADFAILED = 0x08;
const IFA_F_TENTATIVE = 0x40;

/**
 * Parses `/proc/net/if_inet6` (Linux, net/ipv6/addrconf.c `if6_seq_show`): one line per address,
 * `%032x %02x %02x %02x %02x %8s` = address, ifindex, prefix length, scope, flags, interface name,
 * all hex but the name. Lines that do not have that shape are skipped.
 */
export function parseIfInet6(text: string): InterfaceAddress[] {
  const addresses: InterfaceAddress[] = [];
  for (const line of text.split('\n')) {
    const match = /^([0-9a-f]{32}) +[0-9a-f]+ +([0-9a-f]{2}) +[0-9a-f]{2} +([0-9a-f]+) +(\S+)\s*$/i.exec(line.trim());
    if (!match) continue;
    const [, hex, prefix, flagsHex, iface] = match;
    const flags = parseInt(flagsHex, 16);
    addresses.push({
      iface,
      address: canonicalIPv6((hex.match(/.{4}/g) ?? []).join(':')),
      prefix: parseInt(prefix, 16),
      tentative: (flags & IFA_F_TENTATIVE) !== 0,
      dadFailed: (flags & IFA_F_DADFAILED) !== 0,
    });
  }
  return addresses;
}

/** `fe80:0000:...:a9fe` -> `fe80::a9fe:a9fe`, the form Node and `ip` print. */
export function canonicalIPv6(address: string): string {
  return new URL(`http://[${address.split('%')[0]}]/`).hostname.slice(1, -1);
}

/**
 * Every address of this host (its network namespace): IPv4 from `os.networkInterfaces()`, IPv6 from
 * `/proc/net/if_inet6` where it can be read, as it alone tells tentative and DAD-failed addresses.
 */
export function hostAddresses(): InterfaceAddress[] {
  const fromOs = Object.entries(networkInterfaces()).flatMap(([iface, entries]) =>
    (entries ?? []).map((entry) => ({
      iface,
      address: entry.family === 'IPv6' ? canonicalIPv6(entry.address) : entry.address,
      prefix: Number(entry.cidr?.split('/')[1] ?? 0),
      tentative: false,
      dadFailed: false,
    })),
  );
  let ipv6: InterfaceAddress[];
  try {
    ipv6 = parseIfInet6(readFileSync('/proc/net/if_inet6', 'utf8'));
  } catch {
    return fromOs;
  }
  return [...fromOs.filter((entry) => !isIPv6(entry.address)), ...ipv6];
}

/** What the host has for a bind address, for the operator: the address's own state and its interface(s). */
export interface AddressState {
  /** The address as it is on an interface, if it is. */
  found?: InterfaceAddress;
  /** `eth0: 10.0.0.2/24 fe80::1/64 fe80::a9fe:a9fe/64 (tentative)`, the interfaces that matter. */
  summary: string;
}

/**
 * Looks a bind address up among `addresses`. A zone (`%eth0`) narrows it to that interface, and the
 * summary then lists only that interface (or says it does not exist).
 */
export function addressState(bindAddress: string, addresses: InterfaceAddress[]): AddressState {
  const [bare, zone] = bindAddress.split('%');
  const wanted = isIPv6(bare) ? canonicalIPv6(bare) : bare;
  const found = addresses.find((entry) => entry.address === wanted && (zone === undefined || entry.iface === zone));
  const names = [...new Set(addresses.map((entry) => entry.iface))];
  if (zone !== undefined && !names.includes(zone)) {
    return { found, summary: `no interface ${zone} (interfaces: ${names.join(', ') || 'none'})` };
  }
  const shown = zone === undefined ? names : [zone];
  const summary = shown
    .map((iface) => {
      const own = addresses.filter((entry) => entry.iface === iface).map(describe);
      return `${iface}: ${own.join(' ') || 'no addresses'}`;
    })
    .join('; ');
  return { found, summary };
}

function describe(entry: InterfaceAddress): string {
  const state = entry.dadFailed ? ' (dadfailed)' : entry.tentative ? ' (tentative)' : '';
  return `${entry.address}/${entry.prefix}${state}`;
}
