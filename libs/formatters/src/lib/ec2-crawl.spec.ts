import { crawlEc2 } from '../test-support/ec2-crawler';
import { instanceMetadata, serve, WITH_DYNAMIC_DATA } from '../test-support/instance-metadata.fixture';

// What cloud-init's `ec2.get_instance_metadata()` must reconstruct from this service, crawling the
// listings as it does. Leaves come back as text; a multi-line leaf as a list; public keys by name.
describe('an EC2 crawl done the way cloud-init crawls', () => {
  const md = instanceMetadata({
    publicKeys: [
      { name: 'ops', type: 'ssh', data: 'ssh-ed25519 AAAA ops' },
      { name: 'ci', type: 'ssh', data: 'ssh-rsa BBBB ci' },
    ],
    ec2: {
      securityGroups: ['default', 'web'],
      kernelId: 'aki-00000001',
      interfaces: [
        { mac: '52:54:00:aa:bb:01', deviceNumber: 0, localIpv4s: ['10.1.0.5', '10.1.0.6'], subnetIpv4CidrBlock: '10.1.0.0/24' },
        { mac: '52:54:00:aa:bb:02', deviceNumber: 1, localIpv4s: ['10.2.0.5'] },
      ],
    },
  });
  const fetch = (path: string) => serve(path, md);

  it('reconstructs the whole tree from /latest/meta-data/', () => {
    expect(crawlEc2(fetch, '/latest/meta-data/')).toEqual({
      'ami-id': 'ami-00000001',
      'ami-launch-index': '0',
      'ami-manifest-path': 'FIXME',
      'block-device-mapping': { ami: 'sda', root: '/dev/sda' },
      hostname: 'web-1',
      'instance-action': 'none',
      'instance-id': 'i-00000001',
      'instance-type': 'baremetal',
      'kernel-id': 'aki-00000001',
      'local-hostname': 'web-1',
      'local-ipv4': '10.1.0.5',
      mac: '52:54:00:aa:bb:01',
      network: {
        interfaces: {
          macs: {
            '52:54:00:aa:bb:01': {
              'device-number': '0',
              'local-hostname': 'web-1',
              'local-ipv4s': ['10.1.0.5', '10.1.0.6'],
              mac: '52:54:00:aa:bb:01',
              'subnet-ipv4-cidr-block': '10.1.0.0/24',
            },
            '52:54:00:aa:bb:02': { 'device-number': '1', 'local-ipv4s': '10.2.0.5', mac: '52:54:00:aa:bb:02' },
          },
        },
      },
      placement: { 'availability-zone': 'rack-a', region: 'region-1' },
      'public-hostname': 'web-1',
      'public-ipv4': '',
      'public-keys': { ops: 'ssh-ed25519 AAAA ops', ci: 'ssh-rsa BBBB ci' },
      'reservation-id': 'r-00000001',
      'security-groups': ['default', 'web'],
    });
  });

  it('reconstructs the smaller 1.0 tree', () => {
    expect(Object.keys(crawlEc2(fetch, '/1.0/meta-data/')).sort()).toEqual([
      'ami-id',
      'ami-launch-index',
      'ami-manifest-path',
      'hostname',
      'instance-id',
      'local-ipv4',
      'mac',
      'network',
      'public-keys',
      'reservation-id',
      'security-groups',
    ]);
  });

  it('finds every version listed at / crawlable, from its root: every entry a listing names is served', () => {
    const versions = serve('/', md);
    if (versions.status !== 200) throw new Error(versions.reason);
    for (const version of versions.body.toString().split('\n')) {
      const root = crawlEc2(fetch, `/${version}/`);
      expect(root).toHaveProperty(['meta-data', 'instance-id'], 'i-00000001');
      expect(root).toHaveProperty('user-data');
      if (WITH_DYNAMIC_DATA.includes(version))
        expect(root).toHaveProperty(['dynamic', 'instance-identity', 'document', 'instanceId'], 'i-00000001');
    }
  });

  it('reads the identity document from dynamic/ as cloud-init’s get_instance_identity does, parsed as JSON', () => {
    expect(crawlEc2(fetch, '/latest/dynamic/instance-identity/')).toEqual({
      document: expect.objectContaining({ instanceId: 'i-00000001', privateIp: '10.1.0.5', region: 'region-1', version: '2017-09-30' }),
    });
  });
});
