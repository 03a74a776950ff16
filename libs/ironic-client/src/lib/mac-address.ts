const SEPARATED = /^[0-9a-f]{2}([:-])[0-9a-f]{2}(\1[0-9a-f]{2}){4}$/i;
const BARE = /^[0-9a-f]{12}$/i;

/**
 * A MAC address the way Ironic stores it: lower case, colon separated. Accepts colons, dashes or no
 * separator; throws a RangeError for anything else, so that a typo is reported before Ironic's 400.
 */
export function normalizeMacAddress(mac: string): string {
  const text = mac.trim();
  if (SEPARATED.test(text)) return text.toLowerCase().replace(/-/g, ':');
  if (BARE.test(text)) return text.toLowerCase().replace(/(..)(?!$)/g, '$1:');
  throw new RangeError(`"${mac}" is not a MAC address (expected six hex pairs, e.g. 52:54:00:12:34:56)`);
}
