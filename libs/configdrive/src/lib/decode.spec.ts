import { gzipSync } from 'node:zlib';
import { applyMutation, isUnder, jsonMutation, type JsonPath } from '@ironic-metadata/ironic-model/testing';
import fc from 'fast-check';
import { expectConfigDriveError } from '../test-support/expect-error';
import { META_DATA, NETWORK_DATA } from '../test-support/fixtures';
import { imageFromTool } from '../test-support/iso-tools';
import { SeededRandom } from '../test-support/prng';
import { decodeConfigDrive } from './decode';
import { writeIso9660 } from './iso9660/writer';
import type { ConfigDriveFetcher } from './types';

const userData = Buffer.concat([Buffer.from([0x00, 0x1f, 0x8b, 0xff]), new SeededRandom(7).bytes(4000)]);
const driveFiles = new Map([
  ['openstack/latest/meta_data.json', Buffer.from(JSON.stringify(META_DATA))],
  ['openstack/latest/network_data.json', Buffer.from(JSON.stringify(NETWORK_DATA))],
  ['openstack/latest/vendor_data2.json', Buffer.from('{"static":{"k":"v"}}')],
  ['openstack/latest/user_data', userData],
  ['openstack/2012-08-10/meta_data.json', Buffer.from('{"uuid":"old"}')],
]);
// The form Nova and metal3 store, made by genisoimage as Ironic runs it.
const rawImage = imageFromTool('genisoimage as Ironic runs it', driveFiles);
const gzipped = gzipSync(rawImage);
const stored = gzipped.toString('base64');
const expected = {
  metaData: META_DATA,
  networkData: NETWORK_DATA,
  storedNetworkData: NETWORK_DATA,
  leftAside: [],
  vendorData2: { static: { k: 'v' } },
  userData,
  publicKeys: META_DATA.public_keys,
};

describe('decodeConfigDrive: every form Ironic stores', () => {
  it('base64 of a gzipped ISO 9660 image, user data kept as bytes', async () => {
    const drive = await decodeConfigDrive(stored);
    expect(drive).toEqual({ ...expected, vendorData: undefined });
    expect(drive.userData?.equals(userData)).toBe(true);
  });

  it('base64 wrapped at 76 columns, with surrounding whitespace', async () => {
    await expect(decodeConfigDrive(`\n${stored.replace(/.{76}/g, '$&\n')}\n`)).resolves.toMatchObject(expected);
  });

  it('base64 of a raw image, raw image bytes, gzip bytes and a Uint8Array', async () => {
    for (const value of [rawImage.toString('base64'), rawImage, gzipped, new Uint8Array(gzipped)]) {
      await expect(decodeConfigDrive(value)).resolves.toMatchObject(expected);
    }
  });

  it('the newest dated version when there is no latest', async () => {
    const image = writeIso9660(
      new Map([
        ['openstack/2012-08-10/meta_data.json', Buffer.from('{"uuid":"2012"}')],
        ['openstack/2015-10-15/meta_data.json', Buffer.from('{"uuid":"2015"}')],
        ['openstack/2013-04-04/meta_data.json', Buffer.from('{"uuid":"2013"}')],
      ]),
      { volumeId: 'config-2' },
    );
    await expect(decodeConfigDrive(image)).resolves.toMatchObject({ metaData: { uuid: '2015' } });
  });

  it('a JSON object and a JSON string, rendered as Ironic renders them', async () => {
    const json = { meta_data: META_DATA, network_data: NETWORK_DATA, user_data: { runcmd: ['true'] }, vendor_data: { k: 'v' } };
    const fromObject = await decodeConfigDrive(json);
    expect(fromObject).toMatchObject({
      metaData: META_DATA,
      networkData: NETWORK_DATA,
      vendorData2: { k: 'v' },
      publicKeys: META_DATA.public_keys,
    });
    expect(fromObject.userData?.toString()).toBe('{"runcmd":["true"]}');
    await expect(decodeConfigDrive(JSON.stringify(json))).resolves.toEqual(fromObject);
  });

  it('leaves out what Ironic leaves out of the image: empty network_data, vendor_data and user_data', async () => {
    const drive = await decodeConfigDrive({ meta_data: { uuid: 'u' }, network_data: {}, vendor_data: {}, user_data: '' });
    expect(drive).toEqual({
      metaData: { uuid: 'u' },
      publicKeys: {},
      networkData: undefined,
      storedNetworkData: undefined,
      vendorData: undefined,
      vendorData2: undefined,
      userData: undefined,
      leftAside: [],
    });
  });
});

