import 'reflect-metadata';
import { once } from 'node:events';
import { Agent, createServer, request as httpRequest, type IncomingMessage, type RequestListener, type RequestOptions } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { loadConfig } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import { createLogger } from '@ironic-metadata/logging';
import request from 'supertest';
import { MetadataListener } from './metadata-listener';
import { buildServiceContainer } from './service-container';
import { SERVICE_METRICS } from './service-metrics';

const INVENTORY = join(__dirname, '../../example/inventory.json');
const WEB = '127.0.0.11'; // JSON config drive
const FIXED = '127.0.0.12'; // instance_info only
const PORTS = '127.0.0.13'; // two ports, no drive
const SPARE = '127.0.0.14'; // available
const BOND = '127.0.0.15'; // portgroup, no user data

async function serviceFor(env: Record<string, string> = {}) {
  const config = loadConfig({ INVENTORY_FILE: INVENTORY, ...env });
  const container = buildServiceContainer(config, { logger: createLogger({ level: 'error', stream: new PassThrough() }) });
  await container.get(TYPES.NodeCatalog).refresh();
  container.bind(MetadataListener).toSelf();
  return { app: container.get(MetadataListener).handle, metrics: () => container.get(SERVICE_METRICS).registry.metrics() };
}

async function appFor(env: Record<string, string> = {}): Promise<RequestListener> {
  return (await serviceFor(env)).app;
}

const agents = new Map<string, Agent>();
const from = (ip: string) => {
  const agent = agents.get(ip) ?? new Agent({ localAddress: ip });
  agents.set(ip, agent);
  return agent;
};

let app: RequestListener;
beforeAll(async () => {
  app = await appFor();
});
afterAll(() => agents.forEach((agent) => agent.destroy()));

const get = (ip: string, path: string) => request(app).get(path).agent(from(ip));

/** One request written as given (which supertest cannot: absolute-form targets, a streamed body): status and text. */
async function exchange(options: RequestOptions, chunks: string[] = []): Promise<[number | undefined, string]> {
  const server = createServer(app).listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const outgoing = httpRequest({ ...options, host: '127.0.0.1', port: (server.address() as AddressInfo).port });
    chunks.forEach((chunk) => outgoing.write(chunk));
    outgoing.end();
    const [response] = (await once(outgoing, 'response')) as [IncomingMessage];
    const body: Buffer[] = [];
    for await (const chunk of response) body.push(chunk as Buffer);
    return [response.statusCode, Buffer.concat(body).toString()];
  } finally {
    server.close();
  }
}

