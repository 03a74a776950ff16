import type { RenderContext } from './context';
import { ec2MetaDataTree } from './ec2-tree';
import type { InstanceMetadata } from './instance-metadata';
import { walkMetadata } from './metadata-walk';
import { EC2_VERSIONS, LATEST, resolveEc2Version } from './versions';

/**
 * The files of a config drive holding what the service answers for `md`, by their path on the drive,
 * laid out as Nova's `InstanceMetadata.metadata_for_config_drive` lays them out (openstack/nova
 * `nova/api/metadata/base.py`), which is what cloud-init's ConfigDrive data source reads:
 *
 * - `ec2/<version>/meta-data.json`: EC2's `meta-data/` tree of that version as one JSON object
 *   (public keys at `public-keys/<index>/openssh-key`, without their names), and
 *   `ec2/<version>/user-data` when there is user data, for every EC2 version and `latest`;
 * - `openstack/<version>/<file>`: every file the service lists for each offered OpenStack version and
 *   `latest` (`meta_data.json`, `user_data`, `vendor_data.json`, `network_data.json`,
 *   `vendor_data2.json`), with the bodies a GET answers, except `password`, which Nova leaves off the
 *   drive because an instance posts its password to the service.
 *
 * Paths have no leading slash. `context.randomSeed` is read once per `meta_data.json`.
 *
 * @public
 */
export function* metadataForConfigDrive(md: InstanceMetadata, context: RenderContext): Generator<[path: string, body: Buffer]> {
  for (const requested of [...EC2_VERSIONS, LATEST]) {
    const version = resolveEc2Version(requested) ?? EC2_VERSIONS[EC2_VERSIONS.length - 1];
    if (md.userData !== undefined) yield [`ec2/${requested}/user-data`, md.userData];
    yield [`ec2/${requested}/meta-data.json`, Buffer.from(JSON.stringify(ec2MetaDataTree(md, version)), 'utf8')];
  }
  for (const walked of walkMetadata(md, context)) {
    if (walked.family !== 'openstack' || walked.listing || walked.path.endsWith('/password')) continue;
    yield [walked.path.slice(1), walked.rendered.body];
  }
}