describe('decodeConfigDrive: URLs through the injected fetcher', () => {
  const url = 'https://swift.example.org/v1/AUTH_p/configdrives/node-1?temp_url_sig=SECRET&temp_url_expires=1';
  const shown = 'https://swift.example.org/v1/AUTH_p/configdrives/node-1';

  it('passes the URL and the default limits (64 MiB, 10 s) to the fetcher', async () => {
    const fetcher = jest.fn<ReturnType<ConfigDriveFetcher>, Parameters<ConfigDriveFetcher>>().mockResolvedValue(Buffer.from(stored));
    await expect(decodeConfigDrive(url, { fetcher })).resolves.toMatchObject(expected);
    expect(fetcher).toHaveBeenCalledWith(url, { maxBytes: 64 * 1024 * 1024, timeoutMs: 10_000 });
  });

  it('decodes fetched base64 text, a raw image and gzip bytes', async () => {
    for (const body of [Buffer.from(`${stored}\n`), rawImage, gzipped]) {
      await expect(decodeConfigDrive(url, { fetcher: async () => body })).resolves.toMatchObject(expected);
    }
  });

  it('without a fetcher, says to pass one', async () => {
    await expectConfigDriveError(
      decodeConfigDrive(url),
      'unsupported',
      `the config drive is a URL (${shown}) but no fetcher was given: pass options.fetcher to decodeConfigDrive`,
    );
  });

  it('refuses schemes other than http and https', async () => {
    await expectConfigDriveError(
      decodeConfigDrive('ftp://example.org/cd', { fetcher: async () => rawImage }),
      'unsupported',
      'expected an http or https URL, found the scheme "ftp"',
    );
  });

  it('reports a failing fetcher without leaking the temp URL signature', async () => {
    const fetcher: ConfigDriveFetcher = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:443');
    };
    await expectConfigDriveError(
      decodeConfigDrive(url, { fetcher }),
      'fetch-failed',
      `fetching ${shown} failed: connect ECONNREFUSED 127.0.0.1:443`,
    );
    const throwsAtOnce: ConfigDriveFetcher = () => {
      throw new Error('bad agent');
    };
    await expectConfigDriveError(decodeConfigDrive(url, { fetcher: throwsAtOnce }), 'fetch-failed', `fetching ${shown} failed: bad agent`);
  });

  it('gives up on a fetcher that does not answer in time', async () => {
    const never: ConfigDriveFetcher = () => new Promise(() => undefined);
    await expectConfigDriveError(
      decodeConfigDrive(url, { fetcher: never, timeoutMs: 20 }),
      'fetch-failed',
      `fetching ${shown} timed out after 20 ms`,
    );
  });

  it('refuses what a fetcher should not return', async () => {
    const text = (async () => 'text') as unknown as ConfigDriveFetcher;
    await expectConfigDriveError(
      decodeConfigDrive(url, { fetcher: text }),
      'fetch-failed',
      `expected the fetcher to return the bytes of ${shown}, found "text"`,
    );
    await expectConfigDriveError(
      decodeConfigDrive(url, { fetcher: async () => Buffer.alloc(2048), maxBytes: 1024 }),
      'too-large',
      `expected the config drive at ${shown} of at most 1024 bytes, found 2048 bytes`,
    );
    await expectConfigDriveError(
      decodeConfigDrive(url, { fetcher: async () => Buffer.from([0, 1, 2, 3]) }),
      'invalid-image',
      `expected ${shown} to hold an ISO 9660 image, gzip of one, or base64 of either, found 4 bytes starting 00 01 02 03`,
    );
  });
});

