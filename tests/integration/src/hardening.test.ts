import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { instanceIdSignature } from '@ironic-metadata/metadata';
import { startDelayingProxy, type DelayingProxy } from './support/delaying-proxy';
import { httpFrom } from './support/http-from';
import { startIronic, type IronicHandle } from './support/ironic';
import { IronicTestAdmin } from './support/ironic-admin';
import { startMetadataServer, type RunningServer } from './support/metadata-server';
import { freePort, runProgram, WORKSPACE } from './support/processes';
import { rawRequest } from './support/raw-http';

const INVENTORY = join(WORKSPACE, 'apps/metadata-server/example/inventory.json');
const inventory = JSON.parse(readFileSync(INVENTORY, 'utf8'));
const uuidOf = (name: string) => inventory.nodes.find((node: { name: string }) => node.name === name).uuid as string;
const FIXED = { ip: '127.0.0.12', uuid: uuidOf('compute-r01-u07'), owner: '3f1d9a0c5b2e4d7f8a6c1e0b9d2f4a7c' };
const PORTS = { ip: '127.0.0.13', uuid: uuidOf('storage-r02-u11') };
const PROXY_IP = '127.0.0.2';
const SECRET = 'it-shared-secret-0123456789';
const DEBIAN_PYTHON = '/usr/bin/python3';

