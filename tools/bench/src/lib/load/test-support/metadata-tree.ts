import { configDriveFromJson } from '@ironic-metadata/configdrive';
import { walkMetadata } from '@ironic-metadata/formatters';
import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import { buildInstanceMetadata } from '@ironic-metadata/instance-metadata';

/**
 * What the service answers one node, as path -> body: the real builder's metadata for an Ironic node
 * with a JSON config drive (a key, user data) and one port, walked by the formatters as the service
 * renders it, so a crawl here is a crawl of the service's own tree. Listings are keyed without their
 * trailing slash, except `/`: look paths up with {@link servedBody}.
 */
export function metadataTree(instanceUuid: string, mac: string): Map<string, string> {
  const node = aNode({ name: 'node-7', instance_uuid: instanceUuid, instance_info: { fixed_ips: ['10.1.0.7'] } });
  const configDrive = configDriveFromJson({
    meta_data: { uuid: instanceUuid, hostname: 'node-7', availability_zone: 'rack-a', public_keys: { ops: 'ssh-ed25519 AAAA ops' } },
    user_data: '#cloud-config\n',
  });
  const md = buildInstanceMetadata(
    { node, ports: [aPort(node, mac)], portgroups: [], configDrive },
    { defaultAvailabilityZone: 'nova', region: 'RegionOne' },
  );
  const context = { now: new Date(), randomSeed: Buffer.alloc(512, 7).toString('base64') };
  return new Map([...walkMetadata(md, context)].map(({ path, rendered }) => [withoutTrailingSlash(path), rendered.body.toString('utf8')]));
}

/** The body `tree` has at `path`, with or without a trailing slash, as the service answers either. */
export function servedBody(tree: Map<string, string>, path: string): string | undefined {
  return tree.get(withoutTrailingSlash(path));
}

function withoutTrailingSlash(path: string): string {
  return path === '/' ? path : path.replace(/\/$/, '');
}
