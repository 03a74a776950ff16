import { randomBytes } from 'node:crypto';
import { PassThrough } from 'node:stream';
import { IronicClient, type NodeFilters } from '@ironic-metadata/ironic-client';
import { createLogger } from '@ironic-metadata/logging';
import { IronicNodeSource } from '@ironic-metadata/node-discovery';
import { httpFrom } from './support/http-from';
import { IronicTestAdmin } from './support/ironic-admin';
import { suiteIronics } from './support/ironic-env';
import { startMetadataServer, type RunningServer } from './support/metadata-server';

const run = randomBytes(3).toString('hex');
const GROUP = `gd${run}`;
const SHARD = `gd-shard-${run}`;
/** Deployed in the shard SHARD, and in the suite conductor's (default) conductor group. */
const SHARDED = '127.0.7.71';
/** Deployed in no shard, and the default conductor group. */
const UNSHARDED = '127.0.7.72';
/** Enrolled nodes that make a fleet of a few hundred, half of them in the shard. */
const FLEET = 300;
const PAGE_SIZE = 50;

// Ironic lets a node into a conductor group only when a conductor of that group takes the change
// (the suite's one all-in-one conductor serves the default group, and a second conductor cannot be
// reached without RPC), so a deployed node can be kept out of a site by conductor group, and kept in
// one by shard (API 1.82), a plain label.
describe("a site's replica indexes only its site's nodes (IRONIC_CONDUCTOR_GROUP, IRONIC_SHARD)", () => {
  const { noauth } = suiteIronics();
  const admin = new IronicTestAdmin(noauth);
  const created: string[] = [];
  const servers: RunningServer[] = [];
  const serve = async (env: Record<string, string>) => {
    const server = await startMetadataServer({ IRONIC_URL: noauth.url, LEASE_FILE: '/nonexistent', ...env });
    servers.push(server);
    return server;
  };
  const metaData = (server: RunningServer, ip: string) => httpFrom(ip, `${server.url}/openstack/latest/meta_data.json`);
  const inShard = (uuid: string) => admin.client.patchNode(uuid, [{ op: 'add', path: '/shard', value: SHARD }]);

  beforeAll(async () => {
    const [sharded, unsharded] = await Promise.all(
      [SHARDED, UNSHARDED].map(async (ip) => {
        const uuid = await admin.createNode({ name: `gd-${run}-${ip}` });
        await admin.deploy(uuid, { configdrive: { meta_data: { hostname: ip } }, instanceInfo: { fixed_ips: [{ ip_address: ip }] } });
        return uuid;
      }),
    );
    created.push(sharded, unsharded);
    await inShard(sharded);
    const queue = Array.from({ length: FLEET }, (_, i) => i);
    const worker = async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const uuid = await admin.createNode({ name: `gd-${run}-fleet-${i}` });
        created.push(uuid);
        if (i % 2 === 0) await inShard(uuid);
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
  }, 300_000);

  afterAll(async () => {
    await Promise.all(servers.map((server) => server.stop()));
    const version = await admin.client.negotiate();
    for (const uuid of created) {
      await admin.client.patchNode(uuid, [{ op: 'add', path: '/maintenance', value: true }]).catch(() => undefined);
      await fetch(`${noauth.url}/v1/nodes/${uuid}`, { method: 'DELETE', headers: { 'X-OpenStack-Ironic-API-Version': version } });
    }
  }, 120_000);

  it('does not serve a node outside its conductor group, and names the site in /readyz and its logs', async () => {
    const unfiltered = await serve({});
    expect((await metaData(unfiltered, UNSHARDED)).status).toBe(200);
    const site = await serve({ IRONIC_CONDUCTOR_GROUP: GROUP, SITE_ID: 'siteb' });
    const refused = await metaData(site, UNSHARDED);
    expect(refused.status).toBe(404);
    expect(refused.text).toContain(`no node matches ${UNSHARDED}`);
    const ready = (await (await fetch(`${site.adminUrl}/readyz`)).json()) as Record<string, unknown>;
    expect(ready).toMatchObject({ ready: true, site: 'siteb', nodes: 0, source: `Ironic at ${noauth.url} (conductor_group ${GROUP})` });
    expect(site.logs()).toContain('"site":"siteb"');
  });

  it("serves its shard's node and not another's", async () => {
    const site = await serve({ IRONIC_SHARD: SHARD });
    const served = await metaData(site, SHARDED);
    expect(served.status).toBe(200);
    expect(JSON.parse(served.text)).toMatchObject({ uuid: created[0] });
    expect((await metaData(site, UNSHARDED)).status).toBe(404);
  });

  it('asks Ironic for fewer pages per sync with a filter (measured and printed)', async () => {
    const logger = createLogger({ level: 'error', stream: new PassThrough() });
    const measure = async (filters: Pick<NodeFilters, 'conductor_group' | 'shard'>) => {
      const requests: string[] = [];
      const client = new IronicClient({
        endpoint: noauth.url,
        pageSize: PAGE_SIZE,
        observer: (event) => requests.push(`${event.method} ${event.path}`),
      });
      const source = new IronicNodeSource(client, noauth.url, logger, { pageSize: PAGE_SIZE, filters });
      const nodes = (await source.load()).nodes.length;
      const fullListing = countBy(requests);
      const before = requests.length;
      await source.load();
      return { nodes, fullListing, scan: countBy(requests.slice(before)) };
    };
    const all = await measure({});
    const shard = await measure({ shard: SHARD });
    process.stdout.write(
      `Ironic requests per sync, page size ${PAGE_SIZE}: unfiltered ${JSON.stringify(all)}; shard: ${JSON.stringify(shard)}\n`,
    );
    expect(shard.nodes).toBe(FLEET / 2 + 1);
    expect(all.nodes).toBeGreaterThanOrEqual(FLEET + 2);
    // The scan, every sync: the pages of this site's nodes only (a last page may be full).
    expect(shard.scan['GET /v1/nodes']).toBeLessThanOrEqual(Math.ceil((FLEET / 2 + 1) / PAGE_SIZE) + 1);
    expect(shard.scan['GET /v1/nodes']).toBeLessThan(all.scan['GET /v1/nodes']);
    expect(shard.fullListing['GET /v1/nodes']).toBeLessThan(all.fullListing['GET /v1/nodes']);
  });
});

function countBy(items: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1;
  return counts;
}
