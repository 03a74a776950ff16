import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import type { NodeSource } from '@ironic-metadata/node-discovery';
import { nodeDelta } from './inventory-delta';
import type { ToPrimary, ToWorker } from './messages';
import { BroadcastingNodeSource, ITEMS_PER_MESSAGE, RelayedNodeSource, RelayedOneAtATime } from './node-source-relay';

function inventory(...uuids: string[]): Inventory {
  return {
    nodes: uuids.map((uuid) => ({ uuid, provision_state: 'active', instance_info: {} }) as unknown as Inventory['nodes'][number]),
    ports: [],
    portgroups: [],
  };
}

/** A source answering `answers` in turn, and `patched` to any PATCH. */
function scripted(answers: Inventory[], patched: IronicNode): NodeSource {
  return { description: 'Ironic at http://ironic:6385', load: async () => answers.shift() as Inventory, patchNode: async () => patched };
}

/** A syncer and one relay joined by direct calls instead of IPC through the primary. */
function pair(load: () => Promise<Inventory>) {
  const inner: NodeSource = { description: 'Ironic at http://ironic:6385', load };
  const link: { worker?: RelayedNodeSource } = {};
  const primary = new BroadcastingNodeSource(inner, async (message) => link.worker?.receive(message));
  const asked: ToPrimary[] = [];
  const worker = new RelayedNodeSource(inner.description, false, (message) => {
    asked.push(message);
    // The syncer's refresh sends its outcome first, then the reply.
    if (message.kind === 'ironic-metadata:request')
      void primary
        .load()
        .catch(() => undefined)
        .then(() => link.worker?.receive({ kind: 'ironic-metadata:reply', id: message.id, refreshed: true }));
  });
  link.worker = worker;
  return { primary, worker, asked };
}

/** A syncer over `inner` and two relays: one there from the start, one that gets messages only once `start` is called. */
function earlyAndLate(inner: NodeSource) {
  const writable = inner.patchNode !== undefined;
  const early = new RelayedNodeSource(inner.description, writable, () => undefined);
  const late = new RelayedNodeSource(inner.description, writable, () => undefined);
  let started = false;
  const syncer = new BroadcastingNodeSource(inner, async (message) => {
    early.receive(message);
    if (started) late.receive(message);
  });
  return { syncer, early, late, start: () => void (started = true) };
}