/** Collects the body as bytes, whatever its content type. */
const asBytes = (response: unknown, done: (error: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  const stream = response as NodeJS.ReadableStream;
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  stream.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('OpenStack tree', () => {
  it('lists the versions and latest without a node lookup', async () => {
    const response = await get('127.0.0.99', '/openstack');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text.split('\n')).toEqual(expect.arrayContaining(['2012-08-10', '2018-08-27', 'latest']));
    expect(response.text.split('\n').at(-1)).toBe('latest');
  });

  it('lists a version with and without a trailing slash', async () => {
    const plain = await get(WEB, '/openstack/2018-08-27');
    const slash = await get(WEB, '/openstack/2018-08-27/');
    expect(plain.text).toBe(slash.text);
    expect(plain.text.split('\n')).toEqual([
      'meta_data.json',
      'user_data',
      'password',
      'vendor_data.json',
      'network_data.json',
      'vendor_data2.json',
    ]);
    expect((await get(BOND, '/openstack/latest')).text.split('\n')).not.toContain('user_data');
  });

  it('serves meta_data.json with the config drive first', async () => {
    const response = await get(WEB, '/openstack/latest/meta_data.json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toMatchObject({
      uuid: '0b6a5b2e-7a0e-4f4c-9d8a-6c7e3f1d2a11',
      hostname: 'web-01.example.net',
      name: 'web-01',
      availability_zone: 'az-east',
      project_id: '3f1d9a0c5b2e4d7f8a6c1e0b9d2f4a7c',
      public_keys: { ops: expect.stringMatching(/^ssh-ed25519 /) },
      keys: [{ name: 'ops', type: 'ssh', data: expect.stringMatching(/^ssh-ed25519 /) }],
      meta: expect.objectContaining({ role: 'web', rack: 'r01' }),
    });
    expect(Buffer.from(response.body.random_seed, 'base64')).toHaveLength(512);
  });

  it('serves user data byte for byte, and 404 for a node without any', async () => {
    const response = await get(FIXED, '/openstack/latest/user_data').buffer(true).parse(asBytes);
    expect(response.status).toBe(200);
    expect((response.body as Buffer).toString()).toBe("#!/bin/sh\necho 'provisioned by ironic-metadata' > /etc/motd\n");
    expect((await get(BOND, '/openstack/latest/user_data')).status).toBe(404);
  });

  it('serves network_data.json from the drive, or built from the ports', async () => {
    const drive = JSON.parse((await get(WEB, '/openstack/latest/network_data.json')).text);
    expect(drive.networks[0]).toMatchObject({ type: 'ipv4', ip_address: '127.0.0.11' });
    const ports = JSON.parse((await get(PORTS, '/openstack/latest/network_data.json')).text);
    expect(ports.links.map((link: { ethernet_mac_address: string }) => link.ethernet_mac_address)).toEqual([
      'b8:59:9f:c0:10:0a',
      'b8:59:9f:c0:10:0b',
    ]);
    expect(ports.networks.map((network: { type: string }) => network.type)).toEqual(['ipv4_dhcp', 'ipv4_dhcp']);
  });

  it('serves vendor data documents as JSON', async () => {
    for (const file of ['vendor_data.json', 'vendor_data2.json']) {
      const response = await get(FIXED, `/openstack/latest/${file}`);
      expect(response.status).toBe(200);
      expect(response.body).toEqual({});
    }
  });

  it('answers 404 for unknown files and versions', async () => {
    expect((await get(WEB, '/openstack/latest/nonsense')).status).toBe(404);
    expect((await get(WEB, '/openstack/1999-01-01/meta_data.json')).status).toBe(404);
  });
});

describe('EC2 tree', () => {
  it('lists the versions at / without a node lookup', async () => {
    const response = await get('127.0.0.99', '/');
    expect(response.status).toBe(200);
    const versions = response.text.split('\n');
    expect(versions.slice(0, 9)).toEqual([
      '1.0',
      '2007-01-19',
      '2007-03-01',
      '2007-08-29',
      '2007-10-10',
      '2007-12-15',
      '2008-02-01',
      '2008-09-01',
      '2009-04-04',
    ]);
    expect(versions.slice(-3)).toEqual(['2022-07-09', '2022-09-24', 'latest']);
    expect(versions).toContain('2019-10-01');
  });

  it('serves every key with a listing at each level', async () => {
    const listing = (await get(FIXED, '/latest/meta-data/')).text.split('\n');
    expect(listing).toEqual(
      expect.arrayContaining([
        'ami-id',
        'instance-id',
        'instance-type',
        'hostname',
        'local-hostname',
        'local-ipv4',
        'mac',
        'public-keys/',
        'placement/',
        'reservation-id',
        'security-groups',
        'block-device-mapping/',
        'network/',
      ]),
    );
    expect((await get(FIXED, '/latest/meta-data/instance-id')).text).toBe('4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57');
    expect((await get(FIXED, '/latest/meta-data/local-ipv4')).text).toBe('127.0.0.12');
    expect((await get(FIXED, '/latest/meta-data/public-keys/')).text).toBe('0=deploy');
    expect((await get(FIXED, '/latest/meta-data/public-keys/0/openssh-key')).text).toMatch(/^ssh-rsa /);
    expect((await get(FIXED, '/latest/meta-data/placement/availability-zone')).text).toBe('nova');
    expect((await get(FIXED, '/latest/meta-data/block-device-mapping/')).text.split('\n')).toEqual(['ami', 'root']);
    expect((await get(PORTS, '/latest/meta-data/network/interfaces/macs/')).text).toBe('b8:59:9f:c0:10:0a/\nb8:59:9f:c0:10:0b/');
    expect((await get(PORTS, '/latest/meta-data/network/interfaces/macs/b8:59:9f:c0:10:0b/device-number')).text).toBe('1');
  });

  it('serves user-data, and 404 when there is none', async () => {
    expect((await get(FIXED, '/latest/user-data')).status).toBe(200);
    expect((await get(BOND, '/latest/user-data')).status).toBe(404);
    expect((await get(FIXED, '/latest')).text).toBe('dynamic/\nmeta-data/\nuser-data');
    expect((await get(FIXED, '/2019-10-01/user-data')).text).toBe((await get(FIXED, '/latest/user-data')).text);
  });

  it('answers 404 for unknown keys and versions', async () => {
    expect((await get(FIXED, '/latest/meta-data/nonsense')).status).toBe(404);
    expect((await get(FIXED, '/2023-01-01/meta-data/')).status).toBe(404);
  });
});

