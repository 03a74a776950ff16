import type { ConfigDrive } from '@ironic-metadata/configdrive';
import { META_DATA_KEYS_NOT_PASSED_THROUGH, type InstanceMetadata, type PublicKey } from '@ironic-metadata/formatters';
import {
  fixedIpAddress,
  nodeNetworkData,
  type IronicNode,
  type IronicPort,
  type IronicPortgroup,
  type NetworkData,
} from '@ironic-metadata/ironic-model';
import { ec2NetworkView } from './ec2-interfaces';
import { ec2Architecture, ec2PendingTime } from './ec2-identity-fields';
import { instancePassword } from './instance-password';
import { instanceIdentity } from './instance-identity';
import { describeKey } from './key-type';
import { networkDataFromPorts } from './port-network-data';

/**
 * What one instance's metadata is built from: an Ironic node, its ports and portgroups (Ironic's API
 * shapes, validated by ironic-model), and the node's decoded config drive when it has one. The node
 * index's entries are such sources.
 */
export interface InstanceSource {
  node: IronicNode;
  ports: readonly IronicPort[];
  portgroups: readonly IronicPortgroup[];
  configDrive?: ConfigDrive;
}

export interface BuildOptions {
  defaultAvailabilityZone: string;
  /** EC2's `placement/region` and the identity document's `region` (the `REGION` setting). */
  region: string;
  /** The operator's static vendor_data.json, when configured. */
  vendorData?: unknown;
}

/**
 * One instance's metadata: the config drive first (it is what the deployer asked the node to see),
 * then the node's own fields, as Ironic itself fills a config drive's gaps.
 */
export function buildInstanceMetadata(entry: InstanceSource, options: BuildOptions): InstanceMetadata {
  const { node } = entry;
  const drive = entry.configDrive;
  const meta = drive?.metaData ?? {};
  const info = node.instance_info;
  const identity = instanceIdentity(node, drive?.metaData);
  const [uuid, name, hostname] = [identity.uuid.value, identity.name.value, identity.hostname.value];
  const { networkData, storedNetworkData } = chooseNetworkData(entry, drive);
  const fixedIps = (info.fixed_ips ?? []).map(fixedIpAddress);
  const { localIpv4, mac, interfaces } = ec2NetworkView(networkData, fixedIps);
  return {
    uuid,
    nodeUuid: node.uuid,
    name,
    hostname,
    availabilityZone: stringOr(meta.availability_zone, info.availability_zone ?? options.defaultAvailabilityZone),
    launchIndex: typeof meta.launch_index === 'number' ? meta.launch_index : 0,
    projectId: stringOr(meta.project_id, node.owner ?? '') || undefined,
    publicKeys: publicKeys(drive, node),
    meta: Object.fromEntries([...stringEntries(node.properties), ...stringEntries(meta.meta ?? {})]),
    userData: drive?.userData ?? (info.user_data !== undefined ? Buffer.from(info.user_data, 'utf8') : undefined),
    networkData,
    storedNetworkData,
    vendorData: drive?.vendorData ?? options.vendorData ?? {},
    vendorData2: isRecord(drive?.vendorData2) ? drive.vendorData2 : options.vendorData !== undefined ? { static: options.vendorData } : {},
    password: instancePassword(node),
    devices: Array.isArray(meta.devices) ? meta.devices : [],
    extraMetaData: Object.fromEntries(Object.entries(meta).filter(([key]) => !META_DATA_KEYS_NOT_PASSED_THROUGH.has(key))),
    ec2: {
      instanceId: uuid,
      amiId: info.image_source ?? 'ami-00000000',
      // Nova answers this literal too: there is no manifest for an image that is not an S3 bundle.
      amiManifestPath: 'FIXME',
      instanceType: node.resource_class ?? 'baremetal',
      reservationId: `r-${node.uuid.replace(/-/g, '').slice(0, 8)}`,
      securityGroups: ['default'],
      localIpv4,
      localHostname: hostname,
      publicHostname: hostname,
      mac,
      blockDeviceMapping: { ami: 'sda', root: '/dev/sda' },
      instanceAction: 'none',
      interfaces,
      region: options.region,
      architecture: ec2Architecture(node),
      pendingTime: ec2PendingTime(node),
    },
  };
}

/** The drive's network_data when it has one (it is on the node's disk), else the node's own, else one built from its ports. */
function chooseNetworkData(
  entry: InstanceSource,
  drive: ConfigDrive | undefined,
): { networkData: NetworkData; storedNetworkData?: unknown } {
  if (drive?.networkData) return { networkData: drive.networkData, storedNetworkData: drive.storedNetworkData };
  const own = nodeNetworkData(entry.node);
  if (own) return { networkData: own.view, storedNetworkData: own.document };
  return { networkData: networkDataFromPorts(entry.ports, entry.portgroups) };
}

/** The config drive's keys first, then `instance_info.public_keys` under names not already taken. */
function publicKeys(drive: ConfigDrive | undefined, node: IronicNode): PublicKey[] {
  const keys = new Map<string, string>(Object.entries(drive?.publicKeys ?? {}));
  const fromNode = node.instance_info.public_keys;
  const nodeKeys = Array.isArray(fromNode) ? fromNode.map((key, index) => [`key-${index}`, key] as const) : Object.entries(fromNode ?? {});
  for (const [name, data] of nodeKeys) if (!keys.has(name)) keys.set(name, data);
  return [...keys].map(([name, data]) => ({ name, type: describeKey(data).type, data }));
}

/** Nova's `meta` carries strings only. */
function stringEntries(record: Record<string, unknown>): [string, string][] {
  return Object.entries(record)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key, value]) => [key, typeof value === 'string' ? value : JSON.stringify(value)]);
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' && value.length > 0 ? value : fallback;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
