import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { httpFrom } from './support/http-from';
import { startIronic, type IronicHandle } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { SERVER_MAIN, startMetadataServer, type RunningServer } from './support/metadata-server';
import { freePort, runToExit, WORKSPACE } from './support/processes';

const run = randomBytes(3).toString('hex');
const CLI = join(WORKSPACE, 'dist/apps/cli/main.js');
const NODE_IP = '127.0.8.31';

/** A private CA and a certificate for 127.0.0.1 it signed, as an operator's PKI would give Ironic. */
function privateCa(dir: string): { caFile: string; certFile: string; keyFile: string } {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ecKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl('req', '-x509', ...ecKey, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '1', '-subj', '/CN=settings test CA');
  openssl('req', ...ecKey, '-keyout', 'ironic.key', '-out', 'ironic.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'ironic.ext'), 'subjectAltName=IP:127.0.0.1\n');
  openssl(
    'x509',
    '-req',
    '-in',
    'ironic.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'ironic.pem',
    '-days',
    '1',
    '-extfile',
    'ironic.ext',
  );
  return { caFile: join(dir, 'ca.pem'), certFile: join(dir, 'ironic.pem'), keyFile: join(dir, 'ironic.key') };
}

// Ironic's own API serving HTTPS ([api]enable_ssl_api) with a certificate of a private CA, as the
// seed recommends: the service and the CLI reach it with OS_CACERT, and without it say which setting.
describe('Ironic behind TLS (OS_CACERT)', () => {
  let dir: string;
  let files: ReturnType<typeof privateCa>;
  let ironic: IronicHandle;
  const servers: RunningServer[] = [];
  const cli = (args: string[], env: Record<string, string>) =>
    runToExit(process.execPath, [CLI, ...args], {
      env: { PATH: process.env['PATH'], IRONIC_URL: ironic.url, LEASE_FILE: '/nonexistent', ...env },
      timeoutMs: 60_000,
    });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'settings-tls-'));
    files = privateCa(dir);
    const ca = readFileSync(files.caFile, 'utf8');
    ironic = await startIronic({
      auth: 'noauth',
      port: await freePort(),
      showInstanceSecrets: false,
      tls: { certFile: files.certFile, keyFile: files.keyFile, ca },
    });
    const admin = new IronicTestAdmin({ url: ironic.url, ca });
    await admin.createActiveNode({ name: `it-${run}-tls` }, { instanceInfo: { fixed_ips: [NODE_IP] } });
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    await ironic?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the nodes of an HTTPS Ironic whose CA OS_CACERT names', async () => {
    expect(ironic.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const server = await startMetadataServer({ IRONIC_URL: ironic.url, OS_CACERT: files.caFile, LEASE_FILE: '/nonexistent' });
    servers.push(server);
    const answer = await httpFrom(NODE_IP, `${server.url}/openstack/latest/meta_data.json`);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.text)).toMatchObject({ name: `it-${run}-tls` });
    const lookup = await cli(['lookup', NODE_IP, '--json'], { OS_CACERT: files.caFile });
    expect(lookup.code).toBe(0);
    expect(JSON.parse(lookup.stdout)).toMatchObject({ node: { name: `it-${run}-tls` } });
  });

  it('without OS_CACERT, names it: in the server log, the CLI line and the doctor', async () => {
    const server = await startMetadataServer({ IRONIC_URL: ironic.url, LEASE_FILE: '/nonexistent' });
    servers.push(server);
    expect((await httpFrom(NODE_IP, `${server.url}/openstack/latest/meta_data.json`)).status).toBe(503);
    const failure = server
      .logs()
      .split('\n')
      .find((line) => line.includes('cannot load nodes; not ready'));
    expect(failure).toContain("check OS_CACERT (the CA that signs Ironic's certificate), OS_CERT and OS_KEY");

    const [lookup, doctor] = await Promise.all([
      cli(['lookup', NODE_IP], {}),
      cli(['doctor', '--json'], { BIND_ADDR: '127.0.0.1', BIND_PORT: '0' }),
    ]);
    expect(lookup.code).toBe(1);
    expect(lookup.stderr).toMatch(
      new RegExp(
        `^ironic-metadata: cannot reach Ironic at ${ironic.url} \\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN): .*\\): start Ironic, check OS_CACERT \\(the CA that signs Ironic's certificate\\), OS_CERT and OS_KEY, or pass --inventory FILE\\n$`,
      ),
    );
    expect(JSON.parse(doctor.stdout).checks).toContainEqual(
      expect.objectContaining({ id: 'ironic-reachable', status: 'fail', fix: expect.stringContaining('OS_CACERT') }),
    );
  });
});

// A file that is not what its setting says stops the server and the CLI alike with one line naming
// the setting, the file and what is wrong, before any request to Ironic (exit 2: a configuration error).
describe('TLS files that cannot be used', () => {
  let dir: string;
  let files: ReturnType<typeof privateCa>;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'settings-tls-bad-'));
    files = privateCa(dir);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const env = (tls: Record<string, string>) => ({
    PATH: process.env['PATH'],
    IRONIC_URL: 'https://127.0.0.1:1',
    LEASE_FILE: '/nonexistent',
    BIND_ADDR: '127.0.0.1',
    BIND_PORT: '0',
    ADMIN_BIND_PORT: '0',
    ...tls,
  });

  it.each<[string, () => Record<string, string>, () => string]>([
    [
      'OS_CERT not PEM',
      () => ({ OS_CERT: '/etc/passwd' }),
      () => 'OS_CERT: /etc/passwd holds no PEM certificate ("-----BEGIN CERTIFICATE-----")',
    ],
    ['OS_CACERT not PEM', () => ({ OS_CACERT: '/etc/passwd' }), () => 'OS_CACERT: /etc/passwd holds no PEM certificate'],
    [
      'OS_CERT without its key',
      () => ({ OS_CERT: files.certFile }),
      () => `OS_CERT: ${files.certFile} holds no private key for the certificate; set OS_KEY to its key file`,
    ],
  ])('%s stops the server and the CLI with the same line', async (_case, tls, problem) => {
    const settings = env(tls());
    const [server, cli] = await Promise.all([
      runToExit(process.execPath, [SERVER_MAIN], { env: settings }),
      runToExit(process.execPath, [CLI, 'lookup', NODE_IP], { env: settings }),
    ]);
    expect(server.code).toBe(2);
    expect(server.stderr).toMatch(/^ironic-metadata: invalid configuration: [^\n]*\n$/);
    expect(server.stderr).toContain(problem());
    expect(cli).toMatchObject({ code: 2, stderr: server.stderr });
  });
});
