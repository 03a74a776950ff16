import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, NodeCatalog } from '@ironic-metadata/node-discovery';
import { EC2_VERSIONS, LATEST, OPENSTACK_VERSIONS, ROUTES, type InstanceMetadata, type Route } from '@ironic-metadata/formatters';
import { buildInstanceMetadata } from '@ironic-metadata/instance-metadata';
import type { IronicNode } from '@ironic-metadata/ironic-model';
import {
  MetadataResponder,
  PASSWORD_MAX_BYTES,
  type InstanceAnswer,
  type InstanceDirectory,
  type ResponderOptions,
} from './metadata-responder';
import { refuse } from './refusal';
import { instanceIdSignature } from './identity/proxy-signature';
import { ClientRateLimiter } from './guards/rate-limiter';
import { MetadataService } from './metadata-service';
import { SessionTokens } from './guards/session-tokens';
import { DynamicVendorData } from './vendor-data';
import { WritableSource } from '../test-support/writable-source';

const logger = createLogger({ level: 'error', stream: new PassThrough() });
const IP = '10.0.0.5';

const OPTIONS = { defaultAvailabilityZone: 'nova', region: 'RegionOne', vendorData: { region: 'r1' } };

/** The responder's view of one instance at IP: all its spec needs of the node index. */
class OneInstance implements InstanceDirectory {
  passwordsStored = 0;
  constructor(private metadata: InstanceMetadata) {}
  async forClient(clientIp: string): Promise<InstanceAnswer> {
    return clientIp === IP ? { found: true, metadata: this.metadata } : { found: false, ...refuse(404, `no instance at ${clientIp}`) };
  }
  forInstance(instanceId: string): InstanceAnswer {
    return instanceId === this.metadata.uuid
      ? { found: true, metadata: this.metadata }
      : { found: false, ...refuse(404, `no instance ${instanceId}`) };
  }
  async storePassword(_nodeUuid: string, password: string): Promise<void> {
    this.passwordsStored += 1;
    this.metadata = { ...this.metadata, password };
  }
}

function asker(responder: MetadataResponder) {
  return (method: string, path: string, body?: string, headers: Record<string, string> = {}, clientIp = IP) =>
    responder.respond({
      method,
      path,
      clientIp,
      header: (name) => headers[name],
      body: body === undefined ? undefined : Buffer.from(body),
    });
}

function responderFor(options: Partial<ResponderOptions>, node = aNode({ instance_info: { fixed_ips: [IP] } })) {
  const instances = new OneInstance(buildInstanceMetadata({ node, ports: [], portgroups: [] }, OPTIONS));
  const responder = new MetadataResponder(
    instances,
    new SessionTokens(),
    { imdsTokenRequired: false, passwordWrite: true, ...options },
    logger,
  );
  return { ask: asker(responder), instances, node };
}

/** The responder over the service and a node index, for what the service tells a client. */
async function servedFromIndex(node: IronicNode) {
  const catalog = new NodeCatalog(new WritableSource([node]), new ConfigDriveCache(), { matchNodeName: false }, logger);
  await catalog.refresh();
  const service = new MetadataService(catalog, undefined, OPTIONS, logger);
  return {
    ask: asker(new MetadataResponder(service, new SessionTokens(), { imdsTokenRequired: false, passwordWrite: true }, logger)),
    node,
  };
}

