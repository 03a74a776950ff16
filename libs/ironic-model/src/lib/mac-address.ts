/**
 * The spellings of a MAC address Ironic accepts for a port (`ironic.common.utils.validate_and_normalize_mac`
 * checks with oslo's `netutils.is_valid_mac`, i.e. netaddr's EUI-48 dialects) and stores lower case,
 * colon separated: six hex pairs joined by one separator, `:` or `-`, throughout (`52:54:00:ab:cd:ef`,
 * `52-54-00-AB-CD-EF`); twelve bare hex digits (`525400abcdef`); Cisco's three dotted groups of four
 * (`5254.00ab.cdef`). Mixed separators (`52:54-00:ab:cd:ef`) are refused: no tool writes them.
 */
const SEPARATED = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;
const BARE = /^[0-9a-f]{12}$/i;
const CISCO = /^([0-9a-f]{4})\.([0-9a-f]{4})\.([0-9a-f]{4})$/i;

/**
 * A MAC address that is none of the accepted spellings.
 *
 * @remarks `code` is always `INVALID_MAC_ADDRESS` (see {@link IronicModelErrorCode}); `value` is the text as given.
 * @public
 */
export class InvalidMacAddressError extends RangeError {
  /** Stable code to branch on. */
  readonly code = 'INVALID_MAC_ADDRESS';
  override readonly name = 'InvalidMacAddressError';

  constructor(
    /** The text that is not a MAC address, as given. */
    readonly value: string,
  ) {
    super(`"${value}" is not a MAC address (expected six hex pairs such as 52:54:00:12:34:56, 525400123456 or 5254.0012.3456)`);
  }
}

/**
 * A MAC address the way Ironic stores it (lower case, colon separated), or undefined when the text is
 * not one. Surrounding white space is ignored.
 *
 * @param mac - `52:54:00:ab:cd:ef`, `52-54-00-AB-CD-EF`, `525400abcdef` or `5254.00ab.cdef`.
 * @returns `52:54:00:ab:cd:ef`, or undefined for anything else.
 * @public
 */
export function normalizeMac(mac: string): string | undefined {
  const text = mac.trim();
  const separated = SEPARATED.exec(text);
  const hex = separated
    ? [1, 3, 4, 5, 6, 7].map((group) => separated[group]).join('')
    : BARE.test(text)
      ? text
      : CISCO.exec(text)?.slice(1).join('');
  return hex === undefined ? undefined : hex.toLowerCase().replace(/(..)(?!$)/g, '$1:');
}

/**
 * {@link normalizeMac}, throwing for text that is not a MAC address, so that a typo is reported
 * before Ironic answers 400.
 *
 * @throws {@link InvalidMacAddressError} (a `RangeError`) when `mac` is none of the accepted spellings.
 * @public
 */
export function normalizeMacAddress(mac: string): string {
  const normalized = normalizeMac(mac);
  if (normalized === undefined) throw new InvalidMacAddressError(mac);
  return normalized;
}
