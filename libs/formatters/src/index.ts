/**
 * Pure renderers for the metadata a bare-metal node asks for: an `InstanceMetadata` in, Nova's
 * OpenStack tree, EC2's tree and cloud-init's NoCloud seed out. No I/O, no clock, no randomness: the caller passes `now` and
 * the random seed in a `RenderContext`.
 *
 * @packageDocumentation
 * @module @ironic-metadata/formatters
 */
export type { Ec2Data, Ec2Interface, InstanceMetadata, PublicKey } from './lib/instance-metadata';
export type { PathContext, RenderContext } from './lib/context';
export type { Found, NotFound, Rendered } from './lib/rendered';
export { parseMetadataPath, type MetadataPath } from './lib/metadata-path';
export {
  ROUTES,
  routeFamilyOf,
  routeMetadataPath,
  routeOf,
  type Route,
  type RouteFamily,
  type RouteMethod,
  type RouteResolve,
  type RouteWrite,
  type RoutedPath,
} from './lib/routes';
export { renderMetadata } from './lib/render';
export { walkMetadata, type WalkedPath } from './lib/metadata-walk';
export { metadataForConfigDrive } from './lib/config-drive-files';
export { META_DATA_KEYS_NOT_PASSED_THROUGH, openStackMetaData, type NovaMetaData } from './lib/openstack-metadata';
export { NOCLOUD_FILES, noCloudMetaData, type NoCloudMetaData } from './lib/nocloud-tree';
export { nocloudNetworkConfig, type NetworkConfigV2, type V2Device } from './lib/nocloud-network-config';
export { ec2MetaDataTree, isEc2Directory, type Ec2Directory, type Ec2Leaf, type Ec2Node } from './lib/ec2-tree';
export { EC2_VERSIONS, LATEST, OPENSTACK_VERSIONS, offeredOpenStackVersions, type Ec2Version, type OpenStackVersion } from './lib/versions';