describe("Nova's password", () => {
  it('is stored once through the source and served at once', async () => {
    const { ask, instances } = responderFor({});
    expect((await ask('GET', '/openstack/latest/password')).body.toString()).toBe('');
    expect((await ask('POST', '/openstack/latest/password', 'encrypted-secret')).status).toBe(200);
    expect((await ask('GET', '/openstack/latest/password')).body.toString()).toBe('encrypted-secret');
    const again = await ask('POST', '/openstack/latest/password', 'other');
    expect(again.status).toBe(409);
    expect(instances.passwordsStored).toBe(1);
  });

  it(`refuses more than ${PASSWORD_MAX_BYTES} bytes, and takes exactly that many`, async () => {
    const { ask } = responderFor({});
    const tooLarge = await ask('POST', '/openstack/latest/password', 'x'.repeat(PASSWORD_MAX_BYTES + 1));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.toString()).toContain('larger than 1020 bytes');
    expect((await ask('POST', '/openstack/latest/password', 'x'.repeat(PASSWORD_MAX_BYTES))).status).toBe(200);
  });

  it('is refused, naming the setting, when writes are off', async () => {
    const { ask, instances } = responderFor({ passwordWrite: false });
    const refused = await ask('POST', '/openstack/latest/password', 'secret');
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('METADATA_PASSWORD_WRITE=true');
    expect(instances.passwordsStored).toBe(0);
  });

  it('answers any other method with 400, as Nova does, not 405', async () => {
    const { ask } = responderFor({});
    for (const method of ['PUT', 'DELETE', 'PATCH']) {
      const refused = await ask(method, '/openstack/latest/password/');
      expect(refused.status).toBe(400);
      expect(refused.body.toString()).toBe('Bad request: /openstack/latest/password/ takes GET and POST only\n');
    }
  });

  it('does not exist before Grizzly, for any method', async () => {
    const { ask, instances } = responderFor({});
    for (const method of ['GET', 'HEAD', 'POST', 'PUT']) {
      const answer = await ask(method, '/openstack/2012-08-10/password', 'secret');
      expect([method, answer.status, answer.body.toString()]).toEqual([
        method,
        404,
        'Not found: no password in OpenStack metadata version 2012-08-10\n',
      ]);
    }
    expect(instances.passwordsStored).toBe(0);
  });
});

describe('IMDSv2 token route', () => {
  it('takes PUT under latest alone, answers other methods with 405 naming PUT, and is not found under a dated version', async () => {
    const { ask } = responderFor({});
    for (const method of ['GET', 'HEAD', 'POST']) {
      expect(await ask(method, '/latest/api/token')).toMatchObject({ status: 405, headers: { allow: 'PUT' }, family: 'imds-token' });
    }
    for (const method of ['GET', 'PUT']) {
      const answer = await ask(method, '/2021-03-23/api/token', undefined, { 'x-aws-ec2-metadata-token-ttl-seconds': '60' });
      expect(answer).toMatchObject({ status: 404, family: 'ec2' });
      expect(answer.body.toString()).toBe('Not found: no api/token in EC2 metadata version 2021-03-23\n');
    }
    expect(await ask('PUT', '/ec2/latest/api/token', undefined, { 'x-aws-ec2-metadata-token-ttl-seconds': '60' })).toMatchObject({
      status: 200,
      family: 'imds-token',
    });
  });
});

