import type { HttpResult } from './http-connection';

export type Fetch = (path: string) => Promise<HttpResult>;

/** A read cloud-init would not get past: the boot's crawl ends there. */
export class CrawlError extends Error {
  constructor(
    message: string,
    /** The status, when the answer's status was the problem rather than its content. */
    readonly status?: number,
  ) {
    super(message);
    this.name = 'CrawlError';
  }
}

/** cloud-init 22.4's OpenStack versions, newest first (`openstack.OS_VERSIONS` reversed). */
const OPENSTACK_VERSIONS = ['2018-08-27', '2017-02-22', '2016-10-06', '2016-06-30', '2015-10-15', '2013-10-17', '2013-04-04', '2012-08-10'];
/** `BaseReader.read_v2`'s files in its order; only meta_data.json is required. */
const OPENSTACK_FILES = ['meta_data.json', 'user_data', 'vendor_data.json', 'vendor_data2.json', 'network_data.json'];

/**
 * The requests cloud-init 22.4's OpenStack datasource makes at boot, in its order: the
 * `wait_for_metadata_service` probe of `/openstack`, `MetadataReader.read_v2` (the versions again, then
 * the files of the newest version it knows), then the EC2 crawl of `/latest/meta-data/` that
 * `_read_ec2_metadata` does. Returns the instance uuid meta_data.json gave.
 */
export async function crawlLikeCloudInit(fetch: Fetch): Promise<{ instanceUuid: string }> {
  await required(fetch, '/openstack');
  const versions = splitLines(await required(fetch, '/openstack')).map((line) => line.trim());
  const version = OPENSTACK_VERSIONS.find((candidate) => versions.includes(candidate)) ?? 'latest';
  let instanceUuid = '';
  for (const file of OPENSTACK_FILES) {
    const path = `/openstack/${version}/${file}`;
    if (file === 'meta_data.json') instanceUuid = uuidOf(path, await required(fetch, path));
    else await fetch(path); // optional: cloud-init goes on whatever the status
  }
  await materializeEc2(fetch, '/latest/meta-data/');
  return { instanceUuid };
}

/**
 * cloud-init's `MetadataMaterializer`: a listing line ending in `/` is a directory, read (with its
 * slash) before the leaves; `N=name` is the leaf `N/openssh-key`; a later duplicate name keeps the
 * first one's place. Any failed read fails the crawl.
 */
async function materializeEc2(fetch: Fetch, base: string): Promise<void> {
  const children: string[] = [];
  const leaves = new Map<string, string>();
  for (const line of splitLines(await required(fetch, base))) {
    const field = line.trim();
    const name = field.replace(/\/+$/, '');
    if (!field || !name || name === 'security-credentials') continue;
    if (field.endsWith('/')) {
      if (!children.includes(name)) children.push(name);
      continue;
    }
    const equals = field.indexOf('=');
    const ident = equals < 0 ? '' : field.slice(0, equals);
    if (/^[+-]?\d+$/.test(ident.trim())) leaves.set(field.slice(equals + 1), `${Number(ident)}/openssh-key`);
    else leaves.set(name, name);
  }
  for (const child of children) await materializeEc2(fetch, `${base}${child}/`);
  for (const resource of leaves.values()) await required(fetch, `${base}${resource}`);
}

async function required(fetch: Fetch, path: string): Promise<string> {
  const { status, body } = await fetch(path);
  if (status !== 200) throw new CrawlError(`${path} answered ${status}`, status);
  return body.toString('utf8');
}

function uuidOf(path: string, text: string): string {
  let metaData: unknown;
  try {
    metaData = JSON.parse(text);
  } catch {
    throw new CrawlError(`${path} is not JSON`);
  }
  const uuid = (metaData as { uuid?: unknown } | null)?.uuid;
  if (typeof uuid !== 'string' || !uuid) throw new CrawlError(`${path} has no uuid, which cloud-init requires`);
  return uuid;
}

/** Python's `str.splitlines()` for the separators metadata services use. */
function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}
