import { BEFORE_DYNAMIC_DATA, instanceMetadata, serve, text, WITH_DYNAMIC_DATA } from '../test-support/instance-metadata.fixture';
import { ec2MetaDataTree } from './ec2-tree';
import { EC2_VERSIONS, type Ec2Version } from './versions';

// The versions cloud-init's EC2 source probes, newest first, taking the first one answered.
const CLOUD_INIT_PROBES = ['2021-03-23', '2018-09-24', '2016-09-02'];

describe('/ (EC2 versions)', () => {
  it('lists every EC2 version AWS publishes, then latest, one a line, with no trailing newline, as AWS does', () => {
    const expected = [
      ...['1.0', '2007-01-19', '2007-03-01', '2007-08-29', '2007-10-10', '2007-12-15', '2008-02-01', '2008-09-01', '2009-04-04'],
      ...['2011-01-01', '2011-05-01', '2012-01-12', '2014-02-25', '2014-11-05', '2015-10-20', '2016-04-19', '2016-06-30', '2016-09-02'],
      ...['2018-03-28', '2018-08-17', '2018-09-24', '2019-10-01', '2020-10-27', '2021-01-03', '2021-03-23', '2021-07-15', '2022-07-09'],
      ...['2022-09-24', 'latest'],
    ].join('\n');
    for (const path of ['/', '', '/ec2', '/ec2/']) {
      expect(serve(path)).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.from(expected) });
    }
  });

  it.each(CLOUD_INIT_PROBES)('answers cloud-init’s probe of /%s/ with the tree', (version) => {
    expect(text(`/${version}/`)).toBe('dynamic/\nmeta-data/\nuser-data');
    expect(text(`/${version}/meta-data/instance-id`)).toBe('i-00000001');
  });

  it('answers Ignition’s /2019-10-01/user-data (the aws platform) with the user data', () => {
    const md = instanceMetadata();
    expect(serve('/2019-10-01/user-data', md)).toEqual({ status: 200, contentType: 'text/plain', body: md.userData });
  });
});

describe('/<version>/', () => {
  it.each(BEFORE_DYNAMIC_DATA)('%s lists meta-data/ and, when there is some, user-data', (version) => {
    for (const path of [`/${version}`, `/${version}/`, `/ec2/${version}/`]) {
      expect(serve(path)).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.from('meta-data/\nuser-data') });
      expect(text(path, instanceMetadata({ userData: undefined }))).toBe('meta-data/');
    }
  });

  it.each(WITH_DYNAMIC_DATA)('%s lists dynamic/, meta-data/ and, when there is some, user-data', (version) => {
    for (const path of [`/${version}`, `/${version}/`, `/ec2/${version}/`]) {
      expect(serve(path)).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.from('dynamic/\nmeta-data/\nuser-data') });
      expect(text(path, instanceMetadata({ userData: undefined }))).toBe('dynamic/\nmeta-data/');
    }
  });

  it('serves user-data byte for byte, and 404 when there is none', () => {
    const md = instanceMetadata();
    expect(serve('/2009-04-04/user-data', md)).toEqual({ status: 200, contentType: 'text/plain', body: md.userData });
    expect(serve('/latest/user-data/', md)).toEqual(serve('/2009-04-04/user-data', md));
    expect(serve('/1.0/user-data', instanceMetadata({ userData: undefined }))).toEqual({
      status: 404,
      reason: 'the instance has no user data',
    });
  });

  it.each([
    ['/2008-09-01/dynamic/instance-identity/document', 'no dynamic/instance-identity/document in EC2 metadata version 2008-09-01'],
    ['/latest/user-data/more', 'no user-data/more in EC2 metadata version latest (2022-09-24)'],
    ['/2022-09-24/user-data/more', 'no user-data/more in EC2 metadata version 2022-09-24'],
    ['/latest/api/token', 'no api/token in EC2 metadata version latest (2022-09-24)'],
  ])('%s is not found', (path, reason) => {
    expect(serve(path)).toEqual({ status: 404, reason });
  });
});

