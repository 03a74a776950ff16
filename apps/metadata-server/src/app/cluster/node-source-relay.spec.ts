import type { Inventory } from '@ironic-metadata/ironic-model';
import type { NodeSource } from '@ironic-metadata/node-discovery';
import type { ToPrimary, ToWorker } from './messages';
import { BroadcastingNodeSource, ITEMS_PER_MESSAGE, RelayedNodeSource } from './node-source-relay';

function inventory(...uuids: string[]): Inventory {
  return {
    nodes: uuids.map((uuid) => ({ uuid, provision_state: 'active', instance_info: {} }) as unknown as Inventory['nodes'][number]),
    ports: [],
    portgroups: [],
  };
}

/** A primary and one worker joined by direct calls instead of IPC. */
function pair(load: () => Promise<Inventory>) {
  const inner: NodeSource = { description: 'Ironic at http://ironic:6385', load };
  const link: { worker?: RelayedNodeSource } = {};
  const primary = new BroadcastingNodeSource(inner, (message) => link.worker?.receive(message));
  const asked: ToPrimary[] = [];
  const worker = new RelayedNodeSource(inner.description, false, (message) => {
    asked.push(message);
    // The primary's refresh sends its outcome first, then the reply.
    if (message.kind === 'ironic-metadata:request')
      void primary
        .load()
        .catch(() => undefined)
        .then(() => link.worker?.receive({ kind: 'ironic-metadata:reply', id: message.id, refreshed: true }));
  });
  link.worker = worker;
  return { primary, worker, asked };
}

describe('BroadcastingNodeSource and RelayedNodeSource', () => {
  it("hand a worker the primary's loads without the worker asking, and a quiet sync as the same inventory", async () => {
    let answer = inventory('a', 'b');
    const { primary, worker, asked } = pair(() => Promise.resolve(answer));
    const changes = jest.fn();
    worker.watch(changes);
    await primary.load();
    const first = await worker.load();
    expect(first.nodes.map((n) => n.uuid)).toEqual(['a', 'b']);
    await primary.load();
    expect(await worker.load()).toBe(first);
    answer = inventory('a', 'c');
    await primary.load();
    expect((await worker.load()).nodes.map((n) => n.uuid)).toEqual(['a', 'c']);
    expect(changes).toHaveBeenCalledTimes(3);
    expect(asked).toEqual([]);
  });

  it("passes a failed load on as the worker's own, with the same message", async () => {
    const { primary, worker } = pair(() => Promise.reject(new Error('Ironic at http://ironic:6385 cannot be reached: ECONNREFUSED')));
    await expect(primary.load()).rejects.toThrow();
    await expect(worker.load()).rejects.toThrow('Ironic at http://ironic:6385 cannot be reached: ECONNREFUSED');
  });

  it('asks the primary to refresh when a load finds nothing new (a client no node matched)', async () => {
    let answer = inventory('a');
    const { primary, worker, asked } = pair(() => Promise.resolve(answer));
    await primary.load();
    await worker.load();
    answer = inventory('a', 'new');
    expect((await worker.load()).nodes.map((n) => n.uuid)).toEqual(['a', 'new']);
    expect(asked).toEqual([{ kind: 'ironic-metadata:request', id: 0, op: 'refresh' }]);
  });

  it('welcomes a worker that starts late with the whole inventory, and the last failure', async () => {
    let fail = false;
    const { primary } = pair(() => (fail ? Promise.reject(new Error('down')) : Promise.resolve(inventory('a'))));
    await primary.load();
    fail = true;
    await expect(primary.load()).rejects.toThrow();
    const welcome: ToWorker[] = primary.welcome();
    expect(welcome.map((message) => message.kind)).toEqual(['ironic-metadata:inventory', 'ironic-metadata:sync-failed']);
  });

  it('sends a large fleet in pieces, and a worker serves it only once the last piece arrived', async () => {
    const fleet = inventory(...Array.from({ length: 2 * ITEMS_PER_MESSAGE + 10 }, (_, i) => `node-${i}`));
    const { primary } = pair(() => Promise.resolve(fleet));
    await primary.load();
    const pieces = primary.welcome();
    expect(pieces.map((message) => message.kind === 'ironic-metadata:inventory' && message.more)).toEqual([true, true, false]);
    const late = new RelayedNodeSource('Ironic', false, () => undefined);
    const served = jest.fn();
    late.watch(served);
    pieces.slice(0, 2).forEach((message) => late.receive(message));
    expect(served).not.toHaveBeenCalled();
    late.receive(pieces[2]);
    expect((await late.load()).nodes).toHaveLength(2 * ITEMS_PER_MESSAGE + 10);
  });
});