describe('decodeConfigDrive: errors say what was expected and what was found', () => {
  it('a masked value', async () => {
    await expectConfigDriveError(
      decodeConfigDrive('******'),
      'masked',
      'the config drive is masked as "******": Ironic hides it unless the policy rule show_instance_secrets is granted (add "show_instance_secrets": "@" to the file named by [oslo_policy]policy_file)',
    );
  });

  it('bad JSON', async () => {
    await expectConfigDriveError(decodeConfigDrive('{"meta_data": '), 'invalid-json', /^expected a JSON config drive object, .*JSON/);
  });

  it('something that is not a config drive at all', async () => {
    await expectConfigDriveError(
      decodeConfigDrive(42),
      'unsupported',
      'expected a config drive object, string or image bytes, found number 42',
    );
    await expectConfigDriveError(
      decodeConfigDrive([1]),
      'unsupported',
      'expected a config drive object, string or image bytes, found a list',
    );
  });

  it('bad base64', async () => {
    await expectConfigDriveError(
      decodeConfigDrive('H4sIAAAAAAAAA+3O!AAA'),
      'invalid-encoding',
      'expected base64 of a gzipped ISO 9660 image, found invalid base64 at character 17',
    );
    await expectConfigDriveError(
      decodeConfigDrive('H4sI=AAA'),
      'invalid-encoding',
      'expected base64 of a gzipped ISO 9660 image, found invalid base64 at character 5',
    );
    await expectConfigDriveError(
      decodeConfigDrive('H4sIA'),
      'invalid-encoding',
      'expected base64 of a gzipped ISO 9660 image, found truncated base64 (5 digits, which no byte count gives)',
    );
  });

  it('base64 of neither gzip nor an image', async () => {
    await expectConfigDriveError(
      decodeConfigDrive(Buffer.from('hello world').toString('base64')),
      'invalid-image',
      'expected base64 of a gzipped ISO 9660 image, found base64 of 11 bytes starting "hello wo"...',
    );
  });

  it('gzip of something else, and a corrupt gzip stream', async () => {
    await expectConfigDriveError(
      decodeConfigDrive(gzipSync('hello').toString('base64')),
      'invalid-image',
      'expected gzip of an ISO 9660 image, found gzip of 5 bytes starting "hello"',
    );
    await expectConfigDriveError(
      decodeConfigDrive(gzipped.subarray(0, 1000)),
      'invalid-encoding',
      'expected gzip of an ISO 9660 image, found a corrupt gzip stream (unexpected end of file)',
    );
  });

  it('a gzip trailer whose inflated size (ISIZE) is not the image size, whatever it claims, is a corrupt stream', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constant(rawImage.length), fc.integer({ min: 0, max: 0xffffffff })), async (claimed) => {
        const stated = Buffer.from(gzipped);
        stated.writeUInt32LE(claimed, stated.length - 4);
        // The claim sizes the output buffer (up to 4 MiB); zlib checks it once the image is inflated.
        if (claimed === rawImage.length) await expect(decodeConfigDrive(stated)).resolves.toEqual(expected);
        else
          await expectConfigDriveError(
            decodeConfigDrive(stated),
            'invalid-encoding',
            'expected gzip of an ISO 9660 image, found a corrupt gzip stream (incorrect length check)',
          );
      }),
      { numRuns: 50 },
    );
  });

  it('a drive too large to inflate on the event loop (over 256 KiB gzipped) is inflated in the thread pool alike', async () => {
    const large = new SeededRandom(11).bytes(300 * 1024);
    const image = writeIso9660(
      new Map([
        ['openstack/latest/meta_data.json', Buffer.from(JSON.stringify(META_DATA))],
        ['openstack/latest/user_data', large],
      ]),
      { volumeId: 'config-2' },
    );
    const drive = gzipSync(image);
    expect(drive.length).toBeGreaterThan(256 * 1024);
    await expect(decodeConfigDrive(drive.toString('base64'))).resolves.toMatchObject({ metaData: META_DATA, userData: large });
  });

  it('a gzip stream cut short of its trailer', async () => {
    for (const length of [2, 3, 7]) {
      await expectConfigDriveError(
        decodeConfigDrive(gzipped.subarray(0, length)),
        'invalid-encoding',
        'expected gzip of an ISO 9660 image, found a corrupt gzip stream (unexpected end of file)',
      );
    }
  });

  it('image bytes that are not an image', async () => {
    await expectConfigDriveError(
      decodeConfigDrive(Buffer.from('PK\x03\x04')),
      'invalid-image',
      'expected an ISO 9660 image (CD001 at sector 16), found only 4 bytes, starting 50 4b 03 04',
    );
  });

  it('too large: raw, as base64, and once gunzipped (a gzip bomb)', async () => {
    await expectConfigDriveError(
      decodeConfigDrive(rawImage, { maxBytes: 4096 }),
      'too-large',
      `expected a config drive image of at most 4096 bytes, found ${rawImage.length} bytes`,
    );
    await expectConfigDriveError(
      decodeConfigDrive(rawImage.toString('base64'), { maxBytes: 4096 }),
      'too-large',
      `expected base64 of a gzipped ISO 9660 image of at most 4096 bytes, found ${rawImage.length} bytes`,
    );
    const bomb = gzipSync(Buffer.alloc(65 * 1024 * 1024), { level: 1 });
    await expectConfigDriveError(
      decodeConfigDrive(bomb.toString('base64')),
      'too-large',
      `expected a config drive image of at most 64 MiB, found more once gunzipped (${bomb.length} bytes compressed)`,
    );
  });

  it('an image without meta_data.json', async () => {
    const noMetaData = writeIso9660(new Map([['openstack/latest/user_data', Buffer.from('x')]]), { volumeId: 'config-2' });
    await expectConfigDriveError(
      decodeConfigDrive(noMetaData),
      'missing-metadata',
      'expected openstack/<version>/meta_data.json in the config drive, found openstack/latest/user_data',
    );
  });
});

