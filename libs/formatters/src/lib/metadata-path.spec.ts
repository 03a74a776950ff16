import { parseMetadataPath, type MetadataPath } from './metadata-path';

const now = new Date('2025-06-01T12:00:00Z');
const parse = (path: string) => parseMetadataPath(path, { now });

describe('parseMetadataPath', () => {
  it.each<[string, MetadataPath]>([
    ['/', { tree: 'ec2-root' }],
    ['', { tree: 'ec2-root' }],
    ['//', { tree: 'ec2-root' }],
    ['/foo/../', { tree: 'ec2-root' }],
    ['/ec2', { tree: 'ec2-root' }],
    ['/ec2/', { tree: 'ec2-root' }],
    ['/openstack', { tree: 'openstack-root' }],
    ['/openstack/', { tree: 'openstack-root' }],
    ['/openstack/latest', { tree: 'openstack', version: '2025-04-04', requestedVersion: 'latest', segments: [] }],
    ['/openstack/2012-08-10/', { tree: 'openstack', version: '2012-08-10', requestedVersion: '2012-08-10', segments: [] }],
    [
      '/openstack/2018-08-27/meta_data.json',
      { tree: 'openstack', version: '2018-08-27', requestedVersion: '2018-08-27', segments: ['meta_data.json'] },
    ],
    [
      '/openstack/latest/meta_data.json/',
      { tree: 'openstack', version: '2025-04-04', requestedVersion: 'latest', segments: ['meta_data.json'] },
    ],
    ['/latest', { tree: 'ec2', version: '2022-09-24', requestedVersion: 'latest', segments: [] }],
    ['/2021-03-23/', { tree: 'ec2', version: '2021-03-23', requestedVersion: '2021-03-23', segments: [] }],
    ['/1.0/', { tree: 'ec2', version: '1.0', requestedVersion: '1.0', segments: [] }],
    [
      '/latest/meta-data/public-keys/0/openssh-key',
      { tree: 'ec2', version: '2022-09-24', requestedVersion: 'latest', segments: ['meta-data', 'public-keys', '0', 'openssh-key'] },
    ],
    ['/ec2/2009-04-04/meta-data/', { tree: 'ec2', version: '2009-04-04', requestedVersion: '2009-04-04', segments: ['meta-data'] }],
    [
      '/2009-04-04//meta-data/./placement/../instance-id/',
      { tree: 'ec2', version: '2009-04-04', requestedVersion: '2009-04-04', segments: ['meta-data', 'instance-id'] },
    ],
    [
      '/latest/meta-data/network/interfaces/macs/52%3A54%3A00%3Aaa%3Abb%3A01/mac',
      {
        tree: 'ec2',
        version: '2022-09-24',
        requestedVersion: 'latest',
        segments: ['meta-data', 'network', 'interfaces', 'macs', '52:54:00:aa:bb:01', 'mac'],
      },
    ],
    // Perl's VM::EC2 asks this; Nova resolves it to the user data.
    ['/latest/meta-data/../user-data', { tree: 'ec2', version: '2022-09-24', requestedVersion: 'latest', segments: ['user-data'] }],
    ['/latest/meta-data/%2e%2e/user-data', { tree: 'ec2', version: '2022-09-24', requestedVersion: 'latest', segments: ['user-data'] }],
    [
      '/openstack/latest/../latest/./meta_data.json',
      { tree: 'openstack', version: '2025-04-04', requestedVersion: 'latest', segments: ['meta_data.json'] },
    ],
    ['/openstack/..', { tree: 'ec2-root' }],
  ])('%j', (path, expected) => {
    expect(parse(path)).toEqual(expected);
  });

  it.each([
    ['/2020-08-24/', 'EC2 metadata version "2020-08-24" is not offered'],
    ['/2023-01-01/meta-data/instance-id', 'EC2 metadata version "2023-01-01" is not offered'],
    ['/../../openstack/../openstack', '"/../../openstack/../openstack" climbs above the root with ".."'],
    ['/..', '"/.." climbs above the root with ".."'],
    ['/latest/../../latest/user-data', '"/latest/../../latest/user-data" climbs above the root with ".."'],
    ['/%2e%2e/latest', '"/%2e%2e/latest" climbs above the root with ".."'],
    ['/9999-99-99', 'EC2 metadata version "9999-99-99" is not offered'],
    ['/meta-data/instance-id', 'EC2 metadata version "meta-data" is not offered'],
    ['/ec2/openstack', 'EC2 metadata version "openstack" is not offered'],
    ['/openstack/2014-01-01/meta_data.json', 'OpenStack metadata version "2014-01-01" is not offered'],
    ['/openstack/content/0000', 'OpenStack metadata version "content" is not offered'],
    ['/openstack/LATEST', 'OpenStack metadata version "LATEST" is not offered'],
    ['/latest/meta-data/%E0%A4%A', 'malformed percent-encoding in "/latest/meta-data/%E0%A4%A"'],
  ])('%s is not found: %s', (path, reason) => {
    expect(parse(path)).toEqual({ status: 404, reason });
  });

  it('does not offer an OpenStack version dated after now, and resolves latest to the newest offered', () => {
    const before = new Date('2025-04-03T23:59:59Z');
    expect(parseMetadataPath('/openstack/2025-04-04/', { now: before })).toEqual({
      status: 404,
      reason: 'OpenStack metadata version "2025-04-04" is not offered',
    });
    expect(parseMetadataPath('/openstack/latest', { now: before })).toMatchObject({ version: '2020-10-14' });
    expect(parseMetadataPath('/openstack/2025-04-04/', { now: new Date('2025-04-04T00:00:00Z') })).toMatchObject({
      version: '2025-04-04',
    });
  });
});
