import {
  EC2_DYNAMIC_DATA,
  EC2_VERSIONS,
  ec2VersionAtLeast,
  OPENSTACK_VERSIONS,
  offeredOpenStackVersions,
  openStackVersionAtLeast,
  resolveEc2Version,
  resolveOpenStackVersion,
} from './versions';

describe('offeredOpenStackVersions', () => {
  it.each([
    ['2012-08-09T23:59:59Z', []],
    ['2012-08-10T00:00:00Z', ['2012-08-10']],
    ['2016-10-05T12:00:00Z', ['2012-08-10', '2013-04-04', '2013-10-17', '2015-10-15', '2016-06-30']],
    ['2025-04-03T23:59:59Z', OPENSTACK_VERSIONS.slice(0, -1)],
    ['2025-04-04T00:00:00Z', [...OPENSTACK_VERSIONS]],
    ['2031-01-01T00:00:00Z', [...OPENSTACK_VERSIONS]],
  ])('at %s offers %j', (now, expected) => {
    expect(offeredOpenStackVersions(new Date(now))).toEqual(expected);
  });

  it('counts the day in UTC, whatever offset the date was written with', () => {
    // 2025-04-04 01:00 in UTC+02:00 is still 2025-04-03 in UTC.
    expect(offeredOpenStackVersions(new Date('2025-04-04T01:00:00+02:00'))).not.toContain('2025-04-04');
  });
});

describe('resolveOpenStackVersion', () => {
  it('resolves latest to the newest version offered at that moment', () => {
    expect(resolveOpenStackVersion('latest', new Date('2025-04-04T00:00:00Z'))).toBe('2025-04-04');
    expect(resolveOpenStackVersion('latest', new Date('2019-01-01T00:00:00Z'))).toBe('2018-08-27');
  });

  it.each([
    ['2025-04-04', '2024-12-31T00:00:00Z'],
    ['2012-08-10', '2012-08-01T00:00:00Z'],
    ['2014-01-01', '2025-06-01T00:00:00Z'],
    ['Latest', '2025-06-01T00:00:00Z'],
  ])('does not offer %s at %s', (version, now) => {
    expect(resolveOpenStackVersion(version, new Date(now))).toBeUndefined();
  });
});

describe('resolveEc2Version', () => {
  it('resolves latest to the newest version AWS publishes, 2022-09-24, and knows every listed version', () => {
    expect(resolveEc2Version('latest')).toBe('2022-09-24');
    for (const version of EC2_VERSIONS) expect(resolveEc2Version(version)).toBe(version);
  });

  it('keeps the versions in release order', () => {
    expect([...EC2_VERSIONS].slice(1)).toEqual([...EC2_VERSIONS].slice(1).sort());
  });

  it.each(['2023-01-01', '2020-08-24', '2.0', 'Latest', ''])('does not offer %j', (version) => {
    expect(resolveEc2Version(version)).toBeUndefined();
  });
});

describe('openStackVersionAtLeast', () => {
  it('orders by release, inclusively', () => {
    expect(openStackVersionAtLeast('2013-04-04', '2013-04-04')).toBe(true);
    expect(openStackVersionAtLeast('2025-04-04', '2012-08-10')).toBe(true);
    expect(openStackVersionAtLeast('2012-08-10', '2013-04-04')).toBe(false);
  });
});

describe('ec2VersionAtLeast', () => {
  it('orders by release, inclusively, across Nova’s versions and the later ones AWS publishes', () => {
    expect(ec2VersionAtLeast('2009-04-04', EC2_DYNAMIC_DATA)).toBe(true);
    expect(ec2VersionAtLeast('2022-09-24', EC2_DYNAMIC_DATA)).toBe(true);
    expect(ec2VersionAtLeast('2008-09-01', EC2_DYNAMIC_DATA)).toBe(false);
    expect(ec2VersionAtLeast('2011-01-01', '1.0')).toBe(true);
    expect(ec2VersionAtLeast('1.0', '2011-01-01')).toBe(false);
  });
});
