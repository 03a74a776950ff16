import fc from 'fast-check';
import { FIXED_SEED, instanceMetadata, renderContext, serve, text, TODAY } from '../test-support/instance-metadata.fixture';
import { metadataForConfigDrive } from './config-drive-files';
import { ec2MetaDataTree } from './ec2-tree';
import type { InstanceMetadata } from './instance-metadata';
import { walkMetadata, type WalkedPath } from './metadata-walk';
import { EC2_VERSIONS, OPENSTACK_VERSIONS } from './versions';

const walk = (md: InstanceMetadata, now: Date = TODAY): WalkedPath[] => [...walkMetadata(md, renderContext(now))];

const VERSION_LISTINGS = ['/openstack/', '/'];

/**
 * The paths a listing names, read as cloud-init reads them (`MetadataMaterializer`): a version in a
 * version listing and `name/` are directories, `N=name` the directory `N/` (EC2's public keys),
 * anything else a file.
 */
function named(listing: WalkedPath): string[] {
  return listing.rendered.body
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const labelled = /^(\d+)=/.exec(line);
      if (labelled) return `${listing.path}${labelled[1]}/`;
      return `${listing.path}${line}${VERSION_LISTINGS.includes(listing.path) ? '/' : ''}`;
    });
}

/** Instances as different as the trees get: with and without keys, user data, NICs, network data, kernel. */
const instances = fc
  .record({
    keys: fc.array(fc.constantFrom('ops', 'ci', 'admin key'), { maxLength: 3 }),
    userData: fc.option(fc.uint8Array({ maxLength: 16 }), { nil: undefined }),
    nics: fc.uniqueArray(fc.constantFrom('52:54:00:aa:bb:01', '52:54:00:aa:bb:02', '52:54:00:aa:bb:03'), { maxLength: 3 }),
    network: fc.boolean(),
    kernelId: fc.option(fc.constant('aki-00000001'), { nil: undefined }),
    localIpv4: fc.option(fc.ipV4(), { nil: undefined }),
  })
  .map(({ keys, userData, nics, network, kernelId, localIpv4 }) =>
    instanceMetadata({
      publicKeys: keys.map((name, index) => ({ name, type: 'ssh', data: `ssh-ed25519 AAAA${index} ${name}` })),
      userData: userData && Buffer.from(userData),
      ...(network ? {} : { networkData: { links: [], networks: [], services: [] } }),
      ec2: {
        kernelId,
        localIpv4,
        mac: nics[0],
        interfaces: nics.map((mac, deviceNumber) => ({ mac, deviceNumber, localIpv4s: localIpv4 ? [localIpv4] : [] })),
      },
    }),
  );

/** Any day from before the first OpenStack version to after the last. */
const days = fc.date({ min: new Date('2012-01-01T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true });

describe('walkMetadata', () => {
  it('yields every path once, each answering a GET with exactly the walked body and content type', () => {
    fc.assert(
      fc.property(instances, days, (md, now) => {
        const walked = walk(md, now);
        expect(new Set(walked.map((entry) => entry.path)).size).toBe(walked.length);
        const differing = walked.filter(({ path, rendered }) => {
          const served = serve(path, md, renderContext(now));
          return served.status !== 200 || served.contentType !== rendered.contentType || !served.body.equals(rendered.body);
        });
        expect(differing.map((entry) => entry.path)).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('walks every entry each listing names, and nothing no listing names', () => {
    fc.assert(
      fc.property(instances, days, (md, now) => {
        const walked = walk(md, now);
        const paths = new Set(walked.map((entry) => entry.path));
        const listed = new Set([...VERSION_LISTINGS, '/nocloud/', ...walked.filter((entry) => entry.listing).flatMap(named)]);
        expect([...listed].filter((path) => !paths.has(path))).toEqual([]);
        expect([...paths].filter((path) => !listed.has(path))).toEqual([]);
      }),
      { numRuns: 25 },
    );
  });

  it('walks every version, latest included, in each tree', () => {
    const paths = walk(instanceMetadata()).map((entry) => entry.path);
    for (const version of [...OPENSTACK_VERSIONS, 'latest']) expect(paths).toContain(`/openstack/${version}/meta_data.json`);
    for (const version of [...EC2_VERSIONS, 'latest']) expect(paths).toContain(`/${version}/meta-data/instance-id`);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/latest/meta-data/public-keys/0/openssh-key',
        '/latest/dynamic/instance-identity/document',
        '/nocloud/meta-data',
      ]),
    );
  });

  it('walks only the versions offered on the day', () => {
    const paths = walk(instanceMetadata(), new Date('2016-07-01T00:00:00Z')).map((entry) => entry.path);
    expect(paths).toContain('/openstack/2016-06-30/meta_data.json');
    expect(paths).not.toContain('/openstack/2016-10-06/');
    expect(paths).toContain('/openstack/latest/network_data.json');
    expect(paths).not.toContain('/openstack/latest/vendor_data2.json');
  });

  it('walks no OpenStack version before the first is dated, as none is offered', () => {
    const openstack = walk(instanceMetadata(), new Date('2012-01-01T00:00:00Z')).filter((entry) => entry.family === 'openstack');
    expect(openstack.map((entry) => [entry.path, entry.rendered.body.toString()])).toEqual([['/openstack/', '']]);
  });
});

describe('metadataForConfigDrive', () => {
  const md = instanceMetadata();
  const files = new Map(metadataForConfigDrive(md, renderContext()));

  it("lays the trees out as Nova's config drive does, without listings or the password", () => {
    expect(files.get('openstack/latest/meta_data.json')?.toString()).toBe(text('/openstack/latest/meta_data.json', md));
    expect(JSON.parse(files.get('openstack/2012-08-10/meta_data.json')?.toString() ?? '')).toMatchObject({ uuid: md.uuid });
    expect(JSON.parse(files.get('openstack/latest/meta_data.json')?.toString() ?? '')).toMatchObject({ random_seed: FIXED_SEED });
    expect(files.get('openstack/latest/user_data')).toEqual(md.userData);
    expect(files.get('ec2/latest/user-data')).toEqual(md.userData);
    expect(JSON.parse(files.get('ec2/2009-04-04/meta-data.json')?.toString() ?? '')).toEqual(ec2MetaDataTree(md, '2009-04-04'));
    expect(JSON.parse(files.get('ec2/latest/meta-data.json')?.toString() ?? '')).toMatchObject({
      'public-keys': { '0': { 'openssh-key': md.publicKeys[0].data } },
    });
    expect([...files.keys()].filter((path) => path.endsWith('/password') || path.endsWith('/') || path.startsWith('/'))).toEqual([]);
    expect([...files.keys()].filter((path) => !/^(openstack|ec2)\//.test(path))).toEqual([]);
  });

  it('carries every file the service lists under each OpenStack version, but the password', () => {
    const served = walk(md)
      .filter((entry) => entry.family === 'openstack' && !entry.listing && !entry.path.endsWith('/password'))
      .map((entry) => [entry.path.slice(1), entry.rendered.body]);
    expect([...files].filter(([path]) => path.startsWith('openstack/'))).toEqual(served);
  });

  it('has no user data files for an instance without user data', () => {
    const paths = [...metadataForConfigDrive(instanceMetadata({ userData: undefined }), renderContext())].map(([path]) => path);
    expect(paths.filter((path) => /user[-_]data$/.test(path))).toEqual([]);
    expect(paths).toContain('ec2/latest/meta-data.json');
  });
});
