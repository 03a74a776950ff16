/** Host numbers per /24: .1 to .254, so that no node has an address ending in .0 or .255. */
const HOSTS_PER_BLOCK = 254;
/** The first node's /24 is 127.1.0.0/24: well clear of 127.0.0.1 and the tests' 127.0.0.N. */
const FIRST_BLOCK = 256;
const LAST_BLOCK = 255 * 256 + 255;

/**
 * The loopback address of node `index` (0-based): 127.1.0.1, 127.1.0.2, ... 127.1.0.254, 127.1.1.1, ...
 * Every 127.0.0.0/8 address is this machine, so a benchmark client can connect from the address of
 * the node it plays and be identified by it.
 */
export function nodeAddress(index: number): string {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`node index must be a whole number from 0, got ${index}`);
  const block = FIRST_BLOCK + Math.floor(index / HOSTS_PER_BLOCK);
  if (block > LAST_BLOCK) throw new RangeError(`node index ${index} is beyond the addresses of 127.1.0.0 to 127.255.255.254`);
  return `127.${block >> 8}.${block & 255}.${(index % HOSTS_PER_BLOCK) + 1}`;
}
