import { PassThrough } from 'node:stream';
import { encodeConfigDrive } from '@ironic-metadata/configdrive';
import { parseInventory, type Inventory } from '@ironic-metadata/ironic-model';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { createLogger } from '@ironic-metadata/logging';
import { ConfigDriveCache, DECODED_DRIVE_REFERENCE } from './configdrive-cache';
import { EventLoopSlices } from './event-loop-slices';
import { NodeCatalog } from './node-catalog';
import type { NodeIndex } from './node-index';
import type { NodeSource } from './node-source';

class ScriptedSource implements NodeSource {
  readonly description = 'scripted source';
  loads = 0;
  constructor(public next: () => Inventory | Promise<Inventory>) {}
  async load(): Promise<Inventory> {
    this.loads += 1;
    return this.next();
  }
}

function catalogOf(source: NodeSource, now = () => 0, advise?: (error: unknown) => string | undefined) {
  const lines: string[] = [];
  const stream = new PassThrough();
  stream.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
  const logger = createLogger({ level: 'info', format: 'json', stream });
  const catalog = new NodeCatalog(
    source,
    new ConfigDriveCache(),
    { matchNodeName: false, unknownClientRefreshSeconds: 5, clock: now, advise },
    logger,
  );
  return { catalog, logs: () => lines.map((line) => JSON.parse(line)) };
}

const inventoryOf = (...nodes: ReturnType<typeof aNode>[]): Inventory => ({ nodes, ports: [], portgroups: [] });

/** Twenty nodes, each at its own address 10.0.0.1-20. */
const fleetOf20 = () => Array.from({ length: 20 }, (_, i) => aNode({ instance_info: { fixed_ips: [`10.0.0.${i + 1}`] } }));

/** A catalog whose builds let the event loop turn after every node (slices of 0 ms). */
const slicedCatalog = (source: NodeSource) =>
  new NodeCatalog(source, new ConfigDriveCache(), { matchNodeName: false, sliceMs: 0 }, createLogger({ level: 'error', format: 'json' }));

