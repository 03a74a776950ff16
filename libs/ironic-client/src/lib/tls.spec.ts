import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IronicClient, IronicConnectionError } from '../index';
import { startFakeServer, type FakeServer } from '../test-support/fake-http-server';
import { fakeIronic } from '../test-support/fake-ironic';

/** A private CA, a server certificate for 127.0.0.1 and a client certificate it signed, made by openssl. */
function certificates(dir: string): Record<'ca' | 'serverCert' | 'serverKey' | 'clientCert' | 'clientKey', string> {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=ironic-metadata test CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  for (const [name, subject, ext] of [
    ['server', '/CN=127.0.0.1', ['-extfile', 'server.ext']],
    ['client', '/CN=metadata', []],
  ] as const) {
    openssl('req', ...ecKey, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.pem`,
      '-days',
      '1',
      ...ext,
    );
  }
  const read = (file: string) => readFileSync(join(dir, file), 'utf8');
  return {
    ca: read('ca.pem'),
    serverCert: read('server.pem'),
    serverKey: read('server.key'),
    clientCert: read('client.pem'),
    clientKey: read('client.key'),
  };
}

describe('TLS to Ironic', () => {
  let dir: string;
  let pem: ReturnType<typeof certificates>;
  let server: FakeServer;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ironic-client-tls-'));
    pem = certificates(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => server?.close());

  it('trusts a private CA given as tls.ca, and reports a certificate it cannot verify as no answer', async () => {
    server = await startFakeServer(fakeIronic(), { key: pem.serverKey, cert: pem.serverCert });
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const untrusted = new IronicClient({ endpoint: server.url, retries: 0 }).negotiate();
    await expect(untrusted).rejects.toThrow(IronicConnectionError);
    await expect(untrusted).rejects.toMatchObject({
      reason: expect.stringMatching(/^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN): /),
      target: { service: 'ironic', endpoint: server.url },
    });
    await expect(new IronicClient({ endpoint: server.url, retries: 0, tls: { ca: pem.ca } }).negotiate()).resolves.toBe('1.82');
  });

  it('presents a client certificate to an Ironic that asks for one, its key apart or in the same PEM', async () => {
    server = await startFakeServer(fakeIronic(), {
      key: pem.serverKey,
      cert: pem.serverCert,
      ca: pem.ca,
      requestCert: true,
      rejectUnauthorized: true,
    });
    await expect(new IronicClient({ endpoint: server.url, retries: 0, tls: { ca: pem.ca } }).negotiate()).rejects.toThrow(
      IronicConnectionError,
    );
    await expect(
      new IronicClient({ endpoint: server.url, retries: 0, tls: { ca: pem.ca, cert: pem.clientCert, key: pem.clientKey } }).negotiate(),
    ).resolves.toBe('1.82');
    const combined = `${pem.clientCert}${pem.clientKey}`;
    await expect(new IronicClient({ endpoint: server.url, retries: 0, tls: { ca: pem.ca, cert: combined } }).negotiate()).resolves.toBe(
      '1.82',
    );
  });
});
