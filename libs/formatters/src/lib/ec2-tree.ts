import { instanceIdentityDocument } from './ec2-identity-document';
import type { Ec2Data, Ec2Interface, InstanceMetadata, PublicKey } from './instance-metadata';
import {
  EC2_BLOCK_DEVICE_MAPPING,
  EC2_HOSTNAMES,
  EC2_INSTANCE_ACTION,
  EC2_INSTANCE_TYPE,
  EC2_PLACEMENT,
  ec2VersionAtLeast,
  type Ec2Version,
} from './versions';

/**
 * A file in the EC2 tree: one value, or several served one a line (`security-groups`).
 *
 * @public
 */
export type Ec2Leaf = string | readonly string[];

/**
 * A directory in the EC2 tree: its entries by name.
 *
 * @public
 */
export interface Ec2Directory {
  readonly [name: string]: Ec2Node;
}

/**
 * Anything in the EC2 tree.
 *
 * @public
 */
export type Ec2Node = Ec2Leaf | Ec2Directory;

/**
 * Tells a directory from a leaf (`Array.isArray` alone does not narrow a readonly list away).
 *
 * @public
 */
export function isEc2Directory(node: Ec2Node): node is Ec2Directory {
  return typeof node === 'object' && !Array.isArray(node);
}

/**
 * Builds EC2's `meta-data/` tree for `version`, with the keys Nova serves at that version. The
 * result is also the shape of a config drive's `ec2/<version>/meta-data.json`: public keys sit at
 * `public-keys/<index>/openssh-key`, with no trace of their names (the listing adds those).
 *
 * Three keys are served in more versions than AWS dates them, because clients ask for them under
 * an older version: `mac` and `network/interfaces/macs/<mac>/` (AWS 2011-01-01) in every version,
 * because cloud-init's EC2 source configures the network from nothing else and older cloud-init
 * knows no version past 2009-04-04; `placement/region` (AWS 2020-08-24) wherever `placement/` is,
 * because Debian's `ec2metadata --region` asks `/2009-04-04/meta-data/placement/region`.
 *
 * @public
 */
export function ec2MetaDataTree(md: InstanceMetadata, version: Ec2Version): Ec2Directory {
  const atLeast = (required: Ec2Version): boolean => ec2VersionAtLeast(version, required);
  const ec2 = md.ec2;
  return {
    'ami-id': ec2.amiId,
    'ami-launch-index': String(md.launchIndex),
    'ami-manifest-path': ec2.amiManifestPath,
    'instance-id': ec2.instanceId,
    // EC2's `hostname` is the private one; Nova serves the same name under all three keys.
    hostname: ec2.localHostname,
    // Nova always has these two keys, empty when there is no address.
    'local-ipv4': ec2.localIpv4 ?? '',
    'reservation-id': ec2.reservationId,
    'security-groups': ec2.securityGroups,
    ...(md.publicKeys.length > 0 ? { 'public-keys': publicKeysDirectory(md.publicKeys) } : {}),
    ...(atLeast(EC2_HOSTNAMES)
      ? { 'local-hostname': ec2.localHostname, 'public-hostname': ec2.publicHostname, 'public-ipv4': ec2.publicIpv4 ?? '' }
      : {}),
    ...(atLeast(EC2_INSTANCE_TYPE) ? { 'instance-type': ec2.instanceType } : {}),
    ...(atLeast(EC2_BLOCK_DEVICE_MAPPING)
      ? {
          'block-device-mapping': { ...ec2.blockDeviceMapping },
          ...(ec2.kernelId ? { 'kernel-id': ec2.kernelId } : {}),
          ...(ec2.ramdiskId ? { 'ramdisk-id': ec2.ramdiskId } : {}),
        }
      : {}),
    ...(atLeast(EC2_PLACEMENT) ? { placement: { 'availability-zone': md.availabilityZone, region: ec2.region } } : {}),
    ...(atLeast(EC2_INSTANCE_ACTION) ? { 'instance-action': ec2.instanceAction } : {}),
    ...(ec2.mac !== undefined ? { mac: ec2.mac } : {}),
    ...(ec2.interfaces.length > 0 ? { network: { interfaces: { macs: macsDirectory(ec2) } } } : {}),
  };
}

/**
 * EC2's `dynamic/` tree (versions from `EC2_DYNAMIC_DATA` on): the instance identity document,
 * pretty-printed JSON as AWS serves it. AWS also lists `pkcs7`, `signature` and `rsa2048` beside
 * it; nothing here can sign for AWS, so they are not offered rather than served forged.
 */
export function ec2DynamicTree(md: InstanceMetadata): Ec2Directory {
  return { 'instance-identity': { document: JSON.stringify(instanceIdentityDocument(md), null, 2) } };
}

function publicKeysDirectory(keys: readonly PublicKey[]): Ec2Directory {
  return Object.fromEntries(keys.map((key, index) => [String(index), { 'openssh-key': key.data }]));
}

function macsDirectory(ec2: Ec2Data): Ec2Directory {
  return Object.fromEntries(ec2.interfaces.map((nic) => [nic.mac, interfaceDirectory(nic, ec2)]));
}

/** What cloud-init's EC2 network conversion reads: `device-number`, `local-ipv4s`, the subnet. */
function interfaceDirectory(nic: Ec2Interface, ec2: Ec2Data): Ec2Directory {
  return {
    'device-number': String(nic.deviceNumber),
    'local-ipv4s': nic.localIpv4s,
    mac: nic.mac,
    // Only the primary NIC's name is known: it is the instance's private hostname.
    ...(nic.mac === ec2.mac ? { 'local-hostname': ec2.localHostname } : {}),
    ...(nic.subnetIpv4CidrBlock !== undefined ? { 'subnet-ipv4-cidr-block': nic.subnetIpv4CidrBlock } : {}),
  };
}
