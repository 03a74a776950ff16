/**
 * The metadata versions we offer, and how they compare. Both lists are in release order: a version
 * offers everything the versions before it offer (nova `nova/api/metadata/base.py`).
 */

/**
 * The name every client may use for the newest version offered.
 *
 * @public
 */
export const LATEST = 'latest';

/**
 * Nova's OpenStack metadata versions, oldest first.
 *
 * @public
 */
export const OPENSTACK_VERSIONS = [
  '2012-08-10',
  '2013-04-04',
  '2013-10-17',
  '2015-10-15',
  '2016-06-30',
  '2016-10-06',
  '2017-02-22',
  '2018-08-27',
  '2020-10-14',
  '2025-04-04',
] as const;

/**
 * One of `OPENSTACK_VERSIONS`; `latest` is resolved before it becomes one.
 *
 * @public
 */
export type OpenStackVersion = (typeof OPENSTACK_VERSIONS)[number];

// The OpenStack versions that add something, by Nova's release names; 2012-08-10 (Folsom) is the base.
/** `password`, `random_seed`. */
export const GRIZZLY: OpenStackVersion = '2013-04-04';
/** `vendor_data.json`. */
export const HAVANA: OpenStackVersion = '2013-10-17';
/** `network_data.json`, `project_id`. */
export const LIBERTY: OpenStackVersion = '2015-10-15';
/** `devices`. */
export const NEWTON_ONE: OpenStackVersion = '2016-06-30';
/** `vendor_data2.json`. */
export const NEWTON_TWO: OpenStackVersion = '2016-10-06';
/** `vlan` on NIC devices. */
export const OCATA: OpenStackVersion = '2017-02-22';
/** `vf_trusted` on NIC devices. */
export const ROCKY: OpenStackVersion = '2018-08-27';
/** `dedicated_cpus`. */
export const VICTORIA: OpenStackVersion = '2020-10-14';

/**
 * EC2 metadata versions, oldest first; `latest` is the last one. Nova offers 1.0 to 2009-04-04; the
 * later ones are those AWS lists at `/` (AWS documentation, "Instance metadata categories"), offered
 * because clients ask for them by date: Ignition on the `aws` platform reads `/2019-10-01/user-data`,
 * cloud-init's EC2 source probes `/2021-03-23/`, `/2018-09-24/` and `/2016-09-02/`.
 *
 * @public
 */
export const EC2_VERSIONS = [
  '1.0',
  '2007-01-19',
  '2007-03-01',
  '2007-08-29',
  '2007-10-10',
  '2007-12-15',
  '2008-02-01',
  '2008-09-01',
  '2009-04-04',
  '2011-01-01',
  '2011-05-01',
  '2012-01-12',
  '2014-02-25',
  '2014-11-05',
  '2015-10-20',
  '2016-04-19',
  '2016-06-30',
  '2016-09-02',
  '2018-03-28',
  '2018-08-17',
  '2018-09-24',
  '2019-10-01',
  '2020-10-27',
  '2021-01-03',
  '2021-03-23',
  '2021-07-15',
  '2022-07-09',
  '2022-09-24',
] as const;

/**
 * One of `EC2_VERSIONS`; `latest` is resolved before it becomes one.
 *
 * @public
 */
export type Ec2Version = (typeof EC2_VERSIONS)[number];

// The EC2 versions that add something this service serves, named for what they add (AWS documentation,
// "Instance metadata categories"; Nova's `nova/api/metadata/base.py` for the versions it knows).
// AWS's later categories (iam/, services/, spot/, events/, ...) have nothing behind them on bare metal.
/** `local-hostname`, `public-hostname`, `public-ipv4`. */
export const EC2_HOSTNAMES: Ec2Version = '2007-01-19';
/** `instance-type`. */
export const EC2_INSTANCE_TYPE: Ec2Version = '2007-08-29';
/** `block-device-mapping/`, and `kernel-id`, `ramdisk-id` when set (Nova's gate for all three). */
export const EC2_BLOCK_DEVICE_MAPPING: Ec2Version = '2007-12-15';
/** `placement/`. */
export const EC2_PLACEMENT: Ec2Version = '2008-02-01';
/** `instance-action`. */
export const EC2_INSTANCE_ACTION: Ec2Version = '2008-09-01';
/** `dynamic/` (`instance-identity/document`). */
export const EC2_DYNAMIC_DATA: Ec2Version = '2009-04-04';

/** True when `version` is `required` or newer. */
export function openStackVersionAtLeast(version: OpenStackVersion, required: OpenStackVersion): boolean {
  return OPENSTACK_VERSIONS.indexOf(version) >= OPENSTACK_VERSIONS.indexOf(required);
}

/** True when `version` is `required` or newer. */
export function ec2VersionAtLeast(version: Ec2Version, required: Ec2Version): boolean {
  return EC2_VERSIONS.indexOf(version) >= EC2_VERSIONS.indexOf(required);
}

/**
 * The OpenStack versions offered at `now`: those dated on or before its UTC day. Nova hides future
 * versions the same way, so a service built today keeps answering like the release it claims to be.
 *
 * @public
 */
export function offeredOpenStackVersions(now: Date): OpenStackVersion[] {
  const today = now.toISOString().slice(0, 10);
  return OPENSTACK_VERSIONS.filter((version) => version <= today);
}

/** `version` if it is an EC2 version, the newest for `latest`, else undefined. */
export function resolveEc2Version(version: string): Ec2Version | undefined {
  if (version === LATEST) return EC2_VERSIONS[EC2_VERSIONS.length - 1];
  return EC2_VERSIONS.find((known) => known === version);
}

/** `version` if it is offered at `now`, the newest offered for `latest`, else undefined. */
export function resolveOpenStackVersion(version: string, now: Date): OpenStackVersion | undefined {
  const offered = offeredOpenStackVersions(now);
  if (version === LATEST) return offered[offered.length - 1];
  return offered.find((known) => known === version);
}

/**
 * The version of a parsed path as the client wrote it, with the version it stands for when that
 * differs: `2009-04-04`, `latest (2022-09-24)`. For messages, so that they name what the client asked.
 */
export function versionAsWritten(path: { version: string; requestedVersion: string }): string {
  return path.requestedVersion === path.version ? path.version : `${path.requestedVersion} (${path.version})`;
}