describe('identity, bad input and observability of the built server', () => {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startMetadataServer({
      INVENTORY_FILE: INVENTORY,
      TRUSTED_PROXIES: `${PROXY_IP}/32`,
      METADATA_PROXY_SHARED_SECRET: SECRET,
    });
  });
  afterAll(() => server?.stop());
  const instanceId = (ip: string, headers: Record<string, string> = {}) =>
    httpFrom(ip, `${server.url}/latest/meta-data/instance-id`, { headers });

  it('ignores spoofed forwarding headers from an untrusted address', async () => {
    const answer = await instanceId(FIXED.ip, { 'X-Forwarded-For': PORTS.ip, 'X-Real-IP': PORTS.ip });
    expect(answer.text).toBe(FIXED.uuid);
  });

  it('believes a trusted proxy, taking the right-most untrusted address, and never guesses from an empty header', async () => {
    expect((await instanceId(PROXY_IP, { 'X-Forwarded-For': `127.0.0.99, ${PORTS.ip}` })).text).toBe(PORTS.uuid);
    const empty = await instanceId(PROXY_IP, { 'X-Forwarded-For': ',' });
    expect(empty.status).toBe(404);
    expect(empty.text).toContain(`no node matches ${PROXY_IP}`);
  });

  it('accepts a good X-Instance-ID-Signature and refuses a bad one, logging it', async () => {
    const signed = {
      'X-Instance-ID': FIXED.uuid,
      'X-Tenant-ID': FIXED.owner,
      'X-Instance-ID-Signature': instanceIdSignature(FIXED.uuid, SECRET),
    };
    expect((await instanceId('127.0.0.3', signed)).text).toBe(FIXED.uuid);
    const forged = await instanceId('127.0.0.3', {
      ...signed,
      'X-Instance-ID-Signature': instanceIdSignature(FIXED.uuid, 'a-guessed-secret-value'),
    });
    expect(forged.status).toBe(403);
    // The server writes its log a moment after it answers.
    await waitFor(() => server.logs().includes('invalid X-Instance-ID-Signature refused'), 5000);
    expect((await instanceId('127.0.0.3', { 'X-Instance-ID': FIXED.uuid })).status).toBe(400);
  });

  it('answers malformed requests with 4xx, never a stack trace, and stays up', async () => {
    const cases: [string, number][] = [
      // Dot segments resolve as in Nova; one that climbs above the root names nothing.
      ['GET /openstack/../../latest/meta-data/ HTTP/1.1\r\nHost: x\r\n\r\n', 404],
      ['GET /latest/meta-data/%00 HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      ['GET /latest/meta-data/%252e%252e/ HTTP/1.1\r\nHost: x\r\n\r\n', 400],
      [`GET /latest/${'a'.repeat(400)} HTTP/1.1\r\nHost: x\r\n\r\n`, 400],
      // Paths over 1024 characters are 414, also past the 8 KiB limit on the request line and headers.
      [`GET /latest/${'a/'.repeat(1000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
      [`GET /latest/${'a/'.repeat(4500)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
      [`GET /latest/${'a/'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 414],
      [`GET /latest/meta-data/ HTTP/1.1\r\nHost: x\r\nX-Padding: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
      ['HELLO THERE\r\n\r\n', 400],
      [`POST /openstack/latest/password HTTP/1.1\r\nHost: x\r\nContent-Length: 8000\r\n\r\n${'p'.repeat(8000)}`, 413],
    ];
    for (const [bytes, status] of cases) expect(await rawRequest(server.port, bytes)).toBe(status);
    const traversal = await httpFrom(FIXED.ip, `${server.url}/openstack/latest/%2e%2e/meta_data.json`);
    expect(traversal.text).not.toMatch(/\bat \w+ \(|node_modules|\.ts:\d+/);
    expect((await httpFrom('127.0.0.1', `${server.adminUrl}/healthz`)).text).toBe('ok\n');
    expect((await instanceId(FIXED.ip)).status).toBe(200);
  });

  it('serves /metrics that Prometheus parses, on the admin listener only', async () => {
    const metrics = await httpFrom('127.0.0.1', `${server.adminUrl}/metrics`);
    const parse = [
      'import sys, json',
      'from prometheus_client.parser import text_string_to_metric_families',
      'print(json.dumps({f.name: [[s.name, s.labels, s.value] for s in f.samples] for f in text_string_to_metric_families(sys.stdin.read())}))',
    ].join('\n');
    const families = JSON.parse(await runProgramWithInput(DEBIAN_PYTHON, ['-c', parse], metrics.text));
    expect(families['metadata_index_nodes']).toEqual([['metadata_index_nodes', {}, 5]]);
    expect(families['metadata_requests']).toEqual(
      expect.arrayContaining([['metadata_requests_total', { family: 'ec2', status: '200' }, expect.any(Number)]]),
    );
    expect(families['metadata_node_matches']).toEqual(
      expect.arrayContaining([['metadata_node_matches_total', { method: 'fixed_ips' }, expect.any(Number)]]),
    );
    expect(families['metadata_request_duration_seconds'].length).toBeGreaterThan(3);
    expect((await httpFrom('127.0.0.1', `${server.url}/metrics`)).status).toBe(404);
  });
});

/** Runs a program with `input` on its standard input and returns its standard output. */
function runProgramWithInput(file: string, args: string[], input: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'it-input-'));
  const path = join(dir, 'input');
  writeFileSync(path, input);
  return runProgram('/bin/sh', ['-c', `"$0" "$@" < "${path}"`, file, ...args]).finally(() => rmSync(dir, { recursive: true, force: true }));
}

describe('reloads and shutdown', () => {
  it('reloads the inventory when it changes, and stops cleanly on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'it-reload-'));
    const file = join(dir, 'inventory.json');
    copyFileSync(INVENTORY, file);
    const server = await startMetadataServer({ INVENTORY_FILE: file });
    try {
      const edited = {
        ...inventory,
        nodes: [
          ...inventory.nodes,
          { uuid: 'reloaded-node', name: 'reloaded', provision_state: 'active', instance_info: { fixed_ips: ['127.0.0.16'] } },
        ],
      };
      writeFileSync(`${file}.new`, JSON.stringify(edited));
      copyFileSync(`${file}.new`, file);
      await waitFor(() => server.logs().includes('node source changed; reloading'), 5000);
      expect((await httpFrom('127.0.0.16', `${server.url}/latest/meta-data/instance-id`)).text).toBe('reloaded-node');
      const exited = new Promise<number | null>((resolve) => server.process.once('exit', (code) => resolve(code)));
      server.process.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(server.logs()).toContain('SIGTERM: finishing requests in flight, then stopping');
    } finally {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('Ironic outages', () => {
  const run = randomBytes(3).toString('hex');
  let ironic: IronicHandle;
  let admin: IronicTestAdmin;
  let server: RunningServer;
  let proxy: DelayingProxy;

  beforeAll(async () => {
    ironic = await startIronic({ auth: 'noauth', port: await freePort(), showInstanceSecrets: true });
    admin = new IronicTestAdmin({ url: ironic.url });
    await admin.createActiveNode(
      { name: `it-${run}-known` },
      { configdrive: { meta_data: { hostname: 'known' } }, instanceInfo: { fixed_ips: ['127.0.0.90'] } },
    );
    proxy = await startDelayingProxy(Number(new URL(ironic.url).port));
    server = await startMetadataServer({
      IRONIC_URL: proxy.url,
      LEASE_FILE: '/nonexistent',
      SYNC_INTERVAL_SECONDS: '1',
      STALE_BUDGET_SECONDS: '600',
    });
  });
  afterAll(async () => {
    await server?.stop();
    await proxy?.close();
    await ironic?.stop();
  });

  const hostname = (ip: string) => httpFrom(ip, `${server.url}/latest/meta-data/hostname`);

  it('keeps answering known nodes through a kill, tells unknown ones to retry, and catches up on restart', async () => {
    const storm = Promise.all(
      Array.from({ length: 40 }, (_, i) => new Promise((resolve) => setTimeout(resolve, i * 25)).then(() => hostname('127.0.0.90'))),
    );
    await ironic.kill();
    const answers = await storm;
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const unknown = await hostname('127.0.0.91');
    expect(unknown.status).toBe(503);
    expect(unknown.headers['retry-after']).toBeDefined();
    expect((await httpFrom('127.0.0.1', `${server.adminUrl}/readyz`)).status).toBe(200);

    await ironic.restart();
    await admin.createActiveNode(
      { name: `it-${run}-late` },
      { configdrive: { meta_data: { hostname: 'late' } }, instanceInfo: { fixed_ips: ['127.0.0.91'] } },
    );
    await waitFor(async () => (await hostname('127.0.0.91')).status === 200, 15_000);
    expect((await hostname('127.0.0.91')).text).toBe('late');
    const metrics = (await httpFrom('127.0.0.1', `${server.adminUrl}/metrics`)).text;
    expect(metrics).toMatch(/metadata_ironic_errors_total\{error="IronicConnectionError"\} [1-9]/);
  });

  it('never stalls known nodes while Ironic is slow', async () => {
    proxy.setDelay(3000);
    try {
      const unknown = hostname('127.0.0.92');
      const timings: number[] = [];
      for (let i = 0; i < 20; i++) {
        const started = performance.now();
        expect((await hostname('127.0.0.90')).status).toBe(200);
        timings.push(performance.now() - started);
      }
      expect(Math.max(...timings)).toBeLessThan(500);
      expect((await unknown).status).toBeGreaterThanOrEqual(404);
    } finally {
      proxy.setDelay(0);
    }
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not so within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