describe('/<version>/meta-data/', () => {
  const always = [
    'ami-id',
    'ami-launch-index',
    'ami-manifest-path',
    'hostname',
    'instance-id',
    'local-ipv4',
    'mac',
    'network/',
    'public-keys/',
    'reservation-id',
    'security-groups',
  ];
  const added: [Ec2Version, string[]][] = [
    ['1.0', []],
    ['2007-01-19', ['local-hostname', 'public-hostname', 'public-ipv4']],
    ['2007-03-01', []],
    ['2007-08-29', ['instance-type']],
    ['2007-10-10', []],
    ['2007-12-15', ['block-device-mapping/']],
    ['2008-02-01', ['placement/']],
    ['2008-09-01', ['instance-action']],
    ['2009-04-04', []],
    // AWS's later categories (iam/, services/, spot/, events/, ...) have nothing behind them here.
    ...EC2_VERSIONS.slice(EC2_VERSIONS.indexOf('2009-04-04') + 1).map((version): [Ec2Version, string[]] => [version, []]),
  ];

  it.each(added.map(([version], index) => [version, added.slice(0, index + 1).flatMap(([, keys]) => keys)] as const))(
    '%s lists the keys of 1.0 plus %j, sorted',
    (version, extra) => {
      const expected = [...always, ...extra].sort((a, b) => (a.replace(/\/$/, '') < b.replace(/\/$/, '') ? -1 : 1));
      expect(text(`/${version}/meta-data/`).split('\n')).toEqual(expected);
    },
  );

  it('lists exactly what Nova lists for 2009-04-04, in sorted order, dirs with a slash, no trailing newline', () => {
    expect(serve('/latest/meta-data')).toEqual({
      status: 200,
      contentType: 'text/plain',
      body: Buffer.from(
        [
          'ami-id',
          'ami-launch-index',
          'ami-manifest-path',
          'block-device-mapping/',
          'hostname',
          'instance-action',
          'instance-id',
          'instance-type',
          'local-hostname',
          'local-ipv4',
          'mac',
          'network/',
          'placement/',
          'public-hostname',
          'public-ipv4',
          'public-keys/',
          'reservation-id',
          'security-groups',
        ].join('\n'),
      ),
    });
  });

  it.each<[string, string]>([
    ['ami-id', 'ami-00000001'],
    ['ami-launch-index', '0'],
    ['ami-manifest-path', 'FIXME'],
    ['instance-id', 'i-00000001'],
    ['hostname', 'web-1'],
    ['local-hostname', 'web-1'],
    ['public-hostname', 'web-1'],
    ['local-ipv4', '10.1.0.5'],
    ['public-ipv4', ''],
    ['reservation-id', 'r-00000001'],
    ['security-groups', 'default'],
    ['instance-type', 'baremetal'],
    ['instance-action', 'none'],
    ['mac', '52:54:00:aa:bb:01'],
    ['placement', 'availability-zone\nregion'],
    ['placement/availability-zone', 'rack-a'],
    ['placement/region', 'region-1'],
    ['block-device-mapping', 'ami\nroot'],
    ['block-device-mapping/root', '/dev/sda'],
    ['public-keys', '0=ops'],
    ['public-keys/0', 'openssh-key'],
    ['public-keys/0/openssh-key', 'ssh-ed25519 AAAAC3Nza ops@example'],
    ['network', 'interfaces/'],
    ['network/interfaces', 'macs/'],
    ['network/interfaces/macs', '52:54:00:aa:bb:01/'],
    ['network/interfaces/macs/52:54:00:aa:bb:01', 'device-number\nlocal-hostname\nlocal-ipv4s\nmac\nsubnet-ipv4-cidr-block'],
    ['network/interfaces/macs/52:54:00:aa:bb:01/device-number', '0'],
    ['network/interfaces/macs/52:54:00:aa:bb:01/local-ipv4s', '10.1.0.5'],
    ['network/interfaces/macs/52:54:00:aa:bb:01/mac', '52:54:00:aa:bb:01'],
    ['network/interfaces/macs/52:54:00:aa:bb:01/local-hostname', 'web-1'],
    ['network/interfaces/macs/52:54:00:aa:bb:01/subnet-ipv4-cidr-block', '10.1.0.0/24'],
  ])('meta-data/%s is %j, with or without a trailing slash, as text/plain', (key, expected) => {
    for (const path of [`/latest/meta-data/${key}`, `/latest/meta-data/${key}/`, `/2009-04-04/meta-data/${key}`]) {
      expect(serve(path)).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.from(expected) });
    }
  });

  it('serves list values one a line', () => {
    const md = instanceMetadata({
      ec2: {
        securityGroups: ['default', 'web'],
        interfaces: [{ mac: '52:54:00:aa:bb:01', deviceNumber: 0, localIpv4s: ['10.1.0.5', '10.1.0.6'] }],
      },
    });
    expect(text('/latest/meta-data/security-groups', md)).toBe('default\nweb');
    expect(text('/latest/meta-data/network/interfaces/macs/52:54:00:aa:bb:01/local-ipv4s', md)).toBe('10.1.0.5\n10.1.0.6');
  });

  it('lists every NIC under macs/, and names only the primary one', () => {
    const md = instanceMetadata({
      ec2: {
        interfaces: [
          { mac: '52:54:00:aa:bb:02', deviceNumber: 1, localIpv4s: ['10.2.0.5'] },
          { mac: '52:54:00:aa:bb:01', deviceNumber: 0, localIpv4s: ['10.1.0.5'], subnetIpv4CidrBlock: '10.1.0.0/24' },
        ],
      },
    });
    expect(text('/latest/meta-data/network/interfaces/macs/', md)).toBe('52:54:00:aa:bb:01/\n52:54:00:aa:bb:02/');
    expect(text('/latest/meta-data/network/interfaces/macs/52:54:00:aa:bb:02/', md)).toBe('device-number\nlocal-ipv4s\nmac');
    expect(text('/latest/meta-data/network/interfaces/macs/52:54:00:aa:bb:02/device-number', md)).toBe('1');
  });

  it('leaves out mac and network/ when no NIC is known', () => {
    const md = instanceMetadata({ ec2: { mac: undefined, interfaces: [] } });
    const listing = text('/latest/meta-data/', md).split('\n');
    expect(listing).not.toContain('mac');
    expect(listing).not.toContain('network/');
    expect(serve('/latest/meta-data/network/', md)).toEqual({ status: 404, reason: 'no network in meta-data/' });
  });

  it('lists public keys as index=name, each a directory holding openssh-key', () => {
    const md = instanceMetadata({
      publicKeys: [
        { name: 'ops', type: 'ssh', data: 'ssh-ed25519 AAAA ops' },
        { name: 'ci', type: 'ssh', data: 'ssh-rsa BBBB ci' },
      ],
    });
    expect(text('/latest/meta-data/public-keys/', md)).toBe('0=ops\n1=ci');
    expect(text('/latest/meta-data/public-keys/1/', md)).toBe('openssh-key');
    expect(text('/latest/meta-data/public-keys/1/openssh-key', md)).toBe('ssh-rsa BBBB ci');
    expect(serve('/latest/meta-data/public-keys/2/openssh-key', md)).toEqual({ status: 404, reason: 'no 2 in meta-data/public-keys/' });
  });

  it('has no public-keys/ when the instance has no key, as Nova', () => {
    const md = instanceMetadata({ publicKeys: [] });
    expect(text('/latest/meta-data/', md).split('\n')).not.toContain('public-keys/');
    expect(serve('/latest/meta-data/public-keys', md)).toEqual({ status: 404, reason: 'no public-keys in meta-data/' });
  });

  it('serves kernel-id and ramdisk-id from 2007-12-15, only when set', () => {
    const md = instanceMetadata({ ec2: { kernelId: 'aki-00000001', ramdiskId: 'ari-00000001' } });
    expect(text('/2007-12-15/meta-data/kernel-id', md)).toBe('aki-00000001');
    expect(text('/latest/meta-data/ramdisk-id', md)).toBe('ari-00000001');
    expect(serve('/2007-10-10/meta-data/kernel-id', md).status).toBe(404);
    expect(serve('/latest/meta-data/kernel-id').status).toBe(404);
    expect(text('/latest/meta-data/', md).split('\n')).toEqual(expect.arrayContaining(['kernel-id', 'ramdisk-id']));
  });

  it('serves public-ipv4 and local-ipv4 empty, as Nova does, when there is no address', () => {
    const md = instanceMetadata({ ec2: { localIpv4: undefined, publicIpv4: undefined } });
    expect(serve('/latest/meta-data/local-ipv4', md)).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.alloc(0) });
    expect(text('/latest/meta-data/public-ipv4', instanceMetadata({ ec2: { publicIpv4: '203.0.113.7' } }))).toBe('203.0.113.7');
  });

  it.each([
    ['/latest/meta-data/nope', 'no nope in meta-data/'],
    ['/latest/meta-data/placement/availability-zone-id', 'no availability-zone-id in meta-data/placement/'],
    ['/latest/meta-data/instance-id/more', 'meta-data/instance-id is a file, not a directory'],
    ['/latest/meta-data/security-groups/default', 'meta-data/security-groups is a file, not a directory'],
    ['/latest/meta-data/public-keys/0/openssh-key/x', 'meta-data/public-keys/0/openssh-key is a file, not a directory'],
    ['/latest/meta-data/constructor', 'no constructor in meta-data/'],
    ['/latest/meta-data/__proto__', 'no __proto__ in meta-data/'],
    ['/latest/meta-data/placement/hasOwnProperty', 'no hasOwnProperty in meta-data/placement/'],
    ['/1.0/meta-data/placement/availability-zone', 'no placement in meta-data/'],
    ['/2008-02-01/meta-data/instance-action', 'no instance-action in meta-data/'],
  ])('%s is not found: %s', (path, reason) => {
    expect(serve(path)).toEqual({ status: 404, reason });
  });
});

