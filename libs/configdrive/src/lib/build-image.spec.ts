import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { expectConfigDriveError } from '../test-support/expect-error';
import { META_DATA, NETWORK_DATA } from '../test-support/fixtures';
import { makeTempDirectory, readTree, removeTree, runTool } from '../test-support/iso-tools';
import { buildConfigDriveImage, configDriveImageFiles, encodeConfigDrive } from './build-image';
import { decodeConfigDrive } from './decode';
import { readIso9660 } from './iso9660/reader';
import type { ConfigDriveJson } from './types';

const json: ConfigDriveJson = {
  meta_data: META_DATA,
  network_data: NETWORK_DATA,
  user_data: '#cloud-config\nruncmd: [true]\n',
  vendor_data: { static: { k: 'v' } },
};

describe('configDriveImageFiles: the tree openstacksdk builds for Ironic', () => {
  it('writes openstack/2012-08-10 and openstack/latest with the four files, nothing else', () => {
    const files = configDriveImageFiles(json);
    expect([...files.keys()].sort()).toEqual(
      ['2012-08-10', 'latest'].flatMap((version) =>
        ['meta_data.json', 'network_data.json', 'user_data', 'vendor_data2.json'].map((name) => `openstack/${version}/${name}`),
      ),
    );
    expect(JSON.parse(files.get('openstack/latest/meta_data.json')?.toString() ?? '')).toEqual(META_DATA);
    expect(JSON.parse(files.get('openstack/2012-08-10/vendor_data2.json')?.toString() ?? '')).toEqual({ static: { k: 'v' } });
    expect(files.get('openstack/latest/user_data')?.toString()).toBe(json.user_data);
  });

  it('leaves out what Python finds false, and JSON-encodes an object user_data', () => {
    const files = configDriveImageFiles({ meta_data: { uuid: 'u' }, network_data: {}, vendor_data: null, user_data: ['a'] });
    expect(Object.fromEntries([...files].map(([path, data]) => [path, data.toString()]))).toEqual({
      'openstack/2012-08-10/meta_data.json': '{"uuid":"u"}',
      'openstack/2012-08-10/user_data': '["a"]',
      'openstack/latest/meta_data.json': '{"uuid":"u"}',
      'openstack/latest/user_data': '["a"]',
    });
  });

  it('uses a map of files as given', () => {
    const files = new Map([['openstack/latest/meta_data.json', Buffer.from('{}')]]);
    expect(configDriveImageFiles(files)).toEqual(files);
  });

  it('refuses a JSON config drive that Ironic would refuse at deploy time (_CONFIG_DRIVE_SCHEMA)', async () => {
    await expectConfigDriveError(
      () => configDriveImageFiles({ meta_data: [] as unknown as Record<string, unknown> }),
      'invalid-json',
      'Ironic expects meta_data to be an object in a JSON config drive, found a list',
    );
    await expectConfigDriveError(
      () => configDriveImageFiles({ network_data: 'eth0' }),
      'invalid-json',
      'Ironic expects network_data to be an object in a JSON config drive, found "eth0"',
    );
    await expectConfigDriveError(
      () => configDriveImageFiles({ user_data: 42 as unknown as string }),
      'invalid-json',
      'Ironic expects user_data to be an object, a list, a string or null in a JSON config drive, found number 42',
    );
    await expectConfigDriveError(
      () => configDriveImageFiles({ meta_data: {}, files: [] } as never),
      'invalid-json',
      'Ironic accepts only meta_data, network_data, user_data and vendor_data in a JSON config drive, found "files"',
    );
  });
});

describe('buildConfigDriveImage and encodeConfigDrive', () => {
  it('round trip: JSON -> our ISO -> gzip + base64 -> decodeConfigDrive equals decoding the JSON', async () => {
    const encoded = encodeConfigDrive(json);
    expect(encoded).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(await decodeConfigDrive(encoded)).toEqual(await decodeConfigDrive(json));
  });

  it('builds a raw image labelled config-2 from a map of files', () => {
    const files = new Map([
      ['openstack/latest/meta_data.json', Buffer.from('{"uuid":"u"}')],
      ['openstack/content/0000', Buffer.alloc(3000, 1)],
    ]);
    const contents = readIso9660(buildConfigDriveImage(files));
    expect(contents.volumeId).toBe('config-2');
    expect(contents.files).toEqual(files);
    expect(readIso9660(gunzipSync(Buffer.from(encodeConfigDrive(files), 'base64'))).files).toEqual(files);
  });

  it('blkid, isoinfo and xorriso see a config drive: label config-2, every file', () => {
    const directory = makeTempDirectory();
    try {
      const imagePath = join(directory, 'configdrive.iso');
      writeFileSync(imagePath, buildConfigDriveImage(json));
      // cloud-init finds config drives by this label and type.
      expect(runTool('blkid', ['-p', '-o', 'export', imagePath]).toString()).toMatch(/^LABEL=config-2$[\s\S]*^TYPE=iso9660$/m);
      expect(runTool('isoinfo', ['-d', '-i', imagePath]).toString()).toContain('Volume id: config-2');
      for (const [path, data] of configDriveImageFiles(json)) {
        for (const tree of ['-J', '-R']) expect(runTool('isoinfo', [tree, '-x', `/${path}`, '-i', imagePath]).equals(data)).toBe(true);
      }
      runTool('xorriso', ['-osirrox', 'on', '-indev', imagePath, '-extract', '/', join(directory, 'out')]);
      expect(readTree(join(directory, 'out'))).toEqual(configDriveImageFiles(json));
    } finally {
      removeTree(directory);
    }
  });
});
