import { PassThrough } from 'node:stream';
import type { IronicClient } from '@ironic-metadata/ironic-client';
import type { IronicNode } from '@ironic-metadata/ironic-model';
import { aNode } from '@ironic-metadata/ironic-model/testing';
import { encodeConfigDrive } from '@ironic-metadata/configdrive';
import { createLogger } from '@ironic-metadata/logging';
import fc from 'fast-check';
import { ConfigDriveCache, sameStoredDrive } from './configdrive-cache';
import { IronicNodeSource } from './ironic-node-source';

/** A node as Ironic answers it: the fields asked for only, parsed anew on each answer as Ironic's JSON is. */
function answered(node: IronicNode, fields: readonly string[] | undefined): IronicNode {
  return structuredClone(fields ? (Object.fromEntries(fields.map((field) => [field, node[field]])) as IronicNode) : node);
}

/** Answers like IronicClient from a list of nodes, counting the calls that matter. */
function fakeClient(nodes: IronicNode[]) {
  const calls = { scans: 0, detailLists: 0, gets: [] as string[], portLists: [] as (string | undefined)[], filters: [] as unknown[] };
  // Pages of two, as PagedList gives them to `for await`.
  const list = (items: () => unknown[]) => ({
    all: async () => items(),
    async *[Symbol.asyncIterator]() {
      const all = items();
      for (let i = 0; i < all.length; i += 2) yield all.slice(i, i + 2);
    },
  });
  const client = {
    listNodes: (options: { fields?: readonly string[]; filters?: unknown }) =>
      list(() => {
        calls.filters.push(options.filters);
        // The scan asks for a few fields; a full listing for everything metadata reads.
        const full = options.fields?.includes('instance_info');
        if (full) calls.detailLists += 1;
        else calls.scans += 1;
        return nodes.map((node) => answered(node, options.fields));
      }),
    getNode: async (uuid: string, fields?: readonly string[]) => {
      calls.gets.push(uuid);
      const node = nodes.find((candidate) => candidate.uuid === uuid);
      if (!node) throw new Error('gone');
      return answered(node, fields);
    },
    listPorts: (options: { nodeUuid?: string }) =>
      list(() => {
        calls.portLists.push(options.nodeUuid);
        return [];
      }),
    listPortgroups: () => list(() => []),
  };
  return { client: client as unknown as IronicClient, calls };
}

const logger = createLogger({ level: 'error', stream: new PassThrough() });

