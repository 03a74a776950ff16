import { FIXED_SEED, TODAY, instanceMetadata, json, renderContext, serve, text } from '../test-support/instance-metadata.fixture';
import { openStackMetaData } from './openstack-metadata';
import { OPENSTACK_VERSIONS, type OpenStackVersion } from './versions';

describe('/openstack', () => {
  it.each([
    // Before the first version there is nothing to offer, so latest would name nothing either.
    ['2012-08-09T23:59:59Z', ''],
    ['2012-08-10T00:00:00Z', '2012-08-10\nlatest'],
    ['2016-06-30T08:00:00Z', '2012-08-10\n2013-04-04\n2013-10-17\n2015-10-15\n2016-06-30\nlatest'],
    ['2025-04-03T23:59:59Z', [...OPENSTACK_VERSIONS.slice(0, -1), 'latest'].join('\n')],
    ['2025-04-04T00:00:00Z', [...OPENSTACK_VERSIONS, 'latest'].join('\n')],
  ])('at %s lists the versions dated that day or before, then latest, with no trailing newline', (now, expected) => {
    for (const path of ['/openstack', '/openstack/']) {
      expect(serve(path, undefined, renderContext(new Date(now)))).toEqual({
        status: 200,
        contentType: 'text/plain',
        body: Buffer.from(expected),
      });
    }
  });
});

describe('/openstack/<version>', () => {
  const withUserData = instanceMetadata();
  const withoutUserData = instanceMetadata({ userData: undefined });

  it.each<[OpenStackVersion, string[]]>([
    ['2012-08-10', ['meta_data.json', 'user_data']],
    ['2013-04-04', ['meta_data.json', 'user_data', 'password']],
    ['2013-10-17', ['meta_data.json', 'user_data', 'password', 'vendor_data.json']],
    ['2015-10-15', ['meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json']],
    ['2016-06-30', ['meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json']],
    ['2016-10-06', ['meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json', 'vendor_data2.json']],
    ['2017-02-22', ['meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json', 'vendor_data2.json']],
    ['2025-04-04', ['meta_data.json', 'user_data', 'password', 'vendor_data.json', 'network_data.json', 'vendor_data2.json']],
  ])('%s lists %j in that order, user_data only when there is some', (version, files) => {
    for (const path of [`/openstack/${version}`, `/openstack/${version}/`]) {
      expect(serve(path, withUserData)).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.from(files.join('\n')) });
      expect(text(path, withoutUserData)).toBe(files.filter((file) => file !== 'user_data').join('\n'));
    }
  });

  it('serves every listed file, with or without a trailing slash, and latest like the newest version', () => {
    for (const version of [...OPENSTACK_VERSIONS, 'latest']) {
      for (const file of text(`/openstack/${version}`).split('\n')) {
        const plain = serve(`/openstack/${version}/${file}`);
        expect(plain.status).toBe(200);
        expect(serve(`/openstack/${version}/${file}/`)).toEqual(plain);
      }
    }
    expect(text('/openstack/latest')).toBe(text('/openstack/2025-04-04'));
    expect(text('/openstack/latest/meta_data.json')).toBe(text('/openstack/2025-04-04/meta_data.json'));
  });

  it.each([
    ['/openstack/latest/nope.json', 'no nope.json in OpenStack metadata version latest (2025-04-04)'],
    ['/openstack/2025-04-04/nope.json', 'no nope.json in OpenStack metadata version 2025-04-04'],
    ['/openstack/latest/meta_data.json/uuid', 'no meta_data.json/uuid in OpenStack metadata version latest (2025-04-04)'],
    ['/openstack/latest/content/0000', 'no content/0000 in OpenStack metadata version latest (2025-04-04)'],
    ['/openstack/2012-08-10/password', 'no password in OpenStack metadata version 2012-08-10'],
    ['/openstack/2013-04-04/vendor_data.json', 'no vendor_data.json in OpenStack metadata version 2013-04-04'],
    ['/openstack/2013-10-17/network_data.json', 'no network_data.json in OpenStack metadata version 2013-10-17'],
    ['/openstack/2016-06-30/vendor_data2.json', 'no vendor_data2.json in OpenStack metadata version 2016-06-30'],
  ])('%s is not found', (path, reason) => {
    expect(serve(path)).toEqual({ status: 404, reason });
  });

  it('has no user_data when the instance has none', () => {
    expect(serve('/openstack/latest/user_data', instanceMetadata({ userData: undefined }))).toEqual({
      status: 404,
      reason: 'no user_data in OpenStack metadata version latest (2025-04-04)',
    });
  });

  it('serves empty user data as an empty file: present is not absent', () => {
    expect(serve('/openstack/latest/user_data', instanceMetadata({ userData: Buffer.alloc(0) }))).toEqual({
      status: 200,
      contentType: 'text/plain',
      body: Buffer.alloc(0),
    });
  });
});