/** Resolves once the event loop has turned `count` times. */
const turns = async (count: number) => {
  for (let i = 0; i < count; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('NodeCatalog', () => {
  it('shares one load between concurrent refreshes', async () => {
    const source = new ScriptedSource(() => inventoryOf(aNode()));
    const { catalog } = catalogOf(source);
    const [a, b] = await Promise.all([catalog.refresh(), catalog.refresh()]);
    expect(a).toBe(b);
    expect(source.loads).toBe(1);
    expect(catalog.status()).toMatchObject({ loaded: true, nodes: 1 });
  });

  it('syncs every interval until stopped, and no more when stopped while a sync is under way', async () => {
    jest.useFakeTimers({ doNotFake: ['setImmediate', 'nextTick', 'queueMicrotask'] });
    try {
      const node = aNode();
      const held: Array<() => void> = [];
      // The second and fourth loads wait until let go.
      const source: ScriptedSource = new ScriptedSource(() =>
        source.loads === 2 || source.loads === 4
          ? new Promise<Inventory>((resolve) => held.push(() => resolve(inventoryOf(node))))
          : inventoryOf(node),
      );
      const { catalog } = catalogOf(source);
      /** The loads made by the time `ms` more have passed. */
      const loadsAfter = async (ms: number) => {
        await jest.advanceTimersByTimeAsync(ms);
        return source.loads;
      };
      catalog.startSync();
      expect(await loadsAfter(0)).toBe(1);
      expect(await loadsAfter(30_000)).toBe(2);
      catalog.stopSync();
      held.shift()?.();
      expect(await loadsAfter(120_000)).toBe(2);
      // Stopped and started again while a sync is under way: one sync an interval, not two.
      catalog.startSync();
      expect(await loadsAfter(30_000)).toBe(3);
      expect(await loadsAfter(30_000)).toBe(4);
      catalog.stopSync();
      catalog.startSync();
      held.shift()?.();
      expect(await loadsAfter(60_000)).toBe(6);
      // Started twice without a stop: still one chain.
      catalog.startSync();
      expect(await loadsAfter(60_000)).toBe(8);
      catalog.stopSync();
    } finally {
      jest.useRealTimers();
    }
  });

  it('keeps its index when the source answers the same inventory, yet counts it as fresh', async () => {
    let now = 0;
    const unchanged = inventoryOf(aNode());
    let answer = unchanged;
    const source = new ScriptedSource(() => answer);
    const { catalog } = catalogOf(source, () => now);
    const first = await catalog.refresh();
    now = 60_000;
    expect(await catalog.refresh()).toBe(first);
    expect(catalog.status()).toMatchObject({ loadedAt: 60_000, ageSeconds: 0 });
    answer = inventoryOf(aNode(), aNode());
    expect(await catalog.refresh()).not.toBe(first);
    expect(catalog.status().nodes).toBe(2);
  });

  it('keeps the last index when a refresh fails, and says so', async () => {
    let fail = false;
    const source = new ScriptedSource(() => {
      if (fail) throw new Error('Ironic is down');
      return inventoryOf(aNode());
    });
    const { catalog, logs } = catalogOf(source);
    const first = await catalog.refresh();
    fail = true;
    await expect(catalog.refresh()).rejects.toThrow('Ironic is down');
    expect(catalog.current()).toBe(first);
    expect(catalog.status()).toMatchObject({ loaded: true, lastError: 'Ironic is down' });
    expect(logs().at(-1)).toMatchObject({ level: 'error', message: 'node refresh failed; serving the last index' });
  });

  it("adds to a load error's log line what the app advises the operator to fix", async () => {
    const source = new ScriptedSource(() => {
      throw new Error('answered 401');
    });
    const { catalog, logs } = catalogOf(
      source,
      () => 0,
      (error) => ((error as Error).message.includes('401') ? 'check OS_USERNAME and OS_PASSWORD' : undefined),
    );
    await expect(catalog.refresh()).rejects.toThrow('answered 401');
    expect(logs().at(-1)).toMatchObject({
      message: 'cannot load nodes; not ready',
      error: 'answered 401',
      fix: 'check OS_USERNAME and OS_PASSWORD',
    });
  });

  it('leaves a failed load unlogged for a caller that reports it itself', async () => {
    let problem = 'inventory.json: not valid JSON';
    const source = new ScriptedSource(() => {
      throw new Error(problem);
    });
    const { catalog, logs } = catalogOf(source, () => 0);
    await expect(catalog.refresh({ logFailure: false })).rejects.toThrow(problem);
    expect(catalog.status()).toMatchObject({ loaded: false, lastError: problem });
    problem = 'inventory.json: cannot read the inventory file (no such file)';
    await expect(catalog.refresh()).rejects.toThrow(problem);
    expect(logs()).toEqual([expect.objectContaining({ message: 'cannot load nodes; not ready', error: problem })]);
  });

  it('refreshes for unknown clients at most once per interval', async () => {
    let now = 0;
    const source = new ScriptedSource(() => inventoryOf(aNode()));
    const { catalog } = catalogOf(source, () => now);
    await catalog.refresh();
    expect(await catalog.refreshForUnknownClient()).toBe(true);
    expect(await catalog.refreshForUnknownClient()).toBe(false);
    now += 5000;
    expect(await catalog.refreshForUnknownClient()).toBe(true);
    expect(source.loads).toBe(3);
  });

  it("keeps a corrupt config drive that node's own problem: every other node is indexed and served", async () => {
    const corrupt = aNode({ instance_info: { configdrive: 'H4sIAAAAAAAAA+3OMQ6CQBCF4a1NPIG9', fixed_ips: ['10.0.0.7'] } });
    const healthy = aNode({ instance_info: { configdrive: { meta_data: { hostname: 'fine' } }, fixed_ips: ['10.0.0.8'] } });
    const { catalog, logs } = catalogOf(new ScriptedSource(() => inventoryOf(corrupt, healthy)));
    const index = await catalog.refresh();
    expect(index.lookup('10.0.0.7')).toMatchObject({ found: true, entry: { configDriveProblem: expect.stringContaining('gzip') } });
    expect(index.lookup('10.0.0.8')).toMatchObject({ found: true, entry: { configDrive: { metaData: { hostname: 'fine' } } } });
    expect(logs().filter((entry) => entry.message === 'config drive not usable; serving the node dynamic data')).toHaveLength(1);
  });

  it('notes each value left aside on the node, warns once per node and field, and names an unusable node once', async () => {
    const document = {
      nodes: [
        {
          uuid: 'n1',
          name: 'web',
          provision_state: 'active',
          instance_info: { fixed_ips: ['10.0.0.1', 'nope'] },
          network_data: { links: [{ id: 'eth0', type: 'phy', ethernet_mac_address: 'zz' }] },
        },
        { name: 'no-uuid', provision_state: 'active' },
      ],
    };
    const source = new ScriptedSource(() => parseInventory(structuredClone(document), 'inv.json'));
    const { catalog, logs } = catalogOf(source);
    const index = await catalog.refresh();
    await catalog.refresh();
    expect(index.lookup('10.0.0.1')).toMatchObject({
      found: true,
      entry: { leftAside: [{ field: 'instance_info.fixed_ips[1]' }, { field: 'network_data.links[0].ethernet_mac_address' }] },
    });
    const warnings = logs().filter((line) => line.level === 'warn');
    expect(warnings).toEqual([
      expect.objectContaining({
        message: 'value left aside; serving the rest of the node',
        node: 'n1 (web)',
        field: 'instance_info.fixed_ips[1]',
      }),
      expect.objectContaining({
        node: 'n1 (web)',
        field: 'network_data.links[0].ethernet_mac_address',
        problem: 'expected a MAC address such as 52:54:00:12:34:56',
      }),
      expect.objectContaining({
        message: 'not used: the rest of the source is served',
        problem: 'node 1 (no-uuid) is not used: field uuid: Invalid input: expected string, received undefined',
      }),
    ]);
  });

  it('answers from the last index while it builds the next a slice at a time, and swaps it in whole', async () => {
    const fleet = fleetOf20();
    let answer = inventoryOf(...fleet);
    const source = new ScriptedSource(() => answer);
    const catalog = slicedCatalog(source);
    const first = await catalog.refresh();
    const moved = aNode({ uuid: fleet[0].uuid, instance_info: { fixed_ips: ['10.0.1.1'] } });
    answer = inventoryOf(moved, ...fleet.slice(1));
    let built = false;
    const next = catalog.refresh().then((index) => ((built = true), index));
    await turns(10);
    expect(built).toBe(false);
    expect(catalog.current()).toBe(first);
    expect(catalog.current()?.lookup('10.0.0.1')).toMatchObject({ found: true });
    const index = await next;
    expect(catalog.current()).toBe(index);
    expect(index.lookup('10.0.1.1')).toMatchObject({ found: true, entry: { node: moved } });
    expect(index.lookup('10.0.0.1')).toMatchObject({ found: false });
    expect(index.size).toBe(20);
  });

  it('loads again after a build for a refresh asked while it ran, and shares that load', async () => {
    const fleet = fleetOf20();
    let answer = inventoryOf(...fleet);
    const source = new ScriptedSource(() => answer);
    const catalog = slicedCatalog(source);
    const first = catalog.refresh();
    await turns(5);
    // The first load read the source already; a change arrives while it builds its index.
    answer = inventoryOf(...fleet, aNode({ instance_info: { fixed_ips: ['10.0.0.99'] } }));
    const [asked, askedToo] = [catalog.refresh(), catalog.refresh()];
    expect(askedToo).toBe(asked);
    expect((await first).size).toBe(20);
    expect((await asked).lookup('10.0.0.99')).toMatchObject({ found: true });
    expect(source.loads).toBe(2);
  });

  it('shares the load under way with an unknown client, even one building its index, rather than load again', async () => {
    const source = new ScriptedSource(() => inventoryOf(...fleetOf20()));
    const catalog = slicedCatalog(source);
    const first = catalog.refresh();
    await turns(5);
    expect(await catalog.refreshForUnknownClient()).toBe(true);
    await first;
    expect(source.loads).toBe(1);
  });

  it('keeps a PATCH answered while an index is built from what the source said before it', async () => {
    const fleet = fleetOf20();
    let answer = inventoryOf(...fleet);
    const patched = [fleet[3], fleet[7]].map((node) => ({ ...node, extra: { password: 'sealed' } }));
    const source: NodeSource = {
      description: 'scripted source',
      load: async () => answer,
      patchNode: async (uuid) => patched.find((node) => node.uuid === uuid) ?? fleet[0],
    };
    const catalog = slicedCatalog(source);
    await catalog.refresh();
    answer = inventoryOf(...fleet, aNode());
    const next = catalog.refresh();
    await turns(5);
    for (const node of patched) {
      await catalog.patchNode(node.uuid, [{ op: 'add', path: '/extra/password', value: 'sealed' }]);
      expect(catalog.current()?.nodeByUuidOrName(node.uuid)?.node).toBe(node);
    }
    const index = await next;
    expect(index.size).toBe(21);
    for (const node of patched) expect(index.nodeByUuidOrName(node.uuid)?.node).toBe(node);
  });

  it('finishes a load while PATCHes keep coming, with every one answered before it ends in its index', async () => {
    const fleet = fleetOf20();
    let answer = inventoryOf(...fleet);
    let version = 0;
    const source: NodeSource = {
      description: 'scripted source',
      load: async () => answer,
      patchNode: async (uuid) => ({ ...(fleet.find((node) => node.uuid === uuid) ?? fleet[0]), extra: { version: ++version } }),
    };
    const catalog = slicedCatalog(source);
    await catalog.refresh();
    answer = inventoryOf(...fleet, aNode());
    let loaded = false;
    const next = catalog.refresh().finally(() => (loaded = true));
    // A PATCH at every turn of the event loop, each slower build than the one before it would take.
    let patches = 0;
    while (!loaded && patches < 500) {
      await catalog.patchNode(fleet[patches % 20].uuid, []);
      patches++;
      await turns(1);
    }
    const index = await next;
    expect(patches).toBeLessThan(500);
    expect(index.nodeByUuidOrName(fleet[(patches - 1) % 20].uuid)?.node.extra).toEqual({ version: patches });
  });

  it('keeps the entry of a node the source answers as before, and makes new ones for a changed node or ports', async () => {
    const [kept, changed, replugged] = fleetOf20();
    const port = (node: typeof kept, address: string) => ({ uuid: `${node.uuid}-port`, address, node_uuid: node.uuid });
    const ports = [port(kept, '52:54:00:00:00:01'), port(replugged, '52:54:00:00:00:03')];
    let answer: Inventory = { nodes: [kept, changed, replugged], ports, portgroups: [] };
    const catalog = slicedCatalog(new ScriptedSource(() => answer));
    const first = await catalog.refresh();
    const entryOf = (index: NodeIndex, node: typeof kept) => index.nodeByUuidOrName(node.uuid);
    const edited = { ...changed, extra: { rack: 'r2' } };
    answer = { nodes: [kept, edited, replugged], ports: [ports[0], port(replugged, '52:54:00:00:00:04')], portgroups: [] };
    const next = await catalog.refresh();
    expect(next).not.toBe(first);
    expect(entryOf(next, kept)).toBe(entryOf(first, kept));
    expect(entryOf(next, changed)).toMatchObject({ node: edited });
    expect(entryOf(next, replugged)).not.toBe(entryOf(first, replugged));
    expect(next.nodeByMac('52:54:00:00:00:04')?.node).toBe(replugged);
    expect(next.nodeByMac('52:54:00:00:00:03')).toBeUndefined();
  });

  it('checks a node patched since the last load afresh when the source answers it', async () => {
    const parsed = (fixedIps: string[]) =>
      parseInventory({ nodes: [{ uuid: 'n1', provision_state: 'active', instance_info: { fixed_ips: fixedIps } }] }, 'inv.json').nodes[0];
    const node = parsed(['10.0.0.1']);
    // The PATCH's answer carries an address the service leaves aside: only a full check notes it.
    const patched = parsed(['10.0.0.1', 'nope']);
    let answer = inventoryOf(node);
    const source: NodeSource = { description: 'scripted source', load: async () => answer, patchNode: async () => patched };
    const catalog = slicedCatalog(source);
    await catalog.refresh();
    await catalog.patchNode(node.uuid, [{ op: 'add', path: '/extra/password', value: 'sealed' }]);
    expect(catalog.current()?.nodeByUuidOrName(node.uuid)?.leftAside).toBeUndefined();
    answer = inventoryOf(patched);
    const index = await catalog.refresh();
    expect(index.nodeByUuidOrName(node.uuid)).toMatchObject({ node: patched, leftAside: [{ field: 'instance_info.fixed_ips[1]' }] });
  });

  it('warns once, with the policy fix, about masked config drives', async () => {
    const masked = aNode({ instance_info: { configdrive: '******', fixed_ips: ['10.0.0.5'] } });
    const { catalog, logs } = catalogOf(new ScriptedSource(() => inventoryOf(masked)));
    await catalog.refresh();
    await catalog.refresh();
    const warnings = logs().filter((entry) => entry.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('"show_instance_secrets": "@"');
    expect(catalog.current()?.lookup('10.0.0.5')).toMatchObject({
      found: true,
      entry: { configDriveProblem: expect.stringContaining('show_instance_secrets') },
    });
  });
});

describe('ConfigDriveCache', () => {
  it('decodes a drive once, whether the node comes back as the same value or as an equal copy', async () => {
    const cache = new ConfigDriveCache();
    const node = aNode({ instance_info: { configdrive: { meta_data: { hostname: 'once' } } } });
    const first = await cache.decode(node);
    expect(await cache.decode(node)).toBe(first);
    expect(await cache.decode(structuredClone(node))).toBe(first);
    const changed = aNode({ uuid: node.uuid, instance_info: { configdrive: { meta_data: { hostname: 'twice' } } } });
    expect(await cache.decode(changed)).toMatchObject({ configDrive: { metaData: { hostname: 'twice' } } });
  });

  it('keeps a decoded base64 drive as a reference only, and knows it again when Ironic sends it anew', async () => {
    const cache = new ConfigDriveCache();
    const stored = encodeConfigDrive({ meta_data: { hostname: 'kept' }, user_data: 'x'.repeat(4096) });
    const node = aNode({ instance_info: { configdrive: stored } });
    const first = await cache.decode(node);
    expect(first).toMatchObject({ configDrive: { metaData: { hostname: 'kept' } } });
    expect(node.instance_info.configdrive).toMatch(new RegExp(`^${DECODED_DRIVE_REFERENCE}[0-9a-f]{64}$`));
    expect(await cache.decode(node)).toBe(first);
    const fromIronicAgain = aNode({ uuid: node.uuid, instance_info: { configdrive: stored } });
    expect(await cache.decode(fromIronicAgain)).toBe(first);
    expect(fromIronicAgain.instance_info.configdrive).toBe(node.instance_info.configdrive);
  });

  it('forgets the nodes that are gone, a slice at a time, and keeps the others', async () => {
    const cache = new ConfigDriveCache();
    const drive = encodeConfigDrive({ meta_data: { hostname: 'kept' }, user_data: 'x'.repeat(4096) });
    const [kept, gone] = [aNode({ instance_info: { configdrive: drive } }), aNode({ instance_info: { configdrive: drive } })];
    const first = await cache.decode(kept);
    await cache.decode(gone);
    await cache.retain(new Set([kept.uuid]), new EventLoopSlices(0));
    expect(await cache.decode(kept)).toBe(first);
    expect(await cache.decode(gone)).toMatchObject({ problem: expect.stringContaining('no longer cached') });
  });

  it('keeps one copy of the user_data several drives carry, and their own of the others', async () => {
    const cache = new ConfigDriveCache();
    const userDataOf = async (hostname: string, userData: string) => {
      const decoded = await cache.decode(
        aNode({ instance_info: { configdrive: encodeConfigDrive({ meta_data: { hostname }, user_data: userData }) } }),
      );
      return decoded && 'configDrive' in decoded ? decoded.configDrive.userData : undefined;
    };
    const web1 = await userDataOf('web-1', '#cloud-config\nrole: web\n');
    const web2 = await userDataOf('web-2', '#cloud-config\nrole: web\n');
    const db1 = await userDataOf('db-1', '#cloud-config\nrole: db\n');
    expect(web2).toBe(web1);
    expect([web1?.toString(), db1?.toString()]).toEqual(['#cloud-config\nrole: web\n', '#cloud-config\nrole: db\n']);
  });

  it('says so when a node carries a reference the cache no longer holds', async () => {
    const node = aNode({ instance_info: { configdrive: `${DECODED_DRIVE_REFERENCE}${'0'.repeat(64)}` } });
    expect(await new ConfigDriveCache().decode(node)).toEqual({
      problem: expect.stringMatching(/no longer cached.*next full listing/),
      masked: false,
    });
  });
});
