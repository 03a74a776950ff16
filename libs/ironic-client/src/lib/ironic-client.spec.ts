import { IronicApiError, IronicClient, IronicResponseError, IronicVersionError } from '../index';
import { leftAsideIn } from '@ironic-metadata/ironic-model';
import { startFakeServer, type FakeServer } from '../test-support/fake-http-server';
import { fakeIronic, type FakeIronicData } from '../test-support/fake-ironic';
import { recordingLogger } from '../test-support/recording-logger';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const node = (n: number, owner = 'p1') => ({
  uuid: uuid(n),
  name: `node-${n}`,
  provision_state: 'active',
  owner,
  instance_info: {},
  driver_info: {},
  properties: {},
  extra: {},
  network_data: {},
});
const port = (n: number, nodeNumber: number) => ({
  uuid: uuid(100 + n),
  address: `52:54:00:00:00:0${n}`,
  node_uuid: uuid(nodeNumber),
  pxe_enabled: true,
});

describe('IronicClient', () => {
  let server: FakeServer;
  const start = async (data: FakeIronicData) => {
    server = await startFakeServer(fakeIronic(data));
    return server;
  };
  const paths = () => server.requests.map((request) => `${request.method} ${request.url}`);
  afterEach(() => server?.close());

  describe('observer', () => {
    it('hears of every exchange, with its status, duration and error', async () => {
      await start({ nodes: [node(1)] });
      const events: unknown[] = [];
      const client = new IronicClient({ endpoint: server.url, retries: 0, observer: (event) => events.push(event) });
      await client.getNode(uuid(1));
      await expect(client.getNode(uuid(9))).rejects.toThrow(IronicApiError);
      expect(events).toEqual([
        { method: 'GET', path: '/', status: 200, durationMs: expect.any(Number) },
        { method: 'GET', path: `/v1/nodes/${uuid(1)}`, status: 200, durationMs: expect.any(Number) },
        { method: 'GET', path: `/v1/nodes/${uuid(9)}`, status: 404, durationMs: expect.any(Number), error: 'IronicApiError' },
      ]);
    });
  });

  describe('version negotiation', () => {
    it('uses the server maximum when the client knows it, once for concurrent calls', async () => {
      await start({ maxMinor: 82, nodes: [node(1)] });
      const client = new IronicClient({ endpoint: server.url });
      expect(client.apiVersion).toBeUndefined();
      await Promise.all([client.getNode(uuid(1)), client.getNode('node-1'), client.negotiate()]);
      expect(client.apiVersion).toBe('1.82');
      expect(paths().filter((path) => path === 'GET /')).toHaveLength(1);
    });

    it('uses the lower of the server maximum and maxVersion', async () => {
      await start({ maxMinor: 60 });
      expect(await new IronicClient({ endpoint: server.url }).negotiate()).toBe('1.60');
      expect(await new IronicClient({ endpoint: server.url, maxVersion: '1.46' }).negotiate()).toBe('1.46');
    });

    it('sends the negotiated version on every API request, and accepts an endpoint ending in /v1', async () => {
      await start({ nodes: [node(1)] });
      const client = new IronicClient({ endpoint: `${server.url}/v1/` });
      await client.getNode(uuid(1));
      await client.listNodes().all();
      const apiRequests = server.requests.filter((request) => request.url.startsWith('/v1/'));
      expect(apiRequests).toHaveLength(2);
      for (const request of apiRequests) {
        expect(request.headers['x-openstack-ironic-api-version']).toBe('1.82');
        expect(request.headers['accept']).toBe('application/json');
      }
    });

    it('explains an answer that is not an Ironic root document', async () => {
      server = await startFakeServer(() => ({ body: '<html>hello</html>' }));
      await expect(new IronicClient({ endpoint: server.url }).negotiate()).rejects.toThrow(
        new IronicResponseError('GET', `${server.url}/`, 200, ['body is not JSON (it starts with "<html>hello</html>")']),
      );
    });
  });

  describe('listNodes', () => {
    const mixedOwners = [node(1, 'p1'), node(2, 'p2'), node(3, 'p1'), node(4, 'p2'), node(5, 'p1'), node(6, 'p1'), node(7, 'p2')];

    it('pages by marker with the filters on every page and never follows next', async () => {
      await start({ nodes: mixedOwners });
      const pages: string[][] = [];
      for await (const page of new IronicClient({ endpoint: server.url }).listNodes({ filters: { owner: 'p1' }, pageSize: 2 })) {
        pages.push(page.map((item) => item.name ?? ''));
      }
      expect(pages).toEqual([
        ['node-1', 'node-3'],
        ['node-5', 'node-6'],
      ]);
      expect(paths().slice(1)).toEqual([
        'GET /v1/nodes/detail?owner=p1&limit=2',
        `GET /v1/nodes/detail?owner=p1&limit=2&marker=${uuid(3)}`,
        `GET /v1/nodes/detail?owner=p1&limit=2&marker=${uuid(6)}`,
      ]);
    });

    it('keeps paging when the server cut a page short but announced a next page', async () => {
      await start({ nodes: mixedOwners, maxLimit: 3 });
      const nodes = await new IronicClient({ endpoint: server.url }).listNodes({ pageSize: 5 }).all();
      expect(nodes.map((item) => item.uuid)).toEqual(mixedOwners.map((item) => item.uuid));
    });

    it('stops at limit items, asking for no more than needed', async () => {
      await start({ nodes: mixedOwners });
      const nodes = await new IronicClient({ endpoint: server.url }).listNodes({ pageSize: 2, limit: 3 }).all();
      expect(nodes).toHaveLength(3);
      expect(paths().slice(1)).toEqual(['GET /v1/nodes/detail?limit=2', `GET /v1/nodes/detail?limit=1&marker=${uuid(2)}`]);
    });

    it('asks for a fields subset plus uuid, validated and typed accordingly', async () => {
      await start({ nodes: [node(1)] });
      const [first] = await new IronicClient({ endpoint: server.url }).listNodes({ fields: ['name', 'network_data'] }).all();
      expect(first).toEqual({ uuid: uuid(1), name: 'node-1', network_data: {} });
      // @ts-expect-error owner was not selected, so the type does not offer it
      expect(first.owner).toBeUndefined();
      expect(paths()[1]).toBe('GET /v1/nodes?fields=uuid%2Cname%2Cnetwork_data&limit=100');
    });

    it('leaves out fields newer than the negotiated version, and says so once', async () => {
      await start({ maxMinor: 60, nodes: [node(1)] });
      const { logger, lines } = recordingLogger();
      const client = new IronicClient({ endpoint: server.url, logger });
      await client.listNodes({ fields: ['name', 'network_data'] }).all();
      await client.getNode(uuid(1), ['network_data']);
      expect(paths().slice(1)).toEqual(['GET /v1/nodes?fields=uuid%2Cname&limit=100', `GET /v1/nodes/${uuid(1)}?fields=uuid`]);
      expect(lines.filter((line) => line.startsWith('warn'))).toEqual([
        'warn: Ironic node field network_data needs API 1.66 but 1.60 is in use; it is left out of answers',
      ]);
    });

    it('refuses a filter newer than the negotiated version without sending it', async () => {
      await start({ maxMinor: 40 });
      const listing = new IronicClient({ endpoint: server.url }).listNodes({ filters: { owner: 'p1' } });
      await expect(listing.all()).rejects.toThrow(IronicVersionError);
      await expect(listing.all()).rejects.toThrow(
        `GET ${server.url}/v1/nodes?owner=p1 not sent: the owner filter needs Ironic API 1.50 but 1.40 is in use`,
      );
      expect(paths().filter((path) => path.startsWith('GET /v1'))).toEqual([]);
    });

    it('leaves out and reports a node that does not have the expected shape', async () => {
      await start({ nodes: [node(1), { ...node(2), provision_state: 7 }, node(3), { ...node(4), uuid: undefined as unknown as string }] });
      const { logger, lines } = recordingLogger();
      const nodes = await new IronicClient({ endpoint: server.url, logger }).listNodes().all();
      expect(nodes.map((item) => item.name)).toEqual(['node-1', 'node-3']);
      expect(lines.find((line) => line.startsWith('warn'))).toContain(
        `nodes[1] (${uuid(2)}): field provision_state: Invalid input: expected string, received number`,
      );
      expect(lines.find((line) => line.startsWith('warn'))).toContain(
        'nodes[3]: field uuid: Invalid input: expected string, received undefined',
      );
    });
  });

  describe('lenient parsing', () => {
    it('keeps a node whose network_data or instance_info holds values the service does not use, as Ironic stores them', async () => {
      // Nova's Ironic driver copies portgroup properties as they are: Ironic stores `--property miimon=100` as "100".
      const bond = { id: 'bond0', type: 'bond', bond_links: ['a', 'b'], bond_miimon: '100', mtu: 0, 'x-vendor': { deep: [1] } };
      const odd = {
        ...node(2),
        network_data: { links: [bond], networks: [] },
        instance_info: { fixed_ips: ['10.0.0.2', 'not-an-address'] },
      };
      await start({ nodes: [node(1), odd] });
      const nodes = await new IronicClient({ endpoint: server.url }).listNodes().all();
      expect(nodes.map((item) => item.name)).toEqual(['node-1', 'node-2']);
      expect(nodes[1].network_data).toEqual({ links: [bond], networks: [] });
      expect(nodes[1].instance_info.fixed_ips).toEqual(['10.0.0.2']);
      expect(leftAsideIn(nodes[1])).toEqual([
        { field: 'instance_info.fixed_ips[1]', problem: 'expected an IPv4 or IPv6 address, or {"ip_address": <address>}' },
      ]);
      expect(leftAsideIn(nodes[0])).toEqual([]);
    });
  });

  describe('getNode and patchNode', () => {
    it('gets a node by name', async () => {
      await start({ nodes: [node(1)] });
      expect(await new IronicClient({ endpoint: server.url }).getNode('node-1')).toMatchObject({ uuid: uuid(1), owner: 'p1' });
    });

    it("reports a missing node with Ironic's explanation", async () => {
      await start({});
      const failure = new IronicClient({ endpoint: server.url }).getNode('missing');
      await expect(failure).rejects.toThrow(IronicApiError);
      await expect(failure).rejects.toMatchObject({ status: 404, method: 'GET', ironicMessage: 'Node missing could not be found' });
      await expect(failure).rejects.toThrow(
        new Error(
          `GET ${server.url}/v1/nodes/missing failed: Ironic answered 404: Node missing could not be found. ` +
            'Nothing by that identifier exists; check the uuid, name or address.',
        ),
      );
    });

    it('rejects a node answer without the required fields', async () => {
      await start({ nodes: [{ uuid: uuid(1) }] });
      await expect(new IronicClient({ endpoint: server.url }).getNode(uuid(1))).rejects.toThrow(
        `GET ${server.url}/v1/nodes/${uuid(1)} answered 200 with an unexpected body: field provision_state: Invalid input: expected string, received undefined.`,
      );
    });

    it('patches a node with JSON Patch and returns the node', async () => {
      await start({ nodes: [node(1)] });
      const patched = await new IronicClient({ endpoint: server.url }).patchNode(uuid(1), [
        { op: 'add', path: '/extra/password', value: 'secret' },
      ]);
      expect(patched.extra).toEqual({ password: 'secret' });
      const patch = server.requests.find((request) => request.method === 'PATCH');
      expect(patch?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(patch?.body ?? '')).toEqual([{ op: 'add', path: '/extra/password', value: 'secret' }]);
    });
  });

  describe('ports and portgroups', () => {
    const ports = [port(1, 1), port(2, 1), port(3, 2)];

    it('finds a port by MAC, normalising it first', async () => {
      await start({ ports });
      const client = new IronicClient({ endpoint: server.url });
      expect(await client.findPortByAddress('52-54-00-00-00-02', ['node_uuid'])).toEqual({ uuid: uuid(102), node_uuid: uuid(1) });
      expect(await client.findPortByAddress('52:54:00:00:00:0A')).toBeUndefined();
      expect(paths().slice(1)).toEqual([
        'GET /v1/ports?address=52%3A54%3A00%3A00%3A00%3A02&fields=uuid%2Cnode_uuid',
        'GET /v1/ports/detail?address=52%3A54%3A00%3A00%3A00%3A0a',
      ]);
    });

    it('rejects an invalid MAC before asking Ironic', async () => {
      await start({ ports });
      await expect(new IronicClient({ endpoint: server.url }).findPortByAddress('52:54:00:zz')).rejects.toThrow(
        '"52:54:00:zz" is not a MAC address (expected six hex pairs such as 52:54:00:12:34:56, 525400123456 or 5254.0012.3456)',
      );
      expect(server.requests).toEqual([]);
    });

    it("lists a node's ports page by page", async () => {
      await start({ ports });
      const found = await new IronicClient({ endpoint: server.url }).listPorts({ nodeUuid: uuid(1), pageSize: 1 }).all();
      expect(found.map((item) => item.address)).toEqual(['52:54:00:00:00:01', '52:54:00:00:00:02']);
      expect(paths().slice(1)).toEqual([
        `GET /v1/ports/detail?node_uuid=${uuid(1)}&limit=1`,
        `GET /v1/ports/detail?node_uuid=${uuid(1)}&limit=1&marker=${uuid(101)}`,
        `GET /v1/ports/detail?node_uuid=${uuid(1)}&limit=1&marker=${uuid(102)}`,
      ]);
    });

    it("lists a node's portgroups, which need API 1.23", async () => {
      const portgroups = [{ uuid: uuid(200), node_uuid: uuid(1), address: '52:54:00:00:00:01', mode: '802.3ad' }];
      await start({ portgroups });
      expect(await new IronicClient({ endpoint: server.url }).listPortgroups({ nodeUuid: uuid(1) }).all()).toEqual(portgroups);
      await expect(new IronicClient({ endpoint: server.url, maxVersion: '1.22' }).listPortgroups().all()).rejects.toThrow(
        'listing portgroups needs Ironic API 1.23 but 1.22 is in use',
      );
    });
  });
});