describe('meta_data.json', () => {
  const keysAt: [OpenStackVersion, string[]][] = [
    ['2012-08-10', ['uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name', 'launch_index', 'availability_zone']],
    ['2013-04-04', ['uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name', 'launch_index', 'availability_zone', 'random_seed']],
    ['2013-10-17', ['uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name', 'launch_index', 'availability_zone', 'random_seed']],
    [
      '2015-10-15',
      ['uuid', 'meta', 'public_keys', 'keys', 'hostname', 'name', 'launch_index', 'availability_zone', 'random_seed', 'project_id'],
    ],
    [
      '2016-06-30',
      [
        'uuid',
        'meta',
        'public_keys',
        'keys',
        'hostname',
        'name',
        'launch_index',
        'availability_zone',
        'random_seed',
        'project_id',
        'devices',
      ],
    ],
    [
      '2018-08-27',
      [
        'uuid',
        'meta',
        'public_keys',
        'keys',
        'hostname',
        'name',
        'launch_index',
        'availability_zone',
        'random_seed',
        'project_id',
        'devices',
      ],
    ],
    [
      '2020-10-14',
      [
        'uuid',
        'meta',
        'public_keys',
        'keys',
        'hostname',
        'name',
        'launch_index',
        'availability_zone',
        'random_seed',
        'project_id',
        'devices',
        'dedicated_cpus',
      ],
    ],
  ];

  it.each(keysAt)('%s has exactly Nova’s keys, in Nova’s order', (version, keys) => {
    expect(Object.keys(json(`/openstack/${version}/meta_data.json`) as object)).toEqual(keys);
  });

  it('is application/json, with the values of the instance', () => {
    const rendered = serve('/openstack/latest/meta_data.json');
    expect(rendered).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(json('/openstack/latest/meta_data.json')).toEqual({
      uuid: '8f1f4e0c-2b1e-4c55-9a55-7d0c8f6a3b21',
      meta: { role: 'web' },
      public_keys: { ops: 'ssh-ed25519 AAAAC3Nza ops@example' },
      keys: [{ name: 'ops', type: 'ssh', data: 'ssh-ed25519 AAAAC3Nza ops@example' }],
      hostname: 'web-1',
      name: 'web-1',
      launch_index: 0,
      availability_zone: 'rack-a',
      random_seed: FIXED_SEED,
      project_id: 'a1b2c3',
      devices: [],
      dedicated_cpus: [],
    });
  });

  it('takes random_seed from the context, so the caller owns the entropy', () => {
    const seed = Buffer.alloc(512, 1).toString('base64');
    const body = json('/openstack/2013-04-04/meta_data.json', undefined, { now: TODAY, randomSeed: seed }) as Record<string, unknown>;
    expect(body['random_seed']).toBe(seed);
    expect(Buffer.from(body['random_seed'] as string, 'base64')).toHaveLength(512);
  });

  it('leaves out meta, public_keys and keys when the instance has none, as Nova does', () => {
    const body = json('/openstack/latest/meta_data.json', instanceMetadata({ meta: {}, publicKeys: [] })) as object;
    expect(body).not.toHaveProperty('meta');
    expect(body).not.toHaveProperty('public_keys');
    expect(body).not.toHaveProperty('keys');
  });

  it('lists every key in keys and maps names to keys in public_keys', () => {
    const publicKeys = [
      { name: 'ops', type: 'ssh', data: 'ssh-ed25519 AAAA ops' },
      { name: 'ci', type: 'x509', data: '-----BEGIN CERTIFICATE-----' },
    ];
    expect(json('/openstack/2012-08-10/meta_data.json', instanceMetadata({ publicKeys }))).toMatchObject({
      public_keys: { ops: 'ssh-ed25519 AAAA ops', ci: '-----BEGIN CERTIFICATE-----' },
      keys: publicKeys,
    });
  });

  it('leaves out project_id when it is not known', () => {
    expect(json('/openstack/latest/meta_data.json', instanceMetadata({ projectId: undefined }))).not.toHaveProperty('project_id');
  });

  it('passes the config drive’s other keys through, after meta, as Nova places its extra metadata', () => {
    const md = instanceMetadata({ extraMetaData: { admin_pass: 's3cret', launch_config: { a: [1, 2] } } });
    const body = json('/openstack/2012-08-10/meta_data.json', md) as Record<string, unknown>;
    expect(Object.keys(body).slice(0, 4)).toEqual(['uuid', 'meta', 'admin_pass', 'launch_config']);
    expect(body).toMatchObject({ admin_pass: 's3cret', launch_config: { a: [1, 2] } });
  });

  it('never lets a passed-through key replace a computed one, nor appear in a version before its own', () => {
    const md = instanceMetadata({
      extraMetaData: {
        uuid: 'from-drive',
        hostname: 'from-drive',
        random_seed: 'c3RhbGU=',
        project_id: 'from-drive',
        devices: [{ type: 'nic' }],
        dedicated_cpus: [1],
      },
    });
    const folsom = json('/openstack/2012-08-10/meta_data.json', md) as Record<string, unknown>;
    expect(folsom).toMatchObject({ uuid: md.uuid, hostname: 'web-1' });
    for (const key of ['random_seed', 'project_id', 'devices', 'dedicated_cpus']) expect(folsom).not.toHaveProperty(key);
    expect(json('/openstack/latest/meta_data.json', md)).toMatchObject({
      random_seed: FIXED_SEED,
      project_id: 'a1b2c3',
      devices: [],
      dedicated_cpus: [],
    });
  });

  it('drops files and network_config: they point at /openstack/content files we cannot serve, and cloud-init gives up on a failed one', () => {
    const md = instanceMetadata({
      extraMetaData: {
        files: [{ path: '/etc/motd', content_path: '/content/0000' }],
        network_config: { name: 'network_config', content_path: '/content/0001' },
      },
    });
    const body = json('/openstack/latest/meta_data.json', md);
    expect(body).not.toHaveProperty('files');
    expect(body).not.toHaveProperty('network_config');
  });

  it('keeps a __proto__ key from the drive as a plain key', () => {
    const extraMetaData = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const metaData = openStackMetaData(instanceMetadata({ extraMetaData }), '2025-04-04', renderContext());
    expect(Object.getPrototypeOf(metaData)).toBe(Object.prototype);
    expect((metaData as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(text('/openstack/latest/meta_data.json', instanceMetadata({ extraMetaData }))).toContain('"__proto__":{"polluted":true}');
  });

  describe('devices', () => {
    const nic = { type: 'nic', bus: 'pci', address: '0000:00:01.0', mac: '52:54:00:aa:bb:01', tags: ['foo'] };
    const vlanNic = { type: 'nic', bus: 'pci', address: '0000:80:01.0', mac: 'e3:a0:d0:12:c5:10', vlan: 1000, vf_trusted: false };
    const trustedNic = { type: 'nic', bus: 'pci', address: '0000:00:02.0', mac: '00:11:22:33:44:55', vf_trusted: true };
    const disk = { type: 'disk', bus: 'scsi', address: '0:0:0:0', serial: 'disk-1', path: '/dev/sda', tags: ['baz'] };
    const md = instanceMetadata({ devices: [nic, vlanNic, trustedNic, disk] });
    const devicesAt = (version: OpenStackVersion) => (json(`/openstack/${version}/meta_data.json`, md) as { devices: unknown[] }).devices;

    it('hides vlan before Ocata, vf_trusted before Rocky, and a NIC left with nothing to say', () => {
      expect(devicesAt('2016-06-30')).toEqual([nic, disk]);
      expect(devicesAt('2017-02-22')).toEqual([
        nic,
        { type: 'nic', bus: 'pci', address: '0000:80:01.0', mac: 'e3:a0:d0:12:c5:10', vlan: 1000 },
        disk,
      ]);
      expect(devicesAt('2018-08-27')).toEqual([nic, vlanNic, trustedNic, disk]);
    });

    it('does not alter the devices of the model', () => {
      devicesAt('2016-06-30');
      expect(md.devices).toEqual([nic, vlanNic, trustedNic, disk]);
    });
  });
});

describe('network_data.json', () => {
  it('is the network data as JSON, under text/plain as Nova sends it', () => {
    const md = instanceMetadata();
    const rendered = serve('/openstack/2015-10-15/network_data.json', md);
    expect(rendered).toMatchObject({ status: 200, contentType: 'text/plain' });
    expect(json('/openstack/2015-10-15/network_data.json', md)).toEqual(md.networkData);
  });

  it('keeps keys the model does not name', () => {
    const md = instanceMetadata({
      networkData: {
        links: [{ id: 'iface0', type: 'phy', ethernet_mac_address: 'aa', extra_link: 1 }],
        networks: [],
        services: [],
        extra: 'x',
      },
    });
    expect(json('/openstack/latest/network_data.json', md)).toEqual(md.networkData);
  });

  it('is {} when there is no network information, as Nova sends', () => {
    const md = instanceMetadata({ networkData: { links: [], networks: [], services: [] } });
    expect(text('/openstack/latest/network_data.json', md)).toBe('{}');
  });
});

describe('vendor data, password', () => {
  it.each([
    ['vendor_data.json', { vendorData: { 'cloud-init': '#cloud-config\n' } }, { 'cloud-init': '#cloud-config\n' }],
    ['vendor_data.json', { vendorData: ['a', 'b'] }, ['a', 'b']],
    ['vendor_data.json', {}, {}],
    ['vendor_data2.json', { vendorData2: { static: { ldap: '10.0.0.1' }, web: {} } }, { static: { ldap: '10.0.0.1' }, web: {} }],
    ['vendor_data2.json', {}, {}],
  ])('%s renders %j as application/json', (file, overrides, expected) => {
    expect(serve(`/openstack/latest/${file}`, instanceMetadata(overrides))).toMatchObject({ status: 200, contentType: 'application/json' });
    expect(json(`/openstack/latest/${file}`, instanceMetadata(overrides))).toEqual(expected);
  });

  it('serves the stored password, or an empty 200 when there is none', () => {
    expect(serve('/openstack/latest/password')).toEqual({ status: 200, contentType: 'text/plain', body: Buffer.alloc(0) });
    expect(text('/openstack/2013-04-04/password', instanceMetadata({ password: 'ZW5jcnlwdGVk' }))).toBe('ZW5jcnlwdGVk');
  });
});
