import { PassThrough } from 'node:stream';
import { EC2_VERSIONS, LATEST, offeredOpenStackVersions, walkMetadata } from '@ironic-metadata/formatters';
import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, NodeCatalog, type NodeSource } from '@ironic-metadata/node-discovery';
import fc from 'fast-check';
import { networkDataGraphs } from '@ironic-metadata/instance-metadata/testing';
import { MetadataResponder } from './metadata-responder';
import { MetadataService } from './metadata-service';
import { SessionTokens } from './guards/session-tokens';

// Through the responder, as a node asks: every entry a listing names answers 200, and every path the
// formatters' walk yields answers the walked body (issue 15: the walk is what config drives, `render
// --all` and the benchmark are made of, so it must be the service's tree and nothing else).

const logger = createLogger({ level: 'error', stream: new PassThrough() });
const IP = '10.0.0.5';

/** Ironic nodes as varied as the trees get: a JSON config drive or none, keys, user data, network data, ports. */
const nodes = fc
  .record({
    keys: fc.array(fc.constantFrom('ops', 'ci', 'deploy key'), { maxLength: 3 }),
    userData: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
    graph: fc.option(networkDataGraphs, { nil: undefined }),
    ports: fc.uniqueArray(fc.constantFrom('52:54:00:00:00:01', '52:54:00:00:00:02'), { maxLength: 2 }),
    drive: fc.boolean(),
    zone: fc.option(fc.constantFrom('rack-a', 'az 2'), { nil: undefined }),
  })
  .map(({ keys, userData, graph, ports, drive, zone }) => {
    const metaData = {
      public_keys: Object.fromEntries(keys.map((name, index) => [name, `ssh-ed25519 AAAA${index} ${name}`])),
      ...(zone ? { availability_zone: zone } : {}),
    };
    const node = aNode({
      instance_uuid: 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee',
      instance_info: {
        fixed_ips: [IP],
        ...(drive ? { configdrive: { meta_data: metaData, ...(userData === undefined ? {} : { user_data: userData }) } } : {}),
      },
      ...(graph ? { network_data: graph.networkData } : {}),
    });
    return { node, ports: ports.map((mac) => aPort(node, mac)) };
  });

/** A day anywhere from the first OpenStack version to well after the last. */
const days = fc.date({ min: new Date('2012-08-10T00:00:00Z'), max: new Date('2030-12-31T00:00:00Z'), noInvalidDate: true });

async function responderFor(entry: { node: ReturnType<typeof aNode>; ports: ReturnType<typeof aPort>[] }, now: Date) {
  const source: NodeSource = {
    description: 'one generated node',
    load: async () => ({ nodes: [entry.node], ports: entry.ports, portgroups: [] }),
  };
  const catalog = new NodeCatalog(source, new ConfigDriveCache(), { matchNodeName: false }, logger);
  await catalog.refresh();
  const service = new MetadataService(catalog, undefined, { defaultAvailabilityZone: 'nova', region: 'RegionOne' }, logger);
  const responder = new MetadataResponder(
    service,
    new SessionTokens(),
    { imdsTokenRequired: false, passwordWrite: false, now: () => now },
    logger,
  );
  const get = (path: string) => responder.respond({ method: 'GET', path, clientIp: IP, header: () => undefined });
  const client = await service.forClient(IP);
  if (!client.found) throw new Error(`the node is not found: ${client.reason}`);
  return { get, metadata: client.metadata };
}

/**
 * Every path a listing names, read as cloud-init reads listings (`MetadataMaterializer`): `name/` and
 * `N=name` (the directory `N/`, EC2's public keys) are directories, read in turn; anything else a file.
 * Answers each path asked and its status.
 */
async function crawl(get: (path: string) => Promise<{ status: number; body: Buffer }>, listing: string): Promise<Map<string, number>> {
  const statuses = new Map<string, number>();
  const pending = [listing];
  for (let path = pending.shift(); path !== undefined; path = pending.shift()) {
    const reply = await get(path);
    statuses.set(path, reply.status);
    if (reply.status !== 200 || !path.endsWith('/')) continue;
    for (const line of reply.body.toString('utf8').split('\n').filter(Boolean)) {
      const labelled = /^(\d+)=/.exec(line);
      pending.push(`${path}${labelled ? `${labelled[1]}/` : line}`);
    }
  }
  return statuses;
}

const refused = (statuses: Map<string, number>) => [...statuses].filter(([, status]) => status !== 200);

describe('the responder, walked', () => {
  it('answers 200 for every entry a listing names, in any version of any node', async () => {
    await fc.assert(
      fc.asyncProperty(nodes, days, fc.nat(), fc.constantFrom(...EC2_VERSIONS, LATEST), async (entry, now, pick, ec2Version) => {
        const { get } = await responderFor(entry, now);
        const offered = [...offeredOpenStackVersions(now), LATEST];
        const openStackVersion = offered[pick % offered.length];
        const openstack = await crawl(get, `/openstack/${openStackVersion}/`);
        const ec2 = await crawl(get, `/${ec2Version}/`);
        expect(refused(openstack)).toEqual([]);
        expect(refused(ec2)).toEqual([]);
        expect(openstack.size).toBeGreaterThan(1);
        expect(ec2.has(`/${ec2Version}/meta-data/instance-id`)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  it("answers every path the formatters' walk yields with the walked body", async () => {
    // meta_data.json carries a fresh random seed each time it is read: compare it without.
    const withoutSeed = (path: string, body: Buffer) =>
      path.endsWith('/meta_data.json') ? { ...JSON.parse(body.toString()), random_seed: undefined } : body.toString('base64');
    await fc.assert(
      fc.asyncProperty(nodes, days, async (entry, now) => {
        const { get, metadata } = await responderFor(entry, now);
        const walked = [...walkMetadata(metadata, { now, randomSeed: '' })];
        const differing: string[] = [];
        for (const { path, rendered } of walked) {
          const reply = await get(path);
          if (reply.status !== 200 || !reply.headers['content-type'].startsWith(rendered.contentType))
            differing.push(`${path}: ${reply.status} ${reply.headers['content-type']}`);
          else if (JSON.stringify(withoutSeed(path, reply.body)) !== JSON.stringify(withoutSeed(path, rendered.body)))
            differing.push(`${path}: another body`);
        }
        expect(differing).toEqual([]);
      }),
      { numRuns: 10 },
    );
  });
});
