import { stringify } from 'yaml';
import type { InstanceMetadata } from './instance-metadata';
import { nocloudNetworkConfig } from './nocloud-network-config';
import { found, foundListing, notFound, type Found, type Rendered } from './rendered';

/**
 * The files of cloud-init's NoCloud seed, in the order `DataSourceNoCloud` names them
 * (canonical/cloud-init `cloudinit/sources/DataSourceNoCloud.py`, `util.read_seeded`): a seed URL
 * `http://host/nocloud/` is read as `<seed>meta-data`, `<seed>user-data`, `<seed>vendor-data`, and
 * from cloud-init 24.3 `<seed>network-config`.
 *
 * @public
 */
export const NOCLOUD_FILES = ['meta-data', 'user-data', 'vendor-data', 'network-config'] as const;

/**
 * NoCloud's `meta-data`: the keys cloud-init's DataSource reads from it. `instance-id` and
 * `local-hostname` are the same values as `meta_data.json`'s `uuid` and `hostname`.
 *
 * @public
 */
export interface NoCloudMetaData {
  'instance-id': string;
  'local-hostname': string;
  /** `DataSource.availability_zone` reads `availability-zone`. */
  'availability-zone': string;
  /** `DataSource.get_public_ssh_keys` takes a list of keys; present only when there are keys. */
  'public-keys'?: string[];
}

/**
 * `/nocloud`: the seed's files, one a line, like the other trees' listings; `network-config` only
 * when the instance has network data.
 */
export function renderNoCloudPath(md: InstanceMetadata, segments: readonly string[]): Rendered {
  // A network config without devices would leave the node with no network at all: without one,
  // cloud-init keeps its own fallback (DHCP on the first NIC that has a link).
  const hasNetwork = md.networkData.links.length > 0;
  if (segments.length === 0) return foundListing(NOCLOUD_FILES.filter((file) => hasNetwork || file !== 'network-config'));
  const name = segments.join('/');
  switch (name) {
    case 'meta-data':
      return foundYaml(noCloudMetaData(md));
    // cloud-init 22.4's read_seeded retries a missing user-data ten times and then gives up on the
    // whole seed: no user data is an empty file, never a 404 (as it is on Nova's tree).
    case 'user-data':
      return found(md.userData ?? Buffer.alloc(0));
    // cloud-init's OpenStack source applies vendor_data2.json too, and a JSON config drive's
    // vendor_data is written there: the one vendor-data NoCloud has falls back to it.
    case 'vendor-data':
      return found(noCloudVendorData(md.vendorData) || noCloudVendorData(md.vendorData2));
    case 'network-config':
      return hasNetwork
        ? foundYaml(nocloudNetworkConfig(md.networkData))
        : notFound('no network data for this instance, so no network-config: cloud-init keeps its fallback');
    default:
      return notFound(`no ${name} in the NoCloud seed; it has ${NOCLOUD_FILES.join(', ')}`);
  }
}

/**
 * The meta-data document, from the same InstanceMetadata fields Nova's `meta_data.json` uses.
 *
 * @public
 */
export function noCloudMetaData(md: InstanceMetadata): NoCloudMetaData {
  return {
    'instance-id': md.uuid,
    'local-hostname': md.hostname,
    'availability-zone': md.availabilityZone,
    ...(md.publicKeys.length > 0 ? { 'public-keys': md.publicKeys.map((key) => key.data) } : {}),
  };
}

/**
 * What cloud-init's OpenStack source makes of `vendor_data.json` (`sources.convert_vendordata`): a
 * string as it is, or a dict's `cloud-init` string. NoCloud's vendor-data is one raw document, so a
 * list (a multipart in cloud-init's eyes) and anything else is no vendor data.
 */
function noCloudVendorData(vendorData: unknown): string {
  if (typeof vendorData === 'string') return vendorData;
  if (typeof vendorData === 'object' && vendorData !== null && !Array.isArray(vendorData)) {
    const forCloudInit = (vendorData as Record<string, unknown>)['cloud-init'];
    if (typeof forCloudInit === 'string') return forCloudInit;
  }
  return '';
}

/**
 * YAML that PyYAML (cloud-init's `safeyaml`, YAML 1.1) reads back as exactly these values: every
 * string double-quoted, so a hostname `on`, an id `1e3` or a MAC `52:54:00:12:34:56` (a base-60
 * integer in YAML 1.1) stays a string; no line folding, so a long SSH key is one line.
 */
function foundYaml(value: object): Found {
  return found(stringify(value, { version: '1.1', defaultStringType: 'QUOTE_DOUBLE', defaultKeyType: 'PLAIN', lineWidth: 0 }));
}
