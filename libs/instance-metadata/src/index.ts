/**
 * One instance's metadata from an Ironic node, without I/O: the node, its ports and portgroups and
 * its decoded config drive in, the formatters' `InstanceMetadata` out, as Nova's `InstanceMetadata`
 * is built from an instance. The instance's identity (uuid, name, hostname, each with where it came
 * from), its password's place in `instance_info`, and the EC2 view of the client's address.
 *
 * @packageDocumentation
 * @module @ironic-metadata/instance-metadata
 */
export { buildInstanceMetadata, type BuildOptions, type InstanceSource } from './lib/instance-metadata-builder';
export { instanceIdentity, type Derived, type InstanceIdentity } from './lib/instance-identity';
export { instancePassword, PASSWORD_INSTANCE_INFO_KEY, storePasswordPatch } from './lib/instance-password';
export { withClientAddress } from './lib/ec2-interfaces';
