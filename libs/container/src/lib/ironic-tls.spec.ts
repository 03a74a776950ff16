import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@ironic-metadata/config';
import { readIronicTls } from './ironic-tls';

// A self-signed client certificate and its key, and a key of another certificate (EC P-256, made once with openssl).
const FIXTURES = join(__dirname, 'fixtures');
const CERT = join(FIXTURES, 'client.pem');
const KEY = join(FIXTURES, 'client.key');
const OTHER_KEY = join(FIXTURES, 'other.key');

describe('readIronicTls', () => {
  let dir: string;
  let both: string;
  let notPem: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ironic-tls-'));
    both = join(dir, 'client-and-key.pem');
    writeFileSync(both, readFileSync(CERT, 'utf8') + readFileSync(KEY, 'utf8'));
    notPem = join(dir, 'passwd');
    writeFileSync(notPem, 'root:x:0:0:root:/root:/bin/bash\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads the PEM files OS_CACERT, OS_CERT and OS_KEY name, and nothing when none is set', () => {
    expect(readIronicTls(undefined)).toBeUndefined();
    expect(readIronicTls({ caFile: CERT, certFile: CERT, keyFile: KEY })).toEqual({
      ca: readFileSync(CERT, 'utf8'),
      cert: readFileSync(CERT, 'utf8'),
      key: readFileSync(KEY, 'utf8'),
    });
    // The key may be in the certificate's own file, as keystoneauth reads OS_CERT.
    expect(readIronicTls({ certFile: both })).toMatchObject({ cert: readFileSync(both, 'utf8'), key: undefined });
  });

  it('names the setting whose file cannot be read', () => {
    const missing = join(dir, 'missing.pem');
    expect(() => readIronicTls({ certFile: CERT, keyFile: missing })).toThrow(ConfigError);
    expect(() => readIronicTls({ caFile: missing })).toThrow(
      `invalid configuration: OS_CACERT: cannot read ${missing} (ENOENT); give a readable PEM file, or unset it`,
    );
    expect(() => readIronicTls({ certFile: CERT, keyFile: missing })).toThrow(
      `invalid configuration: OS_KEY: cannot read ${missing} (ENOENT)`,
    );
  });

  it('names the setting and its file when it holds no PEM certificate', () => {
    const noCertificate = (setting: string) =>
      `invalid configuration: ${setting}: ${notPem} holds no PEM certificate ("-----BEGIN CERTIFICATE-----"); give a PEM certificate file, or unset it`;
    expect(() => readIronicTls({ caFile: notPem })).toThrow(noCertificate('OS_CACERT'));
    expect(() => readIronicTls({ certFile: notPem })).toThrow(noCertificate('OS_CERT'));
    // A key file is not a certificate either.
    expect(() => readIronicTls({ certFile: KEY })).toThrow(`invalid configuration: OS_CERT: ${KEY} holds no PEM certificate`);
  });

  it('refuses a client certificate without its private key, or with another one', () => {
    expect(() => readIronicTls({ certFile: CERT })).toThrow(
      `invalid configuration: OS_CERT: ${CERT} holds no private key for the certificate; set OS_KEY to its key file, or put the key in the same file`,
    );
    expect(() => readIronicTls({ certFile: CERT, keyFile: notPem })).toThrow(
      `invalid configuration: OS_KEY: ${notPem} holds no unencrypted PEM private key; give the certificate's key file`,
    );
    expect(() => readIronicTls({ certFile: CERT, keyFile: OTHER_KEY })).toThrow(
      `invalid configuration: OS_KEY: the private key in ${OTHER_KEY} is not the key of the certificate in ${CERT}; give the certificate's own key`,
    );
  });
});
