import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpTarget } from './http-connection';
import { runLoad, type BootingNode } from './load-run';
import { crawlLikeCloudInit } from './cloud-init-crawl';
import { metadataTree, servedBody } from './test-support/metadata-tree';

describe('runLoad', () => {
  let server: Server;
  let target: HttpTarget;
  /** The instance the server tells each address it is; a test may lie to one of them. */
  const instanceOf = new Map<string, string>();
  /** Each instance's tree, walked once. */
  const trees = new Map<string, Map<string, string>>();
  const treeOf = (instanceUuid: string): Map<string, string> => {
    const tree = trees.get(instanceUuid) ?? metadataTree(instanceUuid, '02:00:00:00:00:01');
    trees.set(instanceUuid, tree);
    return tree;
  };
  const nodes: BootingNode[] = Array.from({ length: 12 }, (_, index) => ({
    address: `127.1.0.${index + 1}`,
    instanceUuid: `instance-${index + 1}`,
  }));

  beforeAll(async () => {
    server = createServer((request, response) => {
      const address = request.socket.remoteAddress ?? '';
      const body = servedBody(treeOf(instanceOf.get(address) ?? 'unknown'), request.url ?? '');
      response.writeHead(body === undefined ? 404 : 200, { 'Content-Length': Buffer.byteLength(body ?? '') });
      response.end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => nodes.forEach((node) => instanceOf.set(node.address, node.instanceUuid)));

  /** How many requests one boot makes: one crawl of the tree, counted. */
  async function requestsPerCrawl(): Promise<number> {
    const tree = treeOf('instance-1');
    let requests = 0;
    await crawlLikeCloudInit(async (path) => {
      requests += 1;
      return { status: 200, body: Buffer.from(servedBody(tree, path) ?? '') };
    });
    return requests;
  }

  it.each([false, true])('boots every node once, each from its own address (keep-alive %s)', async (keepAlive) => {
    const result = await runLoad({ target, nodes, concurrency: 4, maxSeconds: 30, keepAlive, verifyIdentity: true });
    expect(result).toMatchObject({
      requests: nodes.length * (await requestsPerCrawl()),
      errors: 0,
      errorSamples: {},
      bootsCompleted: nodes.length,
      cutShort: false,
    });
    expect(result.latenciesMs).toHaveLength(result.requests);
  });

  it('counts a node told it is another instance as an error, when asked to check', async () => {
    instanceOf.set(nodes[3].address, 'instance-of-someone-else');
    const checked = await runLoad({ target, nodes, concurrency: 3, maxSeconds: 30, keepAlive: false, verifyIdentity: true });
    expect(checked.errors).toBe(1);
    expect(checked.errorSamples).toEqual({ 'meta_data.json named another instance': 1 });
    const unchecked = await runLoad({ target, nodes, concurrency: 3, maxSeconds: 30, keepAlive: false, verifyIdentity: false });
    expect(unchecked.errors).toBe(0);
  });

  it('counts failed requests and statuses other than 200, and ends those boots', async () => {
    const refused = await runLoad({
      target: { host: '127.0.0.1', port: 1 },
      nodes: nodes.slice(0, 2),
      concurrency: 2,
      maxSeconds: 30,
      keepAlive: false,
      verifyIdentity: true,
    });
    expect(refused).toMatchObject({ requests: 2, errors: 2, errorSamples: { ECONNREFUSED: 2 }, bootsCompleted: 0 });
  });

  it('starts boots at a fixed rate in open loop, and counts those a full house made late', async () => {
    const started = performance.now();
    const paced = await runLoad({
      target,
      nodes: nodes.slice(0, 6),
      concurrency: 6,
      maxSeconds: 30,
      keepAlive: false,
      verifyIdentity: true,
      bootsPerSecond: 20,
    });
    // The sixth boot is due 250 ms after the first: a closed loop of 6 clients would start it at once.
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(paced).toMatchObject({ errors: 0, bootsCompleted: 6, lateStarts: 0 });
    const crowded = await runLoad({
      target,
      nodes,
      concurrency: 1,
      maxSeconds: 30,
      keepAlive: false,
      verifyIdentity: true,
      bootsPerSecond: 10_000,
    });
    expect(crowded).toMatchObject({ errors: 0, bootsCompleted: nodes.length });
    expect(crowded.lateStarts).toBeGreaterThan(0);
  });

  it('stops sending when the time is up', async () => {
    const result = await runLoad({ target, nodes, concurrency: 1, maxSeconds: 0, keepAlive: false, verifyIdentity: true });
    expect(result).toMatchObject({ requests: 0, errors: 0, bootsCompleted: 0, cutShort: true });
  });
});