describe('decodeConfigDrive: an unusable part is left aside, named, and the rest is served', () => {
  const userData = Buffer.from('#cloud-config\n');

  it('meta_data that is not an object', async () => {
    const listMetaData = writeIso9660(
      new Map([
        ['openstack/latest/meta_data.json', Buffer.from('[]')],
        ['openstack/latest/user_data', userData],
      ]),
      { volumeId: 'config-2' },
    );
    await expect(decodeConfigDrive(listMetaData)).resolves.toMatchObject({
      metaData: {},
      userData,
      leftAside: [{ field: 'meta_data', problem: 'expected a JSON object, found a list' }],
    });
    await expect(decodeConfigDrive({ meta_data: 'x', user_data: 'u' } as never)).resolves.toMatchObject({
      userData: Buffer.from('u'),
      leftAside: [{ field: 'meta_data', problem: 'expected a JSON object, found "x"' }],
    });
  });

  it('a file that is not JSON', async () => {
    const badJson = writeIso9660(
      new Map([
        ['openstack/latest/meta_data.json', Buffer.from('{uuid')],
        ['openstack/latest/network_data.json', Buffer.from('{"links": [}')],
        ['openstack/latest/user_data', userData],
      ]),
      { volumeId: 'config-2' },
    );
    const drive = await decodeConfigDrive(badJson);
    expect(drive).toMatchObject({ metaData: {}, userData, networkData: undefined });
    expect(drive.leftAside.map((entry) => entry.field)).toEqual(['meta_data', 'network_data']);
    expect(drive.leftAside[0].problem).toMatch(/^openstack\/latest\/meta_data\.json is not JSON: /);
  });

  it('one key that is not a string: the other keys are served', async () => {
    const drive = await decodeConfigDrive({
      meta_data: { uuid: 'u', public_keys: { ops: 'ssh-ed25519 AAAA ops', bad: 42 }, hostname: ['h'] },
    });
    expect(drive.publicKeys).toEqual({ ops: 'ssh-ed25519 AAAA ops' });
    expect(drive.metaData).toEqual({ uuid: 'u', public_keys: { ops: 'ssh-ed25519 AAAA ops' } });
    expect(drive.leftAside).toEqual([
      { field: 'meta_data.hostname', problem: 'Invalid input: expected string, received array' },
      { field: 'meta_data.public_keys.bad', problem: 'Invalid input: expected string, received number' },
    ]);
  });
});