describe('BroadcastingNodeSource and RelayedNodeSource', () => {
  it("hand a relay the syncer's loads without the relay asking, and a quiet sync as the same inventory", async () => {
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

  it("holds the nodes in the syncer's order, which decides the node found where two claim one address", async () => {
    let answer = inventory('a', 'b', 'c');
    const { primary, worker } = pair(() => Promise.resolve(answer));
    await primary.load();
    await worker.load();
    // An inventory file rewritten in another order, with a node added at its top.
    answer = inventory('d', 'c', 'a', 'b');
    await primary.load();
    expect((await worker.load()).nodes.map((n) => n.uuid)).toEqual(['d', 'c', 'a', 'b']);
  });

  it('sends a PATCH answered while a load is compared after that load, so that a relay keeps the patched node', async () => {
    let clock = 0;
    // Each look at the clock takes a millisecond: the comparison lets the event loop turn every few items.
    jest.spyOn(performance, 'now').mockImplementation(() => (clock += 1));
    try {
      const { nodes } = inventory(...Array.from({ length: 10 }, (_, i) => `n${i}`));
      const port = { uuid: 'p0', node_uuid: 'n0', address: '52:54:00:00:00:01' } as unknown as Inventory['ports'][number];
      const answers: Inventory[] = [
        { nodes, ports: [], portgroups: [] },
        { nodes, ports: [port], portgroups: [] },
      ];
      const inner: NodeSource = {
        description: 'Ironic at http://ironic:6385',
        load: async () => answers.shift() ?? { nodes, ports: [port], portgroups: [] },
        // Answered a turn later, while the second load is being compared.
        patchNode: (uuid) =>
          new Promise((resolve) =>
            setImmediate(() => resolve({ ...(nodes.find((node) => node.uuid === uuid) as IronicNode), extra: { password: 'sealed' } })),
          ),
      };
      const relay = new RelayedNodeSource(inner.description, true, () => undefined);
      const syncer = new BroadcastingNodeSource(inner, async (message) => relay.receive(message));
      await syncer.load();
      await Promise.all([syncer.load(), syncer.patchNode?.('n9', [])]);
      expect((await relay.load()).nodes.find((node) => node.uuid === 'n9')?.extra).toEqual({ password: 'sealed' });
    } finally {
      jest.restoreAllMocks();
    }
  });

  it("sends a PATCH answered as a load begins after that load's pieces", async () => {
    let clock = 0;
    jest.spyOn(performance, 'now').mockImplementation(() => (clock += 1));
    try {
      const { nodes } = inventory(...Array.from({ length: 40 }, (_, i) => `n${i}`));
      // The second answer is a new inventory (something else changed), read before the PATCH.
      const answers: Inventory[] = [
        { nodes, ports: [], portgroups: [] },
        { nodes: [...nodes], ports: [], portgroups: [] },
      ];
      const patched = { ...nodes[39], extra: { password: 'sealed' } };
      const inner = scripted(answers, patched);
      const relay = new RelayedNodeSource(inner.description, true, () => undefined);
      const syncer = new BroadcastingNodeSource(inner, async (message) => relay.receive(message));
      await syncer.load();
      // In one turn of the event loop: the PATCH's answer, then a load's.
      await Promise.all([syncer.patchNode?.('n39', []), syncer.load()]);
      expect((await relay.load()).nodes.find((node) => node.uuid === 'n39')).toBe(patched);
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('answers a load with the PATCHes answered while its changes went to the relays, as the relays then hold them', async () => {
    const { nodes } = inventory('a', 'b');
    const answers: Inventory[] = [{ nodes, ports: [], portgroups: [] }, inventory('a', 'b')];
    const patched = { ...nodes[1], extra: { password: 'sealed' } };
    const inner = scripted(answers, patched);
    const relay = new RelayedNodeSource(inner.description, true, () => undefined);
    // The relays take the second load's piece only once let go; messages in order, as RelayedOneAtATime sends them.
    let letGo: (() => void) | undefined;
    let hold = false;
    let sent = Promise.resolve();
    const syncer = new BroadcastingNodeSource(
      inner,
      (message) =>
        (sent = sent.then(async () => {
          if (hold) {
            hold = false;
            await new Promise<void>((resolve) => (letGo = resolve));
          }
          relay.receive(message);
        })),
    );
    await syncer.load();
    hold = true;
    const loading = syncer.load();
    await new Promise((resolve) => setTimeout(resolve, 10));
    const patching = syncer.patchNode?.('b', []);
    await new Promise((resolve) => setTimeout(resolve, 10));
    letGo?.();
    const [answered] = await Promise.all([loading, patching]);
    expect(answered.nodes.map((node) => node.extra)).toEqual([undefined, { password: 'sealed' }]);
    expect((await relay.load()).nodes.map((node) => node.extra)).toEqual([undefined, { password: 'sealed' }]);
  });

  it('does not send relays a PATCH of a node the last load no longer had', async () => {
    const answers = [inventory('a', 'b'), inventory('a')];
    const inner: NodeSource = {
      description: 'Ironic at http://ironic:6385',
      load: async () => answers.shift() ?? inventory('a'),
      patchNode: async (uuid) => inventory(uuid).nodes[0],
    };
    const relay = new RelayedNodeSource(inner.description, true, () => undefined);
    const syncer = new BroadcastingNodeSource(inner, async (message) => relay.receive(message));
    await syncer.load();
    await syncer.load();
    await syncer.patchNode?.('b', []);
    expect((await relay.load()).nodes.map((node) => node.uuid)).toEqual(['a']);
  });

  it("passes a failed load on as the relay's own, with the same message", async () => {
    const { primary, worker } = pair(() => Promise.reject(new Error('Ironic at http://ironic:6385 cannot be reached: ECONNREFUSED')));
    await expect(primary.load()).rejects.toThrow();
    await expect(worker.load()).rejects.toThrow('Ironic at http://ironic:6385 cannot be reached: ECONNREFUSED');
  });

  it('asks the syncer to refresh when a load finds nothing new (a client no node matched)', async () => {
    let answer = inventory('a');
    const { primary, worker, asked } = pair(() => Promise.resolve(answer));
    await primary.load();
    await worker.load();
    answer = inventory('a', 'new');
    expect((await worker.load()).nodes.map((n) => n.uuid)).toEqual(['a', 'new']);
    expect(asked).toEqual([{ kind: 'ironic-metadata:request', id: 0, op: 'refresh' }]);
  });

  it('resyncs for a relay that starts late: it serves nothing from changes alone, then the whole inventory read anew', async () => {
    const forget = jest.fn();
    let loads = 0;
    const inner: NodeSource = { description: 'Ironic', forget, load: () => Promise.resolve(inventory('a', `b${loads++}`)) };
    const { syncer, early, late, start } = earlyAndLate(inner);
    await syncer.load();
    start();
    const served = jest.fn();
    late.watch(served);
    await syncer.load();
    expect(served).not.toHaveBeenCalled();
    syncer.resync();
    expect(syncer.resyncPending).toBe(true);
    await syncer.load();
    expect(syncer.resyncPending).toBe(false);
    expect(forget).toHaveBeenCalledTimes(1);
    expect(served).toHaveBeenCalledTimes(1);
    expect((await late.load()).nodes.map((node) => node.uuid)).toEqual(['a', 'b2']);
    expect((await early.load()).nodes.map((node) => node.uuid)).toEqual(['a', 'b2']);
  });

  it('answers a load only once every message is written: the catalog then replaces the drives it decodes', async () => {
    const written: Array<() => void> = [];
    const syncer = new BroadcastingNodeSource(
      { description: 'Ironic', load: () => Promise.resolve(inventory('a')) },
      () => new Promise<void>((resolve) => written.push(resolve)),
    );
    let answered = false;
    const loaded = syncer.load().then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toHaveLength(1);
    expect(answered).toBe(false);
    written[0]();
    await loaded;
    expect(answered).toBe(true);
  });

  it('keeps serving the last whole inventory when its syncer dies while sending another, until the next syncer sends one', async () => {
    const fleet = (tag: string) => inventory(...Array.from({ length: 2 * ITEMS_PER_MESSAGE }, (_, i) => `${tag}-${i}`));
    const relay = new RelayedNodeSource('Ironic', false, () => undefined);
    const first: ToWorker[] = [];
    await new BroadcastingNodeSource({ description: 'Ironic', load: () => Promise.resolve(fleet('a')) }, async (message) => {
      first.push(message);
    }).load();
    first.forEach((message) => relay.receive(message));
    const second: ToWorker[] = [];
    const next = new BroadcastingNodeSource({ description: 'Ironic', load: () => Promise.resolve(fleet('b')) }, async (message) => {
      second.push(message);
    });
    await next.load();
    relay.receive(second[0]);
    relay.receive({ kind: 'ironic-metadata:syncer-lost' });
    // A node the next syncer patches before its first load: not an inventory to serve on its own.
    relay.receive({ kind: 'ironic-metadata:inventory', delta: nodeDelta(inventory('patched').nodes[0]), more: false });
    expect((await relay.load()).nodes.map((node) => node.uuid)).toEqual(fleet('a').nodes.map((node) => node.uuid));
    second.forEach((message) => relay.receive(message));
    expect((await relay.load()).nodes.map((node) => node.uuid)).toEqual(fleet('b').nodes.map((node) => node.uuid));
  });

  it('started late, is not ready with a failed sync, only with the whole inventory', async () => {
    const late = new RelayedNodeSource('Ironic', false, () => undefined, true);
    let ready = false;
    void late.ready.then(() => (ready = true));
    late.receive({ kind: 'ironic-metadata:sync-failed', message: 'Ironic at http://ironic:6385 cannot be reached' });
    await new Promise((resolve) => setImmediate(resolve));
    expect(ready).toBe(false);
    const whole: ToWorker[] = [];
    await new BroadcastingNodeSource({ description: 'Ironic', load: () => Promise.resolve(inventory('a')) }, async (message) => {
      whole.push(message);
    }).load();
    whole.forEach((message) => late.receive(message));
    await late.ready;
    expect((await late.load()).nodes.map((node) => node.uuid)).toEqual(['a']);
  });

  it('fails a load when no syncer answers its refresh, rather than hand out what it held as fresh', async () => {
    const relay = new RelayedNodeSource('Ironic', false, (message) => {
      if (message.kind === 'ironic-metadata:request')
        relay.receive({ kind: 'ironic-metadata:reply', id: message.id, error: 'the worker that syncs the nodes is restarting; try again' });
    });
    const whole: ToWorker[] = [];
    await new BroadcastingNodeSource({ description: 'Ironic', load: () => Promise.resolve(inventory('a')) }, async (message) => {
      whole.push(message);
    }).load();
    whole.forEach((message) => relay.receive(message));
    expect((await relay.load()).nodes).toHaveLength(1);
    await expect(relay.load()).rejects.toThrow('the worker that syncs the nodes is restarting; try again');
  });

  it('sends a large fleet in pieces, the first a reset, and a relay serves it only once the last piece arrived', async () => {
    const fleet = inventory(...Array.from({ length: 2 * ITEMS_PER_MESSAGE + 10 }, (_, i) => `node-${i}`));
    const pieces: ToWorker[] = [];
    await new BroadcastingNodeSource({ description: 'Ironic', load: () => Promise.resolve(fleet) }, async (message) => {
      pieces.push(message);
    }).load();
    expect(pieces.map((message) => message.kind === 'ironic-metadata:inventory' && [message.more, message.reset ?? false])).toEqual([
      [true, true],
      [true, false],
      [false, false],
    ]);
    const late = new RelayedNodeSource('Ironic', false, () => undefined);
    const served = jest.fn();
    late.watch(served);
    pieces.slice(0, 2).forEach((message) => late.receive(message));
    expect(served).not.toHaveBeenCalled();
    late.receive(pieces[2]);
    expect((await late.load()).nodes).toHaveLength(2 * ITEMS_PER_MESSAGE + 10);
  });
});

describe('BroadcastingNodeSource with a PATCH while a whole inventory is under way', () => {
  /** A syncer whose loads wait for `release`, and two relays: one that held the fleet, one that starts late. */
  function patchedDuringReset() {
    let release: ((inventory: Inventory) => void) | undefined;
    let answer = inventory('a', 'b');
    const inner: NodeSource = {
      description: 'Ironic',
      forget: () => undefined,
      load: () => (release ? new Promise<Inventory>((resolve) => (release = resolve)) : Promise.resolve(answer)),
      // Ironic answers the node as patched; the source keeps it and lists it as that very object (IronicNodeSource).
      patchNode: async (uuid) => {
        const node = {
          ...answer.nodes.find((candidate) => candidate.uuid === uuid),
          extra: { password: 'p' },
        } as Inventory['nodes'][number];
        answer = { ...answer, nodes: answer.nodes.map((candidate) => (candidate.uuid === uuid ? node : candidate)) };
        return node;
      },
    };
    const relays = earlyAndLate(inner);
    /** A load begins and waits; node `a` is patched meanwhile; then the load answers. */
    const patchWhileLoading = async () => {
      release = () => undefined;
      const loading = relays.syncer.load();
      await new Promise((resolve) => setImmediate(resolve));
      await relays.syncer.patchNode?.('a', [{ op: 'add', path: '/extra/password', value: 'p' }]);
      release?.(answer);
      await loading;
    };
    return { ...relays, patchWhileLoading };
  }

  it('still sends the patched node in the whole inventory of a resync, so that no relay loses it', async () => {
    const { syncer, early, late, start, patchWhileLoading } = patchedDuringReset();
    await syncer.load();
    start();
    syncer.resync();
    await patchWhileLoading();
    for (const relay of [early, late]) {
      const served = await relay.load();
      expect(served.nodes.map((node) => node.uuid).sort()).toEqual(['a', 'b']);
      expect(served.nodes.find((node) => node.uuid === 'a')?.extra).toEqual({ password: 'p' });
    }
  });

  it("still sends the patched node in a new syncer's first inventory, so that no relay loses it", async () => {
    const { early, patchWhileLoading } = patchedDuringReset();
    await patchWhileLoading();
    expect((await early.load()).nodes.map((node) => node.uuid).sort()).toEqual(['a', 'b']);
  });
});

describe('RelayedOneAtATime', () => {
  it("hands the primary a fleet's pieces one at a time, each once the one before was relayed, and a load answers after the last", async () => {
    const fleet = inventory(...Array.from({ length: 2 * ITEMS_PER_MESSAGE + 10 }, (_, i) => `node-${i}`));
    const sent: ToPrimary[] = [];
    const broadcasts = new RelayedOneAtATime((message) => sent.push(message));
    let answered = false;
    const loaded = new BroadcastingNodeSource({ description: 'Ironic', load: () => Promise.resolve(fleet) }, broadcasts.broadcast)
      .load()
      .then(() => (answered = true));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    for (const piece of [1, 2, 3]) {
      await settle();
      expect(sent).toHaveLength(piece);
      expect(answered).toBe(false);
      broadcasts.relayed();
    }
    await loaded;
    expect(sent.map((message) => message.kind === 'ironic-metadata:broadcast' && message.message.kind)).toEqual([
      'ironic-metadata:inventory',
      'ironic-metadata:inventory',
      'ironic-metadata:inventory',
    ]);
  });
});

describe('config drives decoded as a fleet is handed over', () => {
  const fleet = inventory(...Array.from({ length: 2 * ITEMS_PER_MESSAGE + 10 }, (_, i) => `node-${i}`));
  const settle = () => new Promise((resolve) => setImmediate(resolve));
  /** A decoder that notes each node as it starts and as it ends, and ends only when `finish` is called. */
  function heldDecoder() {
    const started: string[] = [];
    const decoded: string[] = [];
    const waiting: Array<() => void> = [];
    const decode = (node: IronicNode) => {
      started.push(node.uuid);
      return new Promise<void>((resolve) => waiting.push(resolve)).then(() => void decoded.push(node.uuid));
    };
    const finish = async () => {
      while (waiting.length > 0) {
        waiting.splice(0).forEach((resolve) => resolve());
        await settle();
      }
    };
    return { started, decoded, decode, finish };
  }
  async function pieces(): Promise<ToWorker[]> {
    const sent: ToWorker[] = [];
    await new BroadcastingNodeSource({ description: 'Ironic', load: () => Promise.resolve(fleet) }, async (message) => {
      sent.push(message);
    }).load();
    return sent;
  }

  it("a relay decodes each piece's drives as it arrives, takes the next message after them, and serves the fleet once all are decoded", async () => {
    const decoder = heldDecoder();
    const relay = new RelayedNodeSource('Ironic', false, () => undefined, false, decoder.decode);
    const decodedWhenServed: number[] = [];
    const served = jest.fn(() => void decodedWhenServed.push(decoder.decoded.length));
    relay.watch(served);
    const sent = await pieces();
    sent.forEach((message) => relay.receive(message));
    relay.receive({ kind: 'ironic-metadata:syncer-lost' });
    await settle();
    // The first piece's first drive is under way; the second piece waits for the first.
    expect(decoder.started).toEqual(['node-0']);
    expect(served).not.toHaveBeenCalled();
    await decoder.finish();
    expect(decoder.started).toEqual(fleet.nodes.map((node) => node.uuid));
    expect(decodedWhenServed).toEqual([fleet.nodes.length]);
    expect((await relay.load()).nodes).toHaveLength(fleet.nodes.length);
    // The syncer-lost taken after the fleet: a piece alone is no longer served.
    relay.receive({ kind: 'ironic-metadata:inventory', delta: nodeDelta(inventory('stray').nodes[0]), more: false });
    await settle();
    expect(served).toHaveBeenCalledTimes(1);
  });

  it('a relay whose decoder fails for a node still takes every message: the catalog decodes that node again and reports it', async () => {
    const relay = new RelayedNodeSource(
      'Ironic',
      false,
      () => undefined,
      false,
      (node) => (node.uuid === 'node-3' ? Promise.reject(new Error('corrupt gzip stream')) : Promise.resolve()),
    );
    (await pieces()).forEach((message) => relay.receive(message));
    await relay.ready;
    expect((await relay.load()).nodes).toHaveLength(fleet.nodes.length);
  });

  it('the syncer decodes the drives of a piece only once it is written to every relay, and a load answers once all are decoded', async () => {
    const decoder = heldDecoder();
    const written: Array<() => void> = [];
    let answered = false;
    const loaded = new BroadcastingNodeSource(
      { description: 'Ironic', load: () => Promise.resolve(fleet) },
      () => new Promise<void>((resolve) => written.push(resolve)),
      decoder.decode,
    )
      .load()
      .then(() => (answered = true));
    await settle();
    expect(written).toHaveLength(3);
    expect(decoder.started).toEqual([]);
    written[0]();
    await settle();
    expect(decoder.started).toEqual(['node-0']);
    written[1]();
    written[2]();
    await decoder.finish();
    expect(decoder.started).toEqual(fleet.nodes.map((node) => node.uuid));
    await loaded;
    expect(answered).toBe(true);
  });
});