describe('caching', () => {
  it('serves a rendered file with a strong ETag, and 304 to a client that has it', async () => {
    const first = await get(PORTS, '/openstack/latest/network_data.json');
    expect(first.headers['etag']).toMatch(/^"[\w-]+"$/);
    const again = await get(PORTS, '/openstack/latest/network_data.json').set('If-None-Match', first.headers['etag']);
    expect(again.status).toBe(304);
    expect(again.text ?? '').toBe('');
  });

  it('answers 304 to a list of tags or a weak tag that holds it, and 200 to others', async () => {
    const { etag } = (await get(PORTS, '/openstack/latest/network_data.json')).headers;
    expect((await get(PORTS, '/openstack/latest/network_data.json').set('If-None-Match', `"other", W/${etag}`)).status).toBe(304);
    expect((await get(PORTS, '/openstack/latest/network_data.json').set('If-None-Match', '*')).status).toBe(304);
    expect((await get(PORTS, '/openstack/latest/network_data.json').set('If-None-Match', '"other"')).status).toBe(200);
  });

  it('never caches meta_data.json: each read has a fresh random seed, and no ETag a client could send back', async () => {
    const [a, b] = await Promise.all([get(WEB, '/openstack/latest/meta_data.json'), get(WEB, '/openstack/2018-08-27/meta_data.json')]);
    expect(a.body.random_seed).not.toBe(b.body.random_seed);
    expect([a.headers['etag'], b.headers['etag']]).toEqual([undefined, undefined]);
    expect((await get(WEB, '/openstack/latest/meta_data.json').set('If-None-Match', '*')).status).toBe(200);
  });
});

describe('methods', () => {
  it('answers HEAD like GET without a body', async () => {
    const getResponse = await get(WEB, '/openstack/latest/meta_data.json');
    const head = await request(app).head('/openstack/latest/network_data.json').agent(from(WEB));
    expect(head.status).toBe(200);
    expect(head.text ?? '').toBe('');
    expect(head.headers['content-length']).toBe(String(Buffer.byteLength((await get(WEB, '/openstack/latest/network_data.json')).text)));
    expect(getResponse.status).toBe(200);
    expect((await request(app).head('/latest/meta-data/nonsense').agent(from(WEB))).status).toBe(404);
  });

  it.each([
    ['post', '/openstack/latest/meta_data.json'],
    ['put', '/latest/meta-data/instance-id'],
    ['delete', '/openstack/latest'],
    ['patch', '/'],
  ] as const)('refuses %s %s with 405 and Allow', async (method, path) => {
    const response = await request(app)[method](path).agent(from(WEB));
    expect(response.status).toBe(405);
    expect(response.headers['allow']).toBe('GET, HEAD');
  });

  it('takes POST on password and says which setting refuses it', async () => {
    const response = await request(app).post('/openstack/latest/password').agent(from(WEB)).send('secret');
    expect(response.status).toBe(403);
    expect(response.text).toContain('set METADATA_PASSWORD_WRITE=true');
    expect((await get(WEB, '/openstack/latest/password')).text).toBe('');
    const writable = await appFor({ METADATA_PASSWORD_WRITE: 'true' });
    const readOnly = await request(writable).post('/openstack/latest/password').agent(from(WEB)).send('secret');
    expect(readOnly.status).toBe(403);
    expect(readOnly.text).toContain('is read-only: changes to nodes need the Ironic source');
  });

  it('refuses a POSTed body past 4 KiB with 413 and a plain line', async () => {
    const response = await request(app)
      .post('/openstack/latest/password')
      .agent(from(WEB))
      .set('content-type', 'text/plain')
      .send('x'.repeat(5000));
    expect(response.status).toBe(413);
    expect(response.text).toBe('Payload too large: a body of at most 4096 bytes\n');
  });

  it('refuses a streamed body once it passes 4 KiB, whatever it declared', async () => {
    const answer = await exchange(
      { localAddress: WEB, method: 'POST', path: '/openstack/latest/password', headers: { 'transfer-encoding': 'chunked' } },
      ['x'.repeat(3000), 'x'.repeat(3000)],
    );
    expect(answer).toEqual([413, 'Payload too large: a body of at most 4096 bytes\n']);
  });

  it('answers other methods on password with 400, as Nova does', async () => {
    expect((await request(app).put('/openstack/latest/password').agent(from(WEB)).send('x')).status).toBe(400);
  });
});

