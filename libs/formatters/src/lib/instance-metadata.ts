import type { NetworkData } from '@ironic-metadata/ironic-model';

/**
 * An SSH key as Nova's meta_data.json `keys` lists it.
 *
 * @public
 */
export interface PublicKey {
  name: string;
  type: string;
  data: string;
}

/**
 * One NIC as EC2's `network/interfaces/macs/<mac>/` describes it.
 *
 * @public
 */
export interface Ec2Interface {
  /** Lower-case MAC, as in the path. */
  mac: string;
  deviceNumber: number;
  localIpv4s: string[];
  /** `subnet-ipv4-cidr-block`, when the address and netmask are known. */
  subnetIpv4CidrBlock?: string;
}

/**
 * What the EC2 tree needs beyond Nova's fields.
 *
 * @public
 */
export interface Ec2Data {
  instanceId: string;
  amiId: string;
  amiManifestPath: string;
  instanceType: string;
  reservationId: string;
  securityGroups: string[];
  localIpv4?: string;
  publicIpv4?: string;
  localHostname: string;
  publicHostname: string;
  /** The primary NIC's MAC (`meta-data/mac`). */
  mac?: string;
  /** `block-device-mapping/`: `{ami: 'sda', root: '/dev/sda', ...}`. */
  blockDeviceMapping: Record<string, string>;
  kernelId?: string;
  ramdiskId?: string;
  instanceAction: string;
  interfaces: Ec2Interface[];
  /** `placement/region` and the identity document's `region`: the service's `REGION` setting. */
  region: string;
  /** EC2's name for the CPU architecture (`x86_64`, `arm64`, ...), when the node's is known. */
  architecture?: string;
  /** When the instance was deployed, ISO 8601 in UTC (`2024-05-01T10:20:30Z`), when known. */
  pendingTime?: string;
}

/**
 * Everything the metadata trees are rendered from: one instance on one node. Built by libs/metadata
 * from the config drive first and the node's own fields second; the formatters render it and never
 * look at Ironic's shapes.
 *
 * @public
 */
export interface InstanceMetadata {
  /** The instance uuid: meta_data `uuid` (Ironic sets it to the node uuid when the drive lacks it). */
  uuid: string;
  nodeUuid: string;
  name: string;
  hostname: string;
  availabilityZone: string;
  launchIndex: number;
  projectId?: string;
  /** In the order they are listed; `public_keys` maps name -> data. */
  publicKeys: PublicKey[];
  /** `meta`: string values only, as Nova sends them. */
  meta: Record<string, string>;
  /** Byte for byte as stored; absent means 404 on `user_data`, as Nova answers. */
  userData?: Buffer;
  /** What the service reads of network_data (links, networks), always present: from the config drive, the node, or built from its ports. */
  networkData: NetworkData;
  /** network_data as stored (config drive or node), served as `network_data.json` as it is; absent when built from ports. */
  storedNetworkData?: unknown;
  /** `vendor_data.json`; `{}` when there is none. */
  vendorData: unknown;
  /** `vendor_data2.json`; `{}` when there is none. */
  vendorData2: Record<string, unknown>;
  /** The instance password set through POST `password`; empty when none. */
  password: string;
  /** Nova's `devices` (Newton one). */
  devices: unknown[];
  /** meta_data.json keys the config drive carried beyond the ones modelled here, kept as they were. */
  extraMetaData: Record<string, unknown>;
  ec2: Ec2Data;
}