describe('vendor data', () => {
  let target: Server;
  let url: string;
  const received: unknown[] = [];
  let answer: { status: number; body: string } = { status: 200, body: '{"join": "token-1"}' };

  beforeAll(async () => {
    target = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push(JSON.parse(body));
        response.writeHead(answer.status, { 'Content-Type': 'application/json' }).end(answer.body);
      });
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(target.address() as AddressInfo).port}/vendor`;
  });
  afterAll(() => new Promise((resolve) => target.close(resolve)));

  const dynamic = (failureFatal: boolean) =>
    new DynamicVendorData({ targets: [{ name: 'domain', url }], timeoutSeconds: 2, failureFatal, cacheSeconds: 0 }, logger);

  it('serves the static document, and Nova DynamicJSON answers under their names', async () => {
    const { ask, node } = responderFor({ dynamicVendorData: dynamic(false) });
    expect(JSON.parse((await ask('GET', '/openstack/latest/vendor_data.json')).body.toString())).toEqual({ region: 'r1' });
    expect(JSON.parse((await ask('GET', '/openstack/latest/vendor_data2.json')).body.toString())).toEqual({
      static: { region: 'r1' },
      domain: { join: 'token-1' },
    });
    expect(received.at(-1)).toMatchObject({ 'instance-id': node.uuid, hostname: node.name, 'project-id': null });
  });

  it('leaves a failing target out, or fails the request when that is fatal', async () => {
    answer = { status: 500, body: 'oops' };
    const open = responderFor({ dynamicVendorData: dynamic(false) });
    expect(JSON.parse((await open.ask('GET', '/openstack/latest/vendor_data2.json')).body.toString())).toEqual({
      static: { region: 'r1' },
    });
    const closed = responderFor({ dynamicVendorData: dynamic(true) });
    expect((await closed.ask('GET', '/openstack/latest/vendor_data2.json')).status).toBe(500);
    answer = { status: 200, body: 'not json' };
    expect(JSON.parse((await open.ask('GET', '/openstack/latest/vendor_data2.json')).body.toString())).toEqual({
      static: { region: 'r1' },
    });
  });
});

describe("Nova's proxy mode", () => {
  const SECRET = 'a-secret-of-sixteen+';
  const PROXY = '192.0.2.1';
  const signed = (instanceId: string, tenant = 'project-a') => ({
    'x-instance-id': instanceId,
    'x-tenant-id': tenant,
    'x-instance-id-signature': instanceIdSignature(instanceId, SECRET),
  });

  it('serves the instance a correctly signed X-Instance-ID names, whatever the address', async () => {
    const { ask, node } = responderFor({ proxySharedSecret: SECRET }, aNode({ owner: 'project-a' }));
    const answer = await ask('GET', '/latest/meta-data/instance-id', undefined, signed(node.uuid), PROXY);
    expect(answer).toMatchObject({ status: 200, body: Buffer.from(node.uuid) });
  });

  it.each([
    [
      'a bad signature',
      (id: string) => ({ ...signed(id), 'x-instance-id-signature': '0'.repeat(64) }),
      403,
      'invalid proxy request signature',
    ],
    [
      'no signature',
      (id: string) => ({ 'x-instance-id': id, 'x-tenant-id': 'project-a' }),
      400,
      'X-Instance-ID-Signature header is missing',
    ],
    [
      'no tenant',
      (id: string) => ({ 'x-instance-id': id, 'x-instance-id-signature': instanceIdSignature(id, SECRET) }),
      400,
      'X-Tenant-ID header is missing',
    ],
    ['a repeated instance id', (id: string) => ({ ...signed(id), 'x-instance-id': `${id}, ${id}` }), 400, 'given more than once'],
    ['another project', (id: string) => signed(id, 'project-b'), 404, 'in project project-b'],
  ])('refuses %s', async (_case, headers, status, message) => {
    const { ask, node } = responderFor({ proxySharedSecret: SECRET }, aNode({ owner: 'project-a' }));
    const answer = await ask('GET', '/latest/meta-data/instance-id', undefined, headers(node.uuid), PROXY);
    expect(answer.status).toBe(status);
    expect(answer.body.toString()).toContain(message);
  });

  it('checks the signed headers before the path and the method, as Nova does', async () => {
    const { ask, node, instances } = responderFor({ proxySharedSecret: SECRET }, aNode({ owner: 'project-a' }));
    const badSignature = { ...signed(node.uuid), 'x-instance-id-signature': '0'.repeat(64) };
    const unsigned = { 'x-instance-id': node.uuid, 'x-tenant-id': 'project-a' };
    for (const [method, path] of [
      ['PUT', '/openstack/latest/password'],
      ['POST', '/openstack/latest/password'],
      ['POST', '/openstack/latest/meta_data.json'],
      ['PUT', '/latest/api/token'],
      ['GET', '/openstack/2012-08-10/password'],
      ['DELETE', '/latest/meta-data/instance-id'],
    ]) {
      const refused = await ask(method, path, 'secret', badSignature, PROXY);
      expect([method, path, refused.status, refused.body.toString()]).toEqual([
        method,
        path,
        403,
        'Forbidden: invalid proxy request signature\n',
      ]);
      expect((await ask(method, path, 'secret', unsigned, PROXY)).status).toBe(400);
    }
    expect(instances.passwordsStored).toBe(0);
    // Correctly signed, the method check comes next: Nova's 400 on password, 405 elsewhere.
    expect((await ask('PUT', '/openstack/latest/password', 'secret', signed(node.uuid), PROXY)).status).toBe(400);
    expect((await ask('POST', '/openstack/latest/meta_data.json', 'secret', signed(node.uuid), PROXY)).status).toBe(405);
    // The version listings are public: no instance is asked for, so the headers are not looked at.
    expect((await ask('GET', '/openstack', undefined, badSignature, PROXY)).status).toBe(200);
  });

  it('ignores X-Instance-ID when no shared secret is configured', async () => {
    const { ask, node } = responderFor({}, aNode({ instance_info: { fixed_ips: [IP] } }));
    expect((await ask('GET', '/latest/meta-data/instance-id', undefined, { 'x-instance-id': 'someone-else' })).body.toString()).toBe(
      node.uuid,
    );
  });
});

describe('a body new on every read', () => {
  // The listener gives no ETag to such a body: its hash would cost each request and never match.
  it.each([
    ['/openstack/latest/meta_data.json', true],
    ['/openstack/2013-04-04/meta_data.json', true],
    ['/openstack/2012-08-10/meta_data.json', false], // before Grizzly: no random_seed
    ['/openstack/latest/network_data.json', false],
    ['/latest/meta-data/instance-id', false],
  ])('%s is fresh on every read: %s', async (path, fresh) => {
    const { ask } = responderFor({});
    const answer = await ask('GET', path);
    expect(answer.status).toBe(200);
    expect(answer.freshOnEveryRead ?? false).toBe(fresh);
  });

  it("is the same bytes but for the seed, read after read, from the service's own index", async () => {
    const { ask } = await servedFromIndex(aNode({ instance_info: { fixed_ips: [IP] } }));
    const reads = await Promise.all([1, 2, 3].map(() => ask('GET', '/openstack/latest/meta_data.json')));
    const documents = reads.map((read) => JSON.parse(read.body.toString()) as { random_seed: string });
    expect(new Set(documents.map((document) => document.random_seed)).size).toBe(3);
    expect(new Set(reads.map((read) => read.body.toString().replace(/"random_seed":"[^"]*"/, ''))).size).toBe(1);
  });
});

describe('the NoCloud seed', () => {
  it.each(['meta-data', 'user-data', 'vendor-data', 'network-config'])(
    'answers HEAD on /nocloud/%s like GET, and 405 with Allow to other methods',
    async (file) => {
      const network_data = {
        links: [{ id: 'iface0', type: 'phy', ethernet_mac_address: '52:54:00:00:00:05' }],
        networks: [],
        services: [],
      };
      const { ask } = responderFor({}, aNode({ instance_info: { fixed_ips: [IP] }, network_data }));
      const get = await ask('GET', `/nocloud/${file}`);
      expect(get.status).toBe(200);
      expect(await ask('HEAD', `/nocloud/${file}`)).toEqual(get);
      for (const method of ['POST', 'PUT', 'DELETE']) {
        expect(await ask(method, `/nocloud/${file}`)).toMatchObject({ status: 405, headers: { allow: 'GET, HEAD' } });
      }
    },
  );

  it('is per instance: the instance id is the node it found, and 404 for an address no node has', async () => {
    const { ask, node } = await servedFromIndex(aNode({ instance_info: { fixed_ips: [IP] } }));
    expect((await ask('GET', '/nocloud/meta-data')).body.toString()).toContain(`instance-id: "${node.uuid}"\n`);
    const stranger = await ask('GET', '/nocloud/meta-data', undefined, {}, '10.0.0.99');
    expect(stranger.status).toBe(404);
    expect(stranger.body.toString()).toContain('no node matches 10.0.0.99');
  });

  it('is 404 for a node that is not active, saying which state it is in', async () => {
    const { ask } = await servedFromIndex(aNode({ provision_state: 'available', instance_uuid: null, instance_info: { fixed_ips: [IP] } }));
    const answer = await ask('GET', '/nocloud/user-data');
    expect(answer.status).toBe(404);
    expect(answer.body.toString()).toContain('which is available');
  });
});

describe('request limits', () => {
  it('answers 429 with Retry-After past the per-client rate, and serves other clients', async () => {
    const { ask } = responderFor({ rateLimiter: new ClientRateLimiter(2, () => 0) });
    const statuses = [];
    for (let i = 0; i < 5; i++) statuses.push((await ask('GET', '/openstack')).status);
    expect(statuses).toEqual([200, 200, 200, 200, 429]);
    expect((await ask('GET', '/openstack', undefined, {}, '10.0.0.6')).status).toBe(200);
  });

  it('never fails with 500 or throws, whatever the path, method and headers (fuzz)', async () => {
    const { ask } = responderFor({ proxySharedSecret: 'a-secret-of-sixteen+' });
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
    const pieces = [
      'openstack',
      'latest',
      '2012-08-10',
      'meta-data',
      'meta_data.json',
      '..',
      '.',
      '%2e',
      '%00',
      '%25',
      '%',
      '%zz',
      'public-keys',
      '0',
      'openssh-key',
      'network',
      'interfaces',
      'macs',
      'api',
      'token',
      'password',
      'x'.repeat(300),
      '\u00e9',
      '__proto__',
      'constructor',
      '',
      'nocloud',
      'network-config',
    ];
    const methods = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'];
    for (let i = 0; i < 3000; i++) {
      const path = `/${Array.from({ length: Math.floor(random() * 6) }, () => pick(pieces)).join('/')}${random() < 0.3 ? '/' : ''}`;
      const headers: Record<string, string> = {};
      if (random() < 0.2) headers['x-aws-ec2-metadata-token'] = pick(['', 'forged', 'x'.repeat(100)]);
      if (random() < 0.2) headers['x-aws-ec2-metadata-token-ttl-seconds'] = pick(['', '-1', '1e3', '21600', 'NaN']);
      if (random() < 0.2) headers['x-instance-id'] = pick(['', 'a,b', 'node']);
      const answer = await ask(pick(methods), path, random() < 0.3 ? 'body' : undefined, headers, `10.9.${i % 250}.${(i >> 8) % 250}`);
      expect(answer.status).toBeGreaterThanOrEqual(200);
      expect(answer.status).toBeLessThan(500);
    }
  });
});

describe('Allow, walked over every route, version and method', () => {
  const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'];
  const TTL = { 'x-aws-ec2-metadata-token-ttl-seconds': '60' };

  /** A path of each version a route may take: the route's own segments, or the version's listing for a catch-all. */
  function pathsOf(route: Route): string[] {
    const below = route.segments?.join('/') ?? '';
    switch (route.tree) {
      case 'openstack-root':
        return ['/openstack'];
      case 'ec2-root':
        return ['/', '/ec2/'];
      case 'nocloud':
        return ['/nocloud/', '/nocloud/meta-data'];
      case 'openstack':
        return [...OPENSTACK_VERSIONS, LATEST].map((version) => `/openstack/${version}/${below}`);
      case 'ec2':
        return [...EC2_VERSIONS, LATEST].map((version) => `/${version}/${below}`);
    }
  }

  it.each(ROUTES.map((route) => [route.name, route] as const))(
    '%s: every method Allow names answers, and a path the version lacks is 404 for every method',
    async (_name, route) => {
      const { ask } = responderFor({});
      const faults: string[] = [];
      for (const path of pathsOf(route)) {
        const statuses = new Map<string, number>();
        for (const method of METHODS) {
          const answer = await ask(method, path, 'secret', TTL);
          statuses.set(method, answer.status);
          for (const allowed of answer.headers.allow?.split(', ') ?? []) {
            const status = (await ask(allowed, path, 'secret', TTL)).status;
            if (status === 404 || status === 405) faults.push(`${method} ${path}: Allow names ${allowed}, which answers ${status}`);
          }
        }
        const statusSet = new Set(statuses.values());
        if (statusSet.has(404) && statusSet.size > 1) faults.push(`${path}: 404 for some methods only (${[...statuses].join(' ')})`);
      }
      expect(faults).toEqual([]);
    },
  );
});