describe('ec2MetaDataTree', () => {
  it('is the config drive’s meta-data.json shape: nested objects, public keys by index', () => {
    expect(ec2MetaDataTree(instanceMetadata(), '2009-04-04')).toEqual({
      'ami-id': 'ami-00000001',
      'ami-launch-index': '0',
      'ami-manifest-path': 'FIXME',
      'instance-id': 'i-00000001',
      hostname: 'web-1',
      'local-ipv4': '10.1.0.5',
      'reservation-id': 'r-00000001',
      'security-groups': ['default'],
      'public-keys': { '0': { 'openssh-key': 'ssh-ed25519 AAAAC3Nza ops@example' } },
      'local-hostname': 'web-1',
      'public-hostname': 'web-1',
      'public-ipv4': '',
      'instance-type': 'baremetal',
      'block-device-mapping': { ami: 'sda', root: '/dev/sda' },
      placement: { 'availability-zone': 'rack-a', region: 'region-1' },
      'instance-action': 'none',
      mac: '52:54:00:aa:bb:01',
      network: {
        interfaces: {
          macs: {
            '52:54:00:aa:bb:01': {
              'device-number': '0',
              'local-ipv4s': ['10.1.0.5'],
              mac: '52:54:00:aa:bb:01',
              'local-hostname': 'web-1',
              'subnet-ipv4-cidr-block': '10.1.0.0/24',
            },
          },
        },
      },
    });
  });

  it('keeps a block device named __proto__ as a plain entry', () => {
    const blockDeviceMapping = JSON.parse('{"__proto__": "/dev/sdz", "ami": "sda"}') as Record<string, string>;
    const tree = ec2MetaDataTree(instanceMetadata({ ec2: { blockDeviceMapping } }), '2009-04-04');
    expect(Object.keys(tree['block-device-mapping'] as object)).toEqual(['__proto__', 'ami']);
    expect(text('/latest/meta-data/block-device-mapping/__proto__', instanceMetadata({ ec2: { blockDeviceMapping } }))).toBe('/dev/sdz');
  });
});