describe('client identity', () => {
  it('reads the path of an absolute-form request target, as a forwarding proxy may send', async () => {
    const answer = await exchange({ localAddress: FIXED, path: 'http://169.254.169.254/latest/meta-data/instance-id?x=1' });
    expect(answer).toEqual([200, '4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57']);
  });

  it('gives each node only its own data', async () => {
    const [a, b] = await Promise.all([get(FIXED, '/latest/meta-data/instance-id'), get(PORTS, '/latest/meta-data/instance-id')]);
    expect(a.text).toBe('4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57');
    expect(b.text).toBe('7d1c5e90-2b4a-4f8e-a3c6-9e0f1b2d4c68');
  });

  it('answers 404 naming an unknown address, and never another node', async () => {
    const response = await get('127.0.0.99', '/openstack/latest/meta_data.json');
    expect(response.status).toBe(404);
    expect(response.text).toContain('127.0.0.99');
    expect(response.text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
  });

  it('answers 404 for a node that carries no instance, saying why', async () => {
    const response = await get(SPARE, '/openstack/latest/meta_data.json');
    expect(response.status).toBe(404);
    expect(response.text).toContain('which is available');
  });
});

describe('ALLOWED_CLIENTS', () => {
  it('refuses any other client with 403 before any lookup, and counts it', async () => {
    const service = await serviceFor({ ALLOWED_CLIENTS: '127.0.0.12/32,10.0.0.0/8' });
    const refused = await request(service.app).get('/openstack/latest/meta_data.json').agent(from(WEB));
    expect(refused.status).toBe(403);
    expect(refused.text).toBe(`Forbidden: ${WEB} is not among the clients this service answers (ALLOWED_CLIENTS)\n`);
    expect((await request(service.app).get('/latest/meta-data/instance-id').agent(from(FIXED))).status).toBe(200);
    expect(await service.metrics()).toMatch(/^metadata_refused_clients_total 1$/m);
  });
});

describe('refusal metrics', () => {
  it('count rate-limited requests and bad proxy signatures', async () => {
    const service = await serviceFor({ RATE_LIMIT_PER_CLIENT: '1', METADATA_PROXY_SHARED_SECRET: 's'.repeat(16) });
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push((await request(service.app).get('/openstack/latest/meta_data.json').agent(from(FIXED))).status);
    expect(statuses).toEqual([200, 200, 429]);
    const forged = await request(service.app)
      .get('/openstack/latest/meta_data.json')
      .agent(from('127.0.0.1'))
      .set({ 'X-Instance-ID': '4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57', 'X-Tenant-ID': 'p', 'X-Instance-ID-Signature': 'f'.repeat(64) });
    expect(forged.status).toBe(403);
    const metrics = await service.metrics();
    expect(metrics).toMatch(/^metadata_rate_limited_requests_total 1$/m);
    expect(metrics).toMatch(/^metadata_bad_proxy_signatures_total 1$/m);
  });
});

describe('IMDSv2 session tokens', () => {
  const token = (ip: string, ttl: string) =>
    request(app).put('/latest/api/token').agent(from(ip)).set('X-aws-ec2-metadata-token-ttl-seconds', ttl);

  it('issues a token that then authorises requests from the same address', async () => {
    const strict = await appFor({ IMDS_TOKEN_REQUIRED: 'true' });
    const issued = await request(strict).put('/latest/api/token').agent(from(FIXED)).set('X-aws-ec2-metadata-token-ttl-seconds', '60');
    expect(issued.status).toBe(200);
    expect(issued.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('60');
    const withToken = (ip: string, value: string) =>
      request(strict).get('/latest/meta-data/instance-id').agent(from(ip)).set('X-aws-ec2-metadata-token', value);
    expect((await withToken(FIXED, issued.text)).status).toBe(200);
    const stolen = await withToken(PORTS, issued.text);
    expect(stolen.status).toBe(401);
    expect((await withToken(FIXED, 'forged')).status).toBe(401);
  });

  it('answers a token it cannot verify as IMDSv1 where tokens are optional, and counts it', async () => {
    const service = await serviceFor();
    const answer = await request(service.app)
      .get('/latest/meta-data/instance-id')
      .agent(from(FIXED))
      .set('X-aws-ec2-metadata-token', 'v1.99999999999.from-another-replica');
    expect(answer.status).toBe(200);
    expect(answer.text).toBe('4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57');
    expect(await service.metrics()).toMatch(/^metadata_bad_tokens_total\{reason="invalid"\} 1$/m);
  });

  it.each(['0', '21601', 'soon', ''])('refuses a TTL of %p', async (ttl) => {
    const response = await token(FIXED, ttl);
    expect(response.status).toBe(400);
    expect(response.text).toContain('X-aws-ec2-metadata-token-ttl-seconds'.toLowerCase());
  });

  it('refuses a token request that went through a forwarding proxy', async () => {
    expect((await token(FIXED, '60').set('X-Forwarded-For', '10.0.0.1')).status).toBe(403);
  });

  describe('behind a trusted proxy (127.0.0.1 here)', () => {
    let proxied: Awaited<ReturnType<typeof serviceFor>>;
    beforeAll(async () => {
      proxied = await serviceFor({ TRUSTED_PROXIES: '127.0.0.1/32', IMDS_TOKEN_REQUIRED: 'true' });
    });
    const via = (method: 'get' | 'put', path: string, forwardedFor: string) =>
      request(proxied.app)[method](path).agent(from('127.0.0.1')).set('X-Forwarded-For', forwardedFor);

    it("issues a token when the proxy's entry is the only one, bound to the client it names", async () => {
      const issued = await via('put', '/latest/api/token', FIXED).set('X-aws-ec2-metadata-token-ttl-seconds', '21600');
      expect(issued.status).toBe(200);
      expect(issued.headers['x-aws-ec2-metadata-token-ttl-seconds']).toBe('21600');
      const ok = await via('get', '/latest/meta-data/instance-id', FIXED).set('X-aws-ec2-metadata-token', issued.text);
      expect(ok.text).toBe('4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57');
      expect((await via('get', '/latest/meta-data/instance-id', PORTS).set('X-aws-ec2-metadata-token', issued.text)).status).toBe(401);
    });

    it('refuses a token to a client whose own X-Forwarded-For shows it relays someone, and counts the header', async () => {
      const refused = await via('put', '/latest/api/token', `192.0.2.50, ${FIXED}`).set('X-aws-ec2-metadata-token-ttl-seconds', '60');
      expect(refused.status).toBe(403);
      expect(refused.text).toContain('forwarded for someone else');
      expect(await proxied.metrics()).toMatch(/^metadata_forged_forwarding_headers_total [1-9]/m);
    });
  });

  it('accepts a token on any replica sharing IMDS_TOKEN_KEY_FILE, and on none without it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'token-keys-'));
    const keyFile = join(dir, 'keys');
    writeFileSync(keyFile, `${'k'.repeat(48)}\n`, { mode: 0o400 });
    const required = { IMDS_TOKEN_KEY_FILE: keyFile, IMDS_TOKEN_REQUIRED: 'true' };
    const [first, second, other] = await Promise.all([appFor(required), appFor(required), appFor({ IMDS_TOKEN_REQUIRED: 'true' })]);
    const issued = await request(first).put('/latest/api/token').agent(from(FIXED)).set('X-aws-ec2-metadata-token-ttl-seconds', '60');
    const onSecond = await request(second)
      .get('/latest/meta-data/instance-id')
      .agent(from(FIXED))
      .set('X-aws-ec2-metadata-token', issued.text);
    expect(onSecond.text).toBe('4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57');
    const elsewhere = await request(other)
      .get('/latest/meta-data/instance-id')
      .agent(from(FIXED))
      .set('X-aws-ec2-metadata-token', issued.text);
    expect(elsewhere.status).toBe(401);
    expect(elsewhere.text).toContain('the IMDSv2 session token is invalid or for another client');
  });

  it('counts refused tokens by reason', async () => {
    const service = await serviceFor();
    await request(service.app).get('/latest/meta-data/instance-id').agent(from(FIXED)).set('X-aws-ec2-metadata-token', 'forged');
    expect(await service.metrics()).toMatch(/^metadata_bad_tokens_total\{reason="invalid"\} 1$/m);
  });

  it('requires a token when configured to', async () => {
    const strict = await appFor({ IMDS_TOKEN_REQUIRED: 'true' });
    expect((await request(strict).get('/latest/meta-data/instance-id').agent(from(FIXED))).status).toBe(401);
    const issued = await request(strict).put('/latest/api/token').agent(from(FIXED)).set('X-aws-ec2-metadata-token-ttl-seconds', '21600');
    const ok = await request(strict).get('/latest/meta-data/instance-id').agent(from(FIXED)).set('X-aws-ec2-metadata-token', issued.text);
    expect(ok.text).toBe('4e8f2a61-9c3d-4b7e-8f1a-2d6c9e0b3a57');
    // The OpenStack tree knows no tokens, as in Nova.
    expect((await request(strict).get('/openstack/latest/meta_data.json').agent(from(FIXED))).status).toBe(200);
  });
});

describe('the NoCloud seed', () => {
  it('is served by client address and counted as its own route family', async () => {
    const { app: handle, metrics } = await serviceFor();
    const answer = await request(handle).get('/nocloud/meta-data').agent(from(WEB));
    expect(answer.status).toBe(200);
    expect(answer.text).toMatch(/^instance-id: ".+"\nlocal-hostname: /);
    expect((await request(handle).get('/nocloud/meta-data').agent(from(SPARE))).status).toBe(404);
    const counted = await metrics();
    expect(counted).toContain('metadata_requests_total{family="nocloud",status="200"} 1');
    expect(counted).toContain('metadata_requests_total{family="nocloud",status="404"} 1');
  });
});

describe('route families in metrics', () => {
  it("count each request under its route's family, also when it is refused before the responder or names nothing", async () => {
    const service = await serviceFor({ ALLOWED_CLIENTS: '127.0.0.12/32' });
    expect(
      (await request(service.app).put('/latest/api/token').agent(from(FIXED)).set('X-aws-ec2-metadata-token-ttl-seconds', '60')).status,
    ).toBe(200);
    expect((await request(service.app).post('/latest/meta-data/').agent(from(FIXED))).status).toBe(405);
    expect((await request(service.app).get('/openstack/2014-01-01/meta_data.json').agent(from(FIXED))).status).toBe(404);
    expect((await request(service.app).get('/openstack/latest/meta_data.json').agent(from(WEB))).status).toBe(403);
    const counted = await service.metrics();
    expect(counted).toContain('metadata_requests_total{family="imds-token",status="200"} 1');
    expect(counted).toContain('metadata_requests_total{family="ec2",status="405"} 1');
    expect(counted).toContain('metadata_requests_total{family="openstack",status="404"} 1');
    expect(counted).toContain('metadata_requests_total{family="openstack",status="403"} 1');
  });
});
