import { SeededRandom } from './prng';

export const META_DATA = {
  uuid: '6f3a2b9c-4d1e-4b8a-9c0d-1e2f3a4b5c6d',
  name: 'node-1',
  hostname: 'node-1.example.org',
  public_keys: { default: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIKey user@example' },
};

export const NETWORK_DATA = {
  links: [{ id: 'iface0', type: 'phy', ethernet_mac_address: '52:54:00:12:34:56', mtu: 1500 }],
  networks: [{ id: 'network0', type: 'ipv4', link: 'iface0', ip_address: '192.0.2.10', netmask: '255.255.255.0' }],
  services: [{ type: 'dns', address: '192.0.2.1' }],
};

/** A Rock Ridge name long enough to need a continuation area in genisoimage's images. */
export const LONG_NAME = `${'a-long-name-'.repeat(15)}end.txt`;
/** Deeper than ISO 9660's eight levels: genisoimage relocates it under rr_moved. */
export const DEEP_PATH = 'deep/a/b/c/d/e/f/g/h/i/j/leaf.txt';

/**
 * A config drive with everything the readers must get right: files of a few bytes, over 2 KiB and over
 * 1 MiB, binary user data, long, nested and non-ASCII names.
 */
export function sampleFiles(): Map<string, Buffer> {
  const random = new SeededRandom(20_240_610);
  const userData = Buffer.concat([Buffer.from([0x00, 0xff, 0x1f, 0x8b]), random.bytes(3000)]);
  return new Map([
    ['openstack/latest/meta_data.json', Buffer.from(JSON.stringify(META_DATA))],
    ['openstack/latest/network_data.json', Buffer.from(JSON.stringify(NETWORK_DATA))],
    ['openstack/latest/user_data', userData],
    ['openstack/2012-08-10/meta_data.json', Buffer.from(JSON.stringify(META_DATA))],
    ['openstack/content/0000', Buffer.from('auto eth0\n'.repeat(500))],
    ['tiny', Buffer.from('abc')],
    ['large/over-one-mebibyte.bin', random.bytes(1536 * 1024)],
    [`names/${LONG_NAME}`, Buffer.from('long name\n')],
    ['names/Mixed Case & spaces/ünïcödé.json', Buffer.from('{"unicode":true}')],
    [DEEP_PATH, Buffer.from('deep\n')],
  ]);
}

/** Enough entries with long names that their directory spans several sectors. */
export function manyEntries(count: number): Map<string, Buffer> {
  const files = new Map<string, Buffer>([['openstack/latest/meta_data.json', Buffer.from(JSON.stringify(META_DATA))]]);
  for (let i = 0; i < count; i++)
    files.set(`many/entry-${String(i).padStart(4, '0')}-with-a-rather-long-name.txt`, Buffer.from(`entry ${i}\n`));
  return files;
}

export function withoutPaths(files: ReadonlyMap<string, Buffer>, ...paths: string[]): Map<string, Buffer> {
  return new Map([...files].filter(([path]) => !paths.includes(path)));
}
