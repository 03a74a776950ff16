import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, NodeCatalog, type NodePatch, type NodeSource } from '@ironic-metadata/node-discovery';
import { MetadataResponder, PASSWORD_MAX_BYTES, type ResponderOptions } from './metadata-responder';
import { MetadataService } from './metadata-service';
import { SessionTokens } from './session-tokens';
import { DynamicVendorData } from './vendor-data';

/** An in-memory source that applies `add` patches, as Ironic would. */
class WritableSource implements NodeSource {
  readonly description = 'in-memory source';
  patches = 0;
  constructor(private readonly nodes: IronicNode[]) {}
  async load(): Promise<Inventory> {
    return { nodes: this.nodes, ports: [], portgroups: [] };
  }
  async patchNode(uuid: string, patch: readonly NodePatch[]): Promise<IronicNode> {
    this.patches += 1;
    const index = this.nodes.findIndex((node) => node.uuid === uuid);
    const node = structuredClone(this.nodes[index]);
    for (const { path, value } of patch) {
      const [, field, key] = path.split('/');
      (node[field] as Record<string, unknown>)[key] = value;
    }
    this.nodes[index] = node;
    return node;
  }
}

const logger = createLogger({ level: 'error', stream: new PassThrough() });
const IP = '10.0.0.5';

async function responderFor(options: Partial<ResponderOptions>, node = aNode({ instance_info: { fixed_ips: [IP] } })) {
  const source = new WritableSource([node]);
  const catalog = new NodeCatalog(source, new ConfigDriveCache(), { matchNodeName: false }, logger);
  await catalog.refresh();
  const service = new MetadataService(catalog, undefined, { defaultAvailabilityZone: 'nova', vendorData: { region: 'r1' } }, logger);
  const responder = new MetadataResponder(service, new SessionTokens(), { imdsTokenRequired: false, passwordWrite: true, ...options }, logger);
  const ask = (method: string, path: string, body?: string) =>
    responder.respond({ method, path, clientIp: IP, header: () => undefined, body: body === undefined ? undefined : Buffer.from(body) });
  return { ask, source, node };
}

describe("Nova's password", () => {
  it('is stored once through the source and served at once', async () => {
    const { ask, source } = await responderFor({});
    expect((await ask('GET', '/openstack/latest/password')).body.toString()).toBe('');
    expect((await ask('POST', '/openstack/latest/password', 'encrypted-secret')).status).toBe(200);
    expect((await ask('GET', '/openstack/latest/password')).body.toString()).toBe('encrypted-secret');
    const again = await ask('POST', '/openstack/latest/password', 'other');
    expect(again.status).toBe(409);
    expect(source.patches).toBe(1);
  });

  it(`refuses more than ${PASSWORD_MAX_BYTES} bytes, and takes exactly that many`, async () => {
    const { ask } = await responderFor({});
    const tooLarge = await ask('POST', '/openstack/latest/password', 'x'.repeat(PASSWORD_MAX_BYTES + 1));
    expect(tooLarge.status).toBe(400);
    expect(tooLarge.body.toString()).toContain('larger than 1020 bytes');
    expect((await ask('POST', '/openstack/latest/password', 'x'.repeat(PASSWORD_MAX_BYTES))).status).toBe(200);
  });

  it('is refused, naming the setting, when writes are off', async () => {
    const { ask, source } = await responderFor({ passwordWrite: false });
    const refused = await ask('POST', '/openstack/latest/password', 'secret');
    expect(refused.status).toBe(403);
    expect(refused.body.toString()).toContain('METADATA_PASSWORD_WRITE=true');
    expect(source.patches).toBe(0);
  });

  it('does not exist before Grizzly', async () => {
    const { ask } = await responderFor({});
    expect((await ask('POST', '/openstack/2012-08-10/password', 'secret')).status).toBe(405);
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

  const dynamic = (failureFatal: boolean) => new DynamicVendorData({ targets: [{ name: 'domain', url }], timeoutSeconds: 2, failureFatal, cacheSeconds: 0 }, logger);

  it('serves the static document, and Nova DynamicJSON answers under their names', async () => {
    const { ask, node } = await responderFor({ dynamicVendorData: dynamic(false) });
    expect(JSON.parse((await ask('GET', '/openstack/latest/vendor_data.json')).body.toString())).toEqual({ region: 'r1' });
    expect(JSON.parse((await ask('GET', '/openstack/latest/vendor_data2.json')).body.toString())).toEqual({ static: { region: 'r1' }, domain: { join: 'token-1' } });
    expect(received.at(-1)).toMatchObject({ 'instance-id': node.uuid, hostname: node.name, 'project-id': null });
  });

  it('leaves a failing target out, or fails the request when that is fatal', async () => {
    answer = { status: 500, body: 'oops' };
    const open = await responderFor({ dynamicVendorData: dynamic(false) });
    expect(JSON.parse((await open.ask('GET', '/openstack/latest/vendor_data2.json')).body.toString())).toEqual({ static: { region: 'r1' } });
    const closed = await responderFor({ dynamicVendorData: dynamic(true) });
    expect((await closed.ask('GET', '/openstack/latest/vendor_data2.json')).status).toBe(500);
    answer = { status: 200, body: 'not json' };
    expect(JSON.parse((await open.ask('GET', '/openstack/latest/vendor_data2.json')).body.toString())).toEqual({ static: { region: 'r1' } });
  });
});
