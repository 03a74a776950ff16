import type { NetworkData } from '@ironic-metadata/ironic-model';
import type { PathContext, RenderContext } from './context';
import type { InstanceMetadata } from './instance-metadata';
import { openStackMetaData } from './openstack-metadata';
import { found, foundJson, foundListing, notFound, TEXT_PLAIN, type Found, type Rendered } from './rendered';
import {
  GRIZZLY,
  HAVANA,
  LATEST,
  LIBERTY,
  NEWTON_TWO,
  offeredOpenStackVersions,
  openStackVersionAtLeast,
  type OpenStackVersion,
} from './versions';

/** `/openstack`: the versions offered today, then `latest`. */
export function renderOpenStackVersions(context: PathContext): Found {
  const offered = offeredOpenStackVersions(context.now);
  return foundListing(offered.length > 0 ? [...offered, LATEST] : []);
}

/**
 * `/openstack/<version>/...`: the version's file listing, or one of its files. `writtenAs` is how a
 * not-found message names the version (`versionAsWritten`).
 */
export function renderOpenStackPath(
  md: InstanceMetadata,
  version: OpenStackVersion,
  segments: readonly string[],
  context: RenderContext,
  writtenAs: string = version,
): Rendered {
  const files = openStackFiles(md, version, context);
  if (segments.length === 0) return foundListing(files.map((file) => file.name));
  const name = segments.join('/');
  const file = files.find((candidate) => candidate.name === name);
  return file ? file.render() : notFound(`no ${name} in OpenStack metadata version ${writtenAs}`);
}

interface OpenStackFile {
  name: string;
  render: () => Found;
}

/** The files of one version, in Nova's listing order, each rendered only when asked for. */
function openStackFiles(md: InstanceMetadata, version: OpenStackVersion, context: RenderContext): OpenStackFile[] {
  const atLeast = (required: OpenStackVersion): boolean => openStackVersionAtLeast(version, required);
  const files: OpenStackFile[] = [{ name: 'meta_data.json', render: () => foundJson(openStackMetaData(md, version, context)) }];
  const userData = md.userData;
  // Nova sends user data byte for byte, under its default text/plain.
  if (userData !== undefined) files.push({ name: 'user_data', render: () => found(userData) });
  if (atLeast(GRIZZLY)) files.push({ name: 'password', render: () => found(md.password) });
  if (atLeast(HAVANA)) files.push({ name: 'vendor_data.json', render: () => foundJson(md.vendorData) });
  // Nova leaves network_data.json under text/plain; cloud-init parses it as JSON regardless.
  if (atLeast(LIBERTY))
    files.push({
      name: 'network_data.json',
      render: () => foundJson(md.storedNetworkData ?? networkDataDocument(md.networkData), TEXT_PLAIN),
    });
  if (atLeast(NEWTON_TWO)) files.push({ name: 'vendor_data2.json', render: () => foundJson(md.vendorData2) });
  return files;
}

/** Nova sends `{}` when an instance has no network information at all. */
function networkDataDocument(networkData: NetworkData): NetworkData | Record<string, never> {
  const empty = Object.values(networkData).every((value) => Array.isArray(value) && value.length === 0);
  return empty ? {} : networkData;
}
