import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@ironic-metadata/config';
import { readIronicTls } from './ironic-tls';

describe('readIronicTls', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'ironic-tls-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the PEM files OS_CACERT, OS_CERT and OS_KEY name, and nothing when none is set', () => {
    writeFileSync(join(dir, 'ca.pem'), 'CA PEM');
    writeFileSync(join(dir, 'client.pem'), 'CLIENT PEM');
    expect(readIronicTls(undefined)).toBeUndefined();
    expect(readIronicTls({ caFile: join(dir, 'ca.pem'), certFile: join(dir, 'client.pem') })).toEqual({
      ca: 'CA PEM',
      cert: 'CLIENT PEM',
      key: undefined,
    });
  });

  it('names the setting whose file cannot be read', () => {
    const missing = join(dir, 'missing.pem');
    expect(() => readIronicTls({ certFile: join(dir, 'client.pem'), keyFile: missing })).toThrow(ConfigError);
    expect(() => readIronicTls({ caFile: missing })).toThrow(
      `invalid configuration: OS_CACERT: cannot read ${missing} (ENOENT); give a readable PEM file, or unset it`,
    );
    expect(() => readIronicTls({ certFile: join(dir, 'client.pem'), keyFile: missing })).toThrow(
      `invalid configuration: OS_KEY: cannot read ${missing} (ENOENT)`,
    );
  });
});