describe('property: a config drive mutated field by field still gives its user data and keys', () => {
  const KEY = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample ops@example.com';
  const USER_DATA = '#cloud-config\nruncmd:\n  - [touch, /run/booted]\n';
  const drive = {
    meta_data: {
      uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeee0018',
      name: 'mtu-zero',
      hostname: 'mtu-zero.example.com',
      launch_index: 0,
      availability_zone: null,
      meta: { role: 'web' },
      public_keys: { ops: KEY },
    },
    network_data: {
      links: [
        { id: 'tap0', vif_id: 'a1b2', type: 'phy', mtu: 0, ethernet_mac_address: '52:54:00:00:18:01' },
        { id: 'bond0', type: 'bond', bond_links: ['tap0'], bond_miimon: '100', bond_mode: '802.3ad' },
      ],
      networks: [
        {
          id: 'network0',
          type: 'ipv4',
          link: 'tap0',
          ip_address: '127.0.0.41',
          netmask: '255.255.255.0',
          routes: [{ network: '0.0.0.0', netmask: '0.0.0.0', gateway: '127.0.0.1' }],
        },
      ],
      services: [],
    },
    user_data: USER_DATA,
  };
  // What the mutation may not touch: the user data and the keys themselves.
  const elsewhere = (path: JsonPath) => !isUnder(path, ['user_data']) && !isUnder(['meta_data', 'public_keys', 'ops'], path);
  const imageFiles = (json: Record<string, unknown>) =>
    new Map(
      Object.entries({ meta_data: 'meta_data.json', network_data: 'network_data.json' })
        .filter(([key]) => json[key] !== undefined)
        .map(([key, name]) => [`openstack/latest/${name}`, Buffer.from(JSON.stringify(json[key]))] as const)
        .concat([['openstack/latest/user_data', Buffer.from(USER_DATA)]]),
    );

  it('as JSON (the form Ironic keeps) and as an image (the form the node reads)', async () => {
    await fc.assert(
      fc.asyncProperty(jsonMutation(drive, elsewhere), async (mutation) => {
        const mutated = applyMutation(drive, mutation) as Record<string, unknown>;
        const files = imageFiles(mutated);
        if (!files.has('openstack/latest/meta_data.json')) files.set('openstack/latest/meta_data.json', Buffer.from('{}'));
        for (const decoded of [await decodeConfigDrive(mutated), await decodeConfigDrive(writeIso9660(files, { volumeId: 'config-2' }))]) {
          expect(decoded.userData?.toString()).toBe(USER_DATA);
          expect(decoded.publicKeys).toEqual({ ops: KEY });
          const network = mutated['network_data'];
          if (typeof network === 'object' && network !== null && Object.keys(network).length > 0)
            expect(decoded.storedNetworkData).toEqual(network);
        }
      }),
      { numRuns: 300 },
    );
  });
});
