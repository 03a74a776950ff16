import { decodeConfigDrive } from '@ironic-metadata/configdrive';
import { buildFleet, type Fleet } from './fleet';
import { nodeAddress } from './node-address';
import { SimApi } from './sim-api';
import { startIronicSim } from './sim-server';

const URL_BASE = 'http://127.0.0.1:6385';
const NODES = 2500;

type Json = Record<string, unknown>;

describe('SimApi', () => {
  let fleet: Fleet;
  let api: SimApi;

  beforeAll(() => {
    fleet = buildFleet({ nodes: NODES, driveVariants: 3, publicUrl: URL_BASE });
  });
  beforeEach(() => {
    api = new SimApi(fleet, URL_BASE);
  });

  /** `null`: no version header at all. */
  const get = (path: string, version: string | null = '1.82') => {
    const reply = api.handle('GET', path, version ?? undefined);
    return { ...reply, json: JSON.parse(reply.body) as Json };
  };
  const faultOf = (body: Json) => (JSON.parse(body['error_message'] as string) as { faultstring: string }).faultstring;

  describe('versions', () => {
    it('offers 1.1 to 1.82 at the root', () => {
      const root = get('/', null).json;
      expect(root['default_version']).toMatchObject({ id: 'v1', min_version: '1.1', version: '1.82' });
    });

    it('sends the version headers with every versioned answer, refusals included', () => {
      const { headers } = get('/v1/nodes?limit=1');
      expect(headers).toMatchObject({
        'X-OpenStack-Ironic-API-Minimum-Version': '1.1',
        'X-OpenStack-Ironic-API-Maximum-Version': '1.82',
        'X-OpenStack-Ironic-API-Version': '1.82',
      });
      const refused = get('/v1/nodes', '1.83');
      expect(refused.status).toBe(406);
      expect(refused.headers['X-OpenStack-Ironic-API-Maximum-Version']).toBe('1.82');
    });

    it('answers as 1.1 without a header: no fields parameter, no newer node fields', () => {
      expect(get('/v1/nodes?fields=uuid', null).status).toBe(406);
      const node = (get('/v1/nodes/detail?limit=1', null).json['nodes'] as Json[])[0];
      expect(node).not.toHaveProperty('network_data');
      expect(node).not.toHaveProperty('name');
      expect(node).toHaveProperty('instance_info');
    });

    it('gates network_data at 1.66, as Ironic does', () => {
      expect(get('/v1/nodes?fields=uuid,network_data&limit=1', '1.65').status).toBe(406);
      const node = (get('/v1/nodes?fields=uuid,network_data&limit=1', '1.66').json['nodes'] as Json[])[0];
      expect(Object.keys(node)).toEqual(['uuid', 'network_data']);
      expect((get('/v1/nodes/detail?limit=1', '1.65').json['nodes'] as Json[])[0]).not.toHaveProperty('network_data');
    });
  });

  describe('paging', () => {
    it('pages by marker with a next link exactly when a page is full', () => {
      const seen: string[] = [];
      const pages: number[] = [];
      let marker = '';
      for (;;) {
        const page = get(`/v1/nodes?fields=uuid,provision_state&limit=1000${marker}`).json;
        const nodes = page['nodes'] as Json[];
        pages.push(nodes.length);
        seen.push(...nodes.map((node) => node['uuid'] as string));
        if (!page['next']) break;
        marker = `&marker=${nodes[nodes.length - 1]['uuid'] as string}`;
      }
      expect(pages).toEqual([1000, 1000, 500]);
      expect(new Set(seen).size).toBe(NODES);
    });

    it('gives an empty last page after a full one', () => {
      const last = fleet.nodes[NODES - 501]['uuid'] as string;
      const full = get(`/v1/nodes?limit=500&marker=${last}`).json;
      expect((full['nodes'] as Json[]).length).toBe(500);
      expect(full['next']).toBeDefined();
      const empty = get(`/v1/nodes?limit=500&marker=${fleet.nodes[NODES - 1]['uuid'] as string}`).json;
      expect(empty).toEqual({ nodes: [] });
    });

    it('keeps sorting and fields in the next link but drops filters, like Ironic', () => {
      const next = get('/v1/nodes?provision_state=active&fields=uuid,name&limit=2').json['next'] as string;
      expect(next).toBe(
        `${URL_BASE}/v1/nodes?sort_key=id&sort_dir=asc&fields=uuid,name&limit=2&marker=${fleet.nodes[1]['uuid'] as string}`,
      );
    });

    it('caps the limit at 1000 and refuses a limit that is not positive', () => {
      expect((get('/v1/nodes?limit=5000').json['nodes'] as Json[]).length).toBe(1000);
      expect(get('/v1/nodes?limit=0').status).toBe(400);
      expect(get('/v1/nodes?limit=ten').status).toBe(400);
    });

    it('answers 404 for a marker that is no node', () => {
      expect(get('/v1/nodes?marker=00000000-0000-4000-8000-000000000000').status).toBe(404);
    });
  });

  describe('fields', () => {
    it.each(['updated_at', 'created_at', 'no_such_field'])('refuses %s with 400, as Ironic 21.4 does', (field) => {
      const reply = get(`/v1/nodes?fields=uuid,${field}`);
      expect(reply.status).toBe(400);
      expect(faultOf(reply.json)).toBe(`Field ${field} is not a valid field.`);
    });

    it('refuses fields together with detail', () => {
      expect(get('/v1/nodes/detail?fields=uuid').status).toBe(400);
      expect(get('/v1/nodes?detail=true&fields=uuid').status).toBe(400);
    });

    it('shows the default fields and links without a selection', () => {
      const node = (get('/v1/nodes?limit=1').json['nodes'] as Json[])[0];
      expect(Object.keys(node).sort()).toEqual(['instance_uuid', 'links', 'maintenance', 'name', 'power_state', 'provision_state', 'uuid']);
    });
  });

  describe('nodes', () => {
    it('gives each node its loopback address in network_data and instance_info.fixed_ips', () => {
      const node = get(`/v1/nodes/${fleet.identities[300].uuid}`).json;
      const address = nodeAddress(300);
      expect(fleet.identities[300].address).toBe(address);
      expect(node['instance_info']).toMatchObject({ fixed_ips: [{ ip_address: address }] });
      expect(node['network_data']).toMatchObject({ networks: [{ ip_address: address, link: 'eth0' }] });
      expect(node).toMatchObject({ provision_state: 'active', instance_uuid: fleet.identities[300].instanceUuid });
    });

    it('stores a gzip+base64 ISO config drive of a few KiB that decodes, without a node identity', async () => {
      const node = get(`/v1/nodes/${fleet.identities[1].name}?fields=instance_info`).json;
      const stored = (node['instance_info'] as Json)['configdrive'] as string;
      expect(stored.length).toBeGreaterThan(1024);
      expect(stored.length).toBeLessThan(16 * 1024);
      const drive = await decodeConfigDrive(stored);
      expect(drive.userData?.toString()).toMatch(/^#cloud-config/);
      expect(Object.keys(drive.publicKeys)).toHaveLength(1);
      expect(drive.metaData.uuid).toBeUndefined();
    });

    it('finds a node by uuid or name, and answers 404 for others', () => {
      expect(get(`/v1/nodes/${fleet.identities[7].name}?fields=uuid`).json).toEqual({ uuid: fleet.identities[7].uuid });
      expect(get('/v1/nodes/no-such-node').status).toBe(404);
    });
  });

  describe('ports and portgroups', () => {
    const mac = () => (fleet.ports[42]['address'] as string).toUpperCase();

    it('finds a port by its MAC address, in any case', () => {
      const ports = get(`/v1/ports?address=${mac()}&fields=uuid,node_uuid`).json['ports'] as Json[];
      expect(ports).toEqual([{ uuid: fleet.ports[42]['uuid'], node_uuid: fleet.identities[42].uuid }]);
      expect(get('/v1/ports?address=not-a-mac').status).toBe(400);
    });

    it('lists the ports of a node, ignoring an address given with it', () => {
      const ports = get(`/v1/ports/detail?node_uuid=${fleet.identities[5].uuid}&address=${mac()}`).json['ports'] as Json[];
      expect(ports.map((port) => port['node_uuid'])).toEqual([fleet.identities[5].uuid]);
      expect(ports[0]).toHaveProperty('local_link_connection');
    });

    it('lists portgroups from 1.23', () => {
      expect(get('/v1/portgroups/detail').json).toEqual({ portgroups: [] });
      expect(get('/v1/portgroups/detail', '1.22').status).toBe(404);
    });
  });

  it('counts what it served by route, but not its own endpoints', () => {
    get('/');
    get('/v1/nodes?limit=1');
    get('/v1/nodes?limit=1');
    get(`/v1/nodes/${fleet.identities[0].uuid}`);
    get('/v1/nodes/detail?limit=1');
    get('/__sim/stats');
    get('/__sim/nodes');
    expect(api.counter.snapshot()).toEqual({
      total: 5,
      byRoute: { 'GET /': 1, 'GET /v1/nodes': 2, 'GET /v1/nodes/{ident}': 1, 'GET /v1/nodes/detail': 1 },
    });
  });

  it('redeploys the next node on each POST /__sim/redeploy: its provision_updated_at moves in every view, the others stay', () => {
    const small = new SimApi(buildFleet({ nodes: 2, driveVariants: 1, publicUrl: URL_BASE }), URL_BASE);
    const scan = () =>
      (JSON.parse(small.handle('GET', '/v1/nodes?fields=uuid,provision_updated_at', '1.82').body) as { nodes: Json[] }).nodes;
    const before = scan();
    const redeployed = [1, 2, 3].map(() => JSON.parse(small.handle('POST', '/__sim/redeploy', undefined).body) as Json);
    expect(redeployed.map((node) => node['uuid'])).toEqual([before[0]['uuid'], before[1]['uuid'], before[0]['uuid']]);
    const after = scan();
    expect(after[0]['provision_updated_at']).toBe(redeployed[2]['provision_updated_at']);
    expect(after[1]['provision_updated_at']).toBe(redeployed[1]['provision_updated_at']);
    expect(after[1]['provision_updated_at']).not.toBe(before[1]['provision_updated_at']);
    expect(after[0]['provision_updated_at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/);
    const detail = JSON.parse(small.handle('GET', `/v1/nodes/${String(before[1]['uuid'])}`, '1.82').body) as Json;
    expect(detail['provision_updated_at']).toBe(after[1]['provision_updated_at']);
    expect(small.handle('GET', '/__sim/redeploy', undefined).status).toBe(404);
    expect(small.counter.snapshot().byRoute).not.toHaveProperty('POST /__sim/redeploy');
  });

  it('tells who each node is', () => {
    const identities = get('/__sim/nodes').json as unknown as { address: string }[];
    expect(identities).toHaveLength(NODES);
    expect(identities[NODES - 1]).toEqual(fleet.identities[NODES - 1]);
  });
});

describe('startIronicSim', () => {
  it('serves over HTTP on loopback, its links naming the port it got', async () => {
    const sim = await startIronicSim({ nodes: 3, driveVariants: 1 });
    try {
      const response = await fetch(`${sim.url}/v1/nodes?limit=1`, { headers: { 'X-OpenStack-Ironic-API-Version': '1.82' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-openstack-ironic-api-maximum-version')).toBe('1.82');
      const body = (await response.json()) as { nodes: { links: { href: string }[] }[]; next: string };
      expect(body.nodes[0].links[0].href.startsWith(`${sim.url}/v1/nodes/`)).toBe(true);
      expect(body.next.startsWith(`${sim.url}/v1/nodes?`)).toBe(true);
      const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { total: number };
      expect(stats.total).toBe(1);
    } finally {
      await sim.close();
    }
  });

  it('refuses to listen anywhere but loopback', async () => {
    await expect(startIronicSim({ nodes: 1, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
