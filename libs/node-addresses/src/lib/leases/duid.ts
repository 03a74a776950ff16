/**
 * DHCP identifiers as dnsmasq writes them in its lease file: bytes as two hex digits joined by `:`
 * (`lease_print_id` in dnsmasq's `src/lease.c`), a hardware address optionally preceded by its ARP
 * hardware type (`20-...` for InfiniBand), and DHCPv6 DUIDs (RFC 8415 section 11).
 */

/**
 * ARP hardware type 1 (RFC 826; IANA "Hardware Types"): Ethernet, whose address is the MAC.
 *
 * @public
 */
export const ETHERNET = 1;

/**
 * The DUID types of RFC 8415 section 11 (DUID-UUID: RFC 6355), by their 2-byte type code.
 *
 * @public
 */
export const DUID_TYPES = { 1: 'DUID-LLT', 2: 'DUID-EN', 3: 'DUID-LL', 4: 'DUID-UUID' } as const;
/**
 * The name of a defined DUID type, as {@link DUID_TYPES} gives it.
 *
 * @public
 */
export type DuidTypeName = (typeof DUID_TYPES)[keyof typeof DUID_TYPES];

/**
 * A client DUID taken apart; `mac` only for a DUID-LL or DUID-LLT of Ethernet with a 6-byte address.
 *
 * @public
 */
export interface Duid {
  /** The 2-byte type code (1..4 are defined; anything else is kept, and carries no MAC). */
  type: number;
  /** `DUID-LLT`, `DUID-EN`, `DUID-LL`, `DUID-UUID`, or `DUID of unknown type N`. */
  typeName: string;
  /** DUID-LL and DUID-LLT: the ARP hardware type of the link-layer address. */
  hardwareType?: number;
  /** DUID-LL and DUID-LLT: the link-layer address, `aa:bb:...`. */
  linkLayerAddress?: string;
  mac?: string;
  /** Why `mac` is absent, as a predicate of "the client DUID" ("is a DUID-EN, which ..."). */
  noMac?: string;
}

/**
 * `00:03:0a` (dnsmasq writes `%.2x:`; one digit a byte is accepted too) as bytes; undefined if not hex.
 *
 * @public
 */
export function parseHexBytes(text: string): number[] | undefined {
  if (!/^[0-9a-f]{1,2}(:[0-9a-f]{1,2})*$/i.test(text)) return undefined;
  return text.split(':').map((byte) => parseInt(byte, 16));
}

/**
 * Bytes as dnsmasq writes them: `52:54:00:0a:0b:0c`.
 *
 * @public
 */
export function hexBytes(bytes: readonly number[]): string {
  return bytes.map((byte) => byte.toString(16).padStart(2, '0')).join(':');
}

/**
 * The MAC in a link-layer address, or why there is none: only Ethernet (type 1) addresses of 6 bytes are MACs.
 *
 * @public
 */
export function ethernetMac(hardwareType: number, address: readonly number[]): { mac: string } | { noMac: string } {
  if (hardwareType !== ETHERNET) return { noMac: `hardware type ${hardwareType} is not Ethernet (${ETHERNET})` };
  if (address.length !== 6) return { noMac: `an Ethernet address of ${address.length} bytes is no MAC` };
  return { mac: hexBytes(address) };
}

/**
 * Takes a client DUID apart (RFC 8415 section 11.2 DUID-LLT: type, hardware type, 4-byte time,
 * address; 11.4 DUID-LL: type, hardware type, address; 11.3 DUID-EN and RFC 6355 DUID-UUID carry
 * no link-layer address). Never throws: a DUID too short for its type says so in `noMac`.
 *
 * @public
 */
export function parseDuid(bytes: readonly number[]): Duid {
  const type = bytes.length >= 2 ? (bytes[0] << 8) | bytes[1] : -1;
  if (type === -1) return { type, typeName: 'unknown', noMac: `has ${bytes.length} byte, too short for a DUID type` };
  const typeName: string = DUID_TYPES[type as keyof typeof DUID_TYPES] ?? `DUID of unknown type ${type}`;
  const addressAt = type === 1 ? 8 : type === 3 ? 4 : undefined;
  if (addressAt === undefined) return { type, typeName, noMac: `is a ${typeName}, which carries no link-layer address` };
  if (bytes.length <= addressAt)
    return { type, typeName, noMac: `is a ${typeName} of ${bytes.length} bytes, too short to hold a link-layer address` };
  const hardwareType = (bytes[2] << 8) | bytes[3];
  const address = bytes.slice(addressAt);
  const found = ethernetMac(hardwareType, address);
  return {
    type,
    typeName,
    hardwareType,
    linkLayerAddress: hexBytes(address),
    ...('mac' in found ? found : { noMac: `is a ${typeName}, and ${found.noMac}` }),
  };
}

/**
 * An IPv4 lease's hardware field as dnsmasq writes it: the address bytes, preceded by `TT-` (the
 * ARP type in hex) unless it is Ethernet; a bare dash-separated MAC is read as Ethernet too.
 *
 * @public
 */
export function parseHardwareAddress(field: string): { hardwareType: number; address: number[] } | undefined {
  const typed = /^([0-9a-f]{1,2})-(.*)$/i.exec(field);
  if (typed && (typed[2] === '' || typed[2].includes(':') || /^[0-9a-f]{1,2}$/i.test(typed[2]))) {
    const address = typed[2] === '' ? [] : parseHexBytes(typed[2]);
    return address && { hardwareType: parseInt(typed[1], 16), address };
  }
  const address = parseHexBytes(field.replace(/-/g, ':'));
  return address && { hardwareType: ETHERNET, address };
}
