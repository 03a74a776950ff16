import { crawlLikeCloudInit, CrawlError, type Fetch } from './cloud-init-crawl';
import { metadataTree, servedBody } from './test-support/metadata-tree';

const MAC = '02:00:00:00:00:07';

function recordingFetch(tree: Map<string, string>): { fetch: Fetch; paths: string[] } {
  const paths: string[] = [];
  const fetch: Fetch = async (path) => {
    paths.push(path);
    const body = servedBody(tree, path);
    return body === undefined ? { status: 404, body: Buffer.from('Not found') } : { status: 200, body: Buffer.from(body) };
  };
  return { fetch, paths };
}

describe('crawlLikeCloudInit', () => {
  it("makes cloud-init's requests in cloud-init's order and returns the instance uuid", async () => {
    const tree = metadataTree('instance-7', MAC);
    const { fetch, paths } = recordingFetch(tree);
    await expect(crawlLikeCloudInit(fetch)).resolves.toEqual({ instanceUuid: 'instance-7' });
    const md = '/latest/meta-data/';
    expect(paths.slice(0, 8)).toEqual([
      '/openstack',
      '/openstack',
      '/openstack/2018-08-27/meta_data.json',
      '/openstack/2018-08-27/user_data',
      '/openstack/2018-08-27/vendor_data.json',
      '/openstack/2018-08-27/vendor_data2.json',
      '/openstack/2018-08-27/network_data.json',
      md,
    ]);
    // The whole EC2 tree, each path once: a key's `N=name` is read at N/openssh-key, without N/'s listing.
    const ec2 = paths.slice(8);
    const served = [...tree.keys()].filter((path) => path.startsWith(md) && !/\/public-keys\/\d+$/.test(path));
    expect(new Set(ec2.map((path) => path.replace(/\/$/, '')))).toEqual(new Set(served));
    expect(ec2).toHaveLength(served.length);
    // Directories first, depth first, then the leaves of each level: the listings of each level's
    // directories come before its first leaf, and a directory's own paths right after its listing.
    expect(ec2[0]).toBe(`${md}block-device-mapping/`);
    expect(ec2.indexOf(`${md}public-keys/0/openssh-key`)).toBe(ec2.indexOf(`${md}public-keys/`) + 1);
    expect(ec2.indexOf(`${md}public-keys/`)).toBeLessThan(ec2.indexOf(`${md}ami-id`));
    expect(ec2[ec2.length - 1]).toBe(`${md}security-groups`);
  });

  it('reads latest when the service lists no version cloud-init knows', async () => {
    const tree = metadataTree('instance-7', MAC);
    tree.set('/openstack', 'latest');
    tree.set('/openstack/latest/meta_data.json', JSON.stringify({ uuid: 'instance-7' }));
    const { fetch, paths } = recordingFetch(tree);
    await crawlLikeCloudInit(fetch);
    expect(paths[2]).toBe('/openstack/latest/meta_data.json');
  });

  it('goes on past a missing optional file, as cloud-init does', async () => {
    const tree = metadataTree('instance-7', MAC);
    tree.delete('/openstack/2018-08-27/user_data');
    await expect(crawlLikeCloudInit(recordingFetch(tree).fetch)).resolves.toEqual({ instanceUuid: 'instance-7' });
  });

  it('stops at a meta_data.json without a uuid, which cloud-init requires', async () => {
    const tree = metadataTree('instance-7', MAC);
    tree.set('/openstack/2018-08-27/meta_data.json', '{"hostname": "x"}');
    const failure = crawlLikeCloudInit(recordingFetch(tree).fetch);
    await expect(failure).rejects.toThrow(CrawlError);
    await expect(failure).rejects.toMatchObject({ status: undefined });
  });

  it('stops at a failed EC2 read, reporting its status', async () => {
    const tree = metadataTree('instance-7', MAC);
    tree.delete('/latest/meta-data/placement/availability-zone');
    await expect(crawlLikeCloudInit(recordingFetch(tree).fetch)).rejects.toMatchObject({ name: 'CrawlError', status: 404 });
  });
});