describe('IronicNodeSource', () => {
  it("asks Ironic for one site's nodes only, in the full listing and the scan alike, and says so", async () => {
    const { client, calls } = fakeClient([aNode()]);
    let now = 0;
    const source = new IronicNodeSource(client, 'http://ironic', logger, {
      clock: () => now,
      filters: { conductor_group: 'rack-1', shard: undefined },
    });
    await source.load();
    now += 1000;
    await source.load();
    expect(calls.filters).toEqual([
      { conductor_group: 'rack-1', shard: undefined },
      { conductor_group: 'rack-1', shard: undefined },
    ]);
    expect(calls).toMatchObject({ detailLists: 1, scans: 1 });
    expect(source.description).toBe('Ironic at http://ironic (conductor_group rack-1)');
  });

  it('lists the fleet once, then fetches only the nodes whose scan changed, and lists it all again when due', async () => {
    const nodes = Array.from({ length: 20 }, (_, i) => aNode({ provision_updated_at: `2026-11-20T00:00:${String(i).padStart(2, '0')}` }));
    const { client, calls } = fakeClient(nodes);
    let now = 0;
    const source = new IronicNodeSource(client, 'http://ironic', logger, { fullListSeconds: 300, clock: () => now });
    expect((await source.load()).nodes).toHaveLength(20);
    expect(calls).toMatchObject({ scans: 0, detailLists: 1, gets: [], portLists: [undefined] });

    const first = await source.load();
    // A quiet scan answers the very same inventory, so the catalog keeps its index.
    expect(await source.load()).toBe(first);
    expect(calls).toMatchObject({ scans: 2, detailLists: 1, gets: [], portLists: [undefined] });

    nodes[3] = { ...nodes[3], provision_state: 'deleting', provision_updated_at: '2026-11-21T00:00:00' };
    const reloaded = await source.load();
    expect(reloaded).not.toBe(first);
    expect(calls).toMatchObject({ scans: 3, detailLists: 1, gets: [nodes[3].uuid], portLists: [undefined, nodes[3].uuid] });
    expect(reloaded.nodes.find((node) => node.uuid === nodes[3].uuid)?.provision_state).toBe('deleting');

    // An edit the scan cannot see shows at the next full listing.
    nodes[5] = { ...nodes[5], instance_info: { fixed_ips: ['10.0.0.5'] } };
    now += 299_000;
    await source.load();
    expect(calls.detailLists).toBe(1);
    now += 1000;
    const listed = await source.load();
    expect(calls.detailLists).toBe(2);
    expect(listed.nodes.find((node) => node.uuid === nodes[5].uuid)?.instance_info.fixed_ips).toEqual(['10.0.0.5']);
  });

  it("answers nodes fetched since the last full listing in Ironic's order, however their fetches finish", async () => {
    // Few enough changed nodes that they are fetched one by one rather than listed all again.
    const nodes = Array.from({ length: 60 }, () => aNode());
    const fake = fakeClient(nodes);
    const added = Array.from({ length: 4 }, () => aNode());
    // The first node added is fetched last, the last first.
    const client = {
      ...fake.client,
      getNode: async (uuid: string, fields?: Parameters<IronicClient['getNode']>[1]) => {
        await new Promise((resolve) => setTimeout(resolve, (added.length - added.findIndex((node) => node.uuid === uuid)) * 5));
        return fake.client.getNode(uuid, fields);
      },
    } as unknown as IronicClient;
    let now = 0;
    const source = new IronicNodeSource(client, 'http://ironic', logger, { fullListSeconds: 300, clock: () => now });
    await source.load();
    nodes.push(...added);
    nodes[1] = { ...nodes[1], provision_state: 'deleting', provision_updated_at: '2026-11-21T00:00:00' };
    const fetched = await source.load();
    expect(fetched.nodes.map((node) => node.uuid)).toEqual(nodes.map((node) => node.uuid));
    expect(fake.calls.detailLists).toBe(1);
    // The next full listing finds every node where it was: the very same inventory.
    now += 300_000;
    expect(await source.load()).toBe(fetched);
    expect(fake.calls.detailLists).toBe(2);
  });

  it('keeps a node patched while the other changed nodes are still being fetched as patched', async () => {
    const nodes = Array.from({ length: 60 }, () => aNode());
    const fake = fakeClient(nodes);
    const [quick, slow] = [aNode(), aNode()];
    let slowFetched: (() => void) | undefined;
    const client = {
      ...fake.client,
      // The slow node's fetch ends only once the quick one has been patched.
      getNode: async (uuid: string) => {
        if (uuid === slow.uuid) await new Promise<void>((resolve) => (slowFetched = resolve));
        return fake.client.getNode(uuid);
      },
      patchNode: async (uuid: string) => ({ ...structuredClone(nodes.find((node) => node.uuid === uuid)), extra: { password: 'sealed' } }),
    } as unknown as IronicClient;
    const source = new IronicNodeSource(client, 'http://ironic', logger, { clock: () => 0 });
    await source.load();
    nodes.push(quick, slow);
    const loading = source.load();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await source.patchNode(quick.uuid, [{ op: 'add', path: '/extra/password', value: 'sealed' }]);
    slowFetched?.();
    const loaded = await loading;
    expect(loaded.nodes.find((node) => node.uuid === quick.uuid)?.extra).toEqual({ password: 'sealed' });
    expect(loaded.nodes.map((node) => node.uuid).slice(-2)).toEqual([quick.uuid, slow.uuid]);
  });

  it('keeps a node patched while the fleet is being listed as patched, not as the page read before the PATCH', async () => {
    const nodes = [aNode(), aNode()];
    const fake = fakeClient(nodes);
    let answerListing: (() => void) | undefined;
    let now = 0;
    const client = {
      ...fake.client,
      // The nodes are read as the listing starts, and answered only once the first has been patched.
      listNodes: (options: Parameters<IronicClient['listNodes']>[0]) => {
        const pages = fake.client.listNodes(options);
        return {
          ...pages,
          all: async () => {
            const read = await pages.all();
            if (options?.fields?.includes('instance_info')) await new Promise<void>((resolve) => (answerListing = resolve));
            return read;
          },
        };
      },
      patchNode: async (uuid: string) => ({ ...structuredClone(nodes.find((node) => node.uuid === uuid)), extra: { password: 'sealed' } }),
    } as unknown as IronicClient;
    const source = new IronicNodeSource(client, 'http://ironic', logger, { fullListSeconds: 300, clock: () => now });
    const first = source.load();
    await new Promise((resolve) => setTimeout(resolve, 10));
    answerListing?.();
    await first;
    now += 300_000;
    const listing = source.load();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await source.patchNode(nodes[0].uuid, [{ op: 'add', path: '/extra/password', value: 'sealed' }]);
    answerListing?.();
    const loaded = await listing;
    expect(loaded.nodes.map((node) => node.extra)).toEqual([{ password: 'sealed' }, {}]);
    expect(fake.calls.detailLists).toBe(2);
  });

  it('answers a node gone from Ironic no more once a scan saw it go, though fetching the nodes that changed failed', async () => {
    const nodes = Array.from({ length: 20 }, () => aNode());
    const fake = fakeClient(nodes);
    const client = {
      ...fake.client,
      getNode: () => Promise.reject(new Error('Ironic at http://ironic answered 503 Service Unavailable')),
    } as unknown as IronicClient;
    const source = new IronicNodeSource(client, 'http://ironic', logger, { clock: () => 0 });
    await source.load();
    const [gone] = nodes.splice(0, 1, aNode());
    await expect(source.load()).rejects.toThrow('503');
    // The node added is gone too before it could be fetched: the next scan sees nothing new.
    nodes.splice(0, 1);
    expect((await source.load()).nodes.map((node) => node.uuid)).not.toContain(gone.uuid);
  });

  it('keeps the nodes a full listing finds as they were as the very objects known, and answers the same inventory when none changed', async () => {
    const nodes = Array.from({ length: 3 }, () =>
      aNode({ instance_info: { configdrive: encodeConfigDrive({ meta_data: { hostname: 'a' }, user_data: 'x'.repeat(4096) }) } }),
    );
    const { client, calls } = fakeClient(nodes);
    let now = 0;
    const source = new IronicNodeSource(client, 'http://ironic', logger, { fullListSeconds: 300, clock: () => now });
    const first = await source.load();
    // As the catalog does once it has decoded them: the stored drives become references.
    const cache = new ConfigDriveCache();
    for (const node of first.nodes) await cache.decode(node);
    expect(first.nodes[0].instance_info.configdrive).toMatch(/^decoded config drive sha256:/);

    now += 300_000;
    expect(await source.load()).toBe(first);
    expect(calls.detailLists).toBe(2);

    nodes[1] = { ...nodes[1], extra: { note: 'moved to rack 2' } };
    nodes[2] = { ...nodes[2], instance_info: { configdrive: encodeConfigDrive({ meta_data: { hostname: 'b' } }) } };
    now += 300_000;
    const listed = await source.load();
    expect(calls.detailLists).toBe(3);
    expect(listed).not.toBe(first);
    expect(listed.nodes[0]).toBe(first.nodes[0]);
    expect(listed.nodes[1]).not.toBe(first.nodes[1]);
    expect(listed.nodes[1].extra).toEqual({ note: 'moved to rack 2' });
    expect(listed.nodes[2].instance_info.configdrive).toBe(nodes[2].instance_info.configdrive);
  });

  it('tells a kept config drive, or the reference the cache left for it, from any other drive listed', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1024, maxLength: 1100 }),
        fc.string({ minLength: 1, maxLength: 1100 }),
        async (stored, other) => {
          const node = aNode({ instance_info: { configdrive: stored } });
          await new ConfigDriveCache().decode(node);
          const kept = node.instance_info.configdrive;
          expect(kept).not.toBe(stored);
          expect(sameStoredDrive(kept, stored)).toBe(true);
          expect(sameStoredDrive(stored, stored)).toBe(true);
          expect(sameStoredDrive(kept, other)).toBe(other === stored);
          expect(sameStoredDrive(kept, undefined)).toBe(false);
        },
      ),
      { numRuns: 50 },
    );
    expect(sameStoredDrive({ meta_data: { a: 1 } }, { meta_data: { a: 1 } })).toBe(true);
    expect(sameStoredDrive({ meta_data: { a: 1 } }, { meta_data: { a: 2 } })).toBe(false);
  });

  it('once told to forget, lists the fleet again at once, as new objects with their config drives as stored', async () => {
    const drive = encodeConfigDrive({ meta_data: { hostname: 'a' }, user_data: 'x'.repeat(4096) });
    const nodes = [aNode({ instance_info: { configdrive: drive } })];
    const { client, calls } = fakeClient(nodes);
    const source = new IronicNodeSource(client, 'http://ironic', logger, { fullListSeconds: 300, clock: () => 0 });
    const first = await source.load();
    await new ConfigDriveCache().decode(first.nodes[0]);
    expect(first.nodes[0].instance_info.configdrive).not.toBe(drive);
    source.forget();
    const again = await source.load();
    expect(calls.detailLists).toBe(2);
    expect(again.nodes[0]).not.toBe(first.nodes[0]);
    expect(again.nodes[0].instance_info.configdrive).toBe(drive);
  });

  it('forgets nodes that are no longer listed', async () => {
    const nodes = [aNode(), aNode()];
    const { client } = fakeClient(nodes);
    const source = new IronicNodeSource(client, 'http://ironic', logger);
    await source.load();
    nodes.pop();
    expect((await source.load()).nodes.map((node) => node.uuid)).toEqual([nodes[0].uuid]);
  });

  it('keeps only the agent URL of driver_info and driver_internal_info, listed or fetched as changed', async () => {
    const bmc = { ipmi_address: 'bmc-7.oob', ipmi_username: 'admin', ipmi_password: '******' };
    const steps = { agent_cached_deploy_steps: { deploy: [{ step: 'write_image', priority: 80 }] }, agent_version: '9.4.1' };
    const nodes = [
      aNode({ driver_info: bmc, driver_internal_info: { ...steps, agent_url: 'http://10.0.0.7:9999' } }),
      aNode({ driver_info: { ...bmc, agent_url: 'http://10.0.0.8:9999' }, driver_internal_info: steps }),
    ];
    const { client, calls } = fakeClient(nodes);
    let now = 0;
    const source = new IronicNodeSource(client, 'http://ironic', logger, { clock: () => now });
    const kept = (inventory: { nodes: IronicNode[] }) =>
      inventory.nodes.map(({ driver_info, driver_internal_info }) => [driver_info, driver_internal_info]);
    expect(kept(await source.load())).toEqual([
      [{}, { agent_url: 'http://10.0.0.7:9999' }],
      [{ agent_url: 'http://10.0.0.8:9999' }, {}],
    ]);
    nodes[0] = {
      ...nodes[0],
      provision_updated_at: '2026-12-01T00:00:00',
      driver_internal_info: { ...steps, agent_url: 'http://10.0.0.9:9999' },
    };
    now += 1000;
    expect(kept(await source.load())[0]).toEqual([{}, { agent_url: 'http://10.0.0.9:9999' }]);
    expect(calls.gets).toEqual([nodes[0].uuid]);
  });
});
