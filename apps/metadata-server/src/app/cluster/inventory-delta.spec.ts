import type { Inventory } from '@ironic-metadata/ironic-model';
import { EventLoopSlices } from '@ironic-metadata/node-discovery';
import fc from 'fast-check';
import { InventoryDiffer, InventoryReplica, splitDelta, type InventoryDelta } from './inventory-delta';

type Node = Inventory['nodes'][number];
type Port = Inventory['ports'][number];

function node(uuid: string, state = 'active'): Node {
  return { uuid, provision_state: state, instance_info: {}, extra: {}, properties: {} } as unknown as Node;
}

function port(uuid: string, nodeUuid: string): Port {
  return { uuid, node_uuid: nodeUuid, address: '52:54:00:00:00:01' } as unknown as Port;
}

/** Each node's port uuids, in order, by node uuid. */
const portsByNode = (ports: readonly Port[]) => {
  const byNode: Record<string, string[]> = {};
  for (const { uuid, node_uuid } of ports) (byNode[node_uuid] ??= []).push(uuid);
  return byNode;
};

describe('InventoryDiffer and InventoryReplica', () => {
  it('sends only the nodes that are not the very same objects, and the uuids of those gone', async () => {
    const [a, b, c] = [node('a'), node('b'), node('c')];
    const differ = new InventoryDiffer();
    await differ.delta({ nodes: [a, b], ports: [port('p', 'a')], portgroups: [] });
    const b2 = node('b', 'deploying');
    const delta = await differ.delta({ nodes: [a, b2, c], ports: [], portgroups: [] });
    expect(delta?.nodes).toEqual({ set: [b2, c], removed: [] });
    expect(delta?.ports).toEqual({ set: [], removed: ['p'] });
  });

  it('splits a delta into pieces of at most the size given, every item and removal kept once', () => {
    const delta: InventoryDelta = {
      nodes: { set: [node('a'), node('b'), node('c')], removed: ['x'] },
      ports: { set: [port('p', 'a')], removed: ['q'] },
      portgroups: { set: [], removed: [] },
    };
    const pieces = splitDelta(delta, 2);
    expect(pieces.map((piece) => [piece.nodes.set.length, piece.ports.set.length])).toEqual([
      [2, 0],
      [1, 1],
    ]);
    expect(pieces.flatMap((piece) => [...piece.nodes.removed, ...piece.ports.removed])).toEqual(['x', 'q']);
  });

  it('lets the event loop turn once a slice is spent', async () => {
    let turned = false;
    setImmediate(() => (turned = true));
    await new InventoryDiffer().delta({ nodes: [node('a'), node('b')], ports: [], portgroups: [] }, new EventLoopSlices(0));
    expect(turned).toBe(true);
  });

  it('answers nothing for the very inventory sent last (a quiet sync)', async () => {
    const differ = new InventoryDiffer();
    const inventory = { nodes: [node('a')], ports: [], portgroups: [] };
    await differ.delta(inventory);
    expect(await differ.delta(inventory)).toBeUndefined();
  });

  it('does not send again a patched node the source then answers', async () => {
    const differ = new InventoryDiffer();
    await differ.delta({ nodes: [node('a')], ports: [], portgroups: [] });
    const patched = node('a', 'active');
    expect(differ.patched(patched)?.nodes.set).toEqual([patched]);
    // A node the relays were not sent, or no longer hold.
    expect(differ.patched(node('z'))).toBeUndefined();
    expect((await differ.delta({ nodes: [patched], ports: [], portgroups: [] }))?.nodes).toEqual({ set: [], removed: [] });
  });

  it('sends the order only when the replica would not keep it by itself, on the last piece, and the replica takes it', async () => {
    const [a, b, c, d] = [node('a'), node('b'), node('c'), node('d')];
    const differ = new InventoryDiffer();
    const replica = new InventoryReplica();
    const send = async (nodes: Node[], ports: Port[] = []) => {
      const delta = (await differ.delta({ nodes, ports, portgroups: [] })) as InventoryDelta;
      const pieces = splitDelta(delta, 1);
      pieces.forEach((piece) => replica.apply(piece));
      return { pieces, held: replica.inventory().nodes.map((n) => n.uuid) };
    };
    await send([a, b]);
    // Kept in place, a new node after them: the replica's own order.
    const appended = await send([a, b, c]);
    expect(appended.pieces.map((piece) => piece.nodes.order)).toEqual([undefined]);
    expect(appended.held).toEqual(['a', 'b', 'c']);
    // A node new to the source's filters with a lower id, listed before the others; only the last of its pieces says the order.
    const moved = await send([d, a, b, c]);
    expect(moved.held).toEqual(['d', 'a', 'b', 'c']);
    expect(moved.pieces.map((piece) => piece.nodes.order)).toEqual([['d', 'a', 'b', 'c']]);
    // A port added to a node that is not the last one: ports count in order within a node only.
    const ports = [port('pa', 'a'), port('pc', 'c')];
    await send([d, a, b, c], ports);
    const plugged = await send([d, a, b, c], [ports[0], port('pa2', 'a'), ports[1]]);
    expect(plugged.pieces.map((piece) => piece.ports.order)).toEqual([undefined]);
    // Two kept nodes swapped, nothing else changed.
    const swapped = await send([d, b, a, c]);
    expect(swapped.pieces.map((piece) => piece.nodes)).toEqual([{ set: [], removed: [], order: ['d', 'b', 'a', 'c'] }]);
    expect(swapped.held).toEqual(['d', 'b', 'a', 'c']);
  });

  it("keeps each node's ports in the sender's order, whatever order they are listed in and to whichever node they move", async () => {
    const uuids = fc.uniqueArray(fc.integer({ min: 0, max: 12 }), { maxLength: 12 });
    const owners = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 13, maxLength: 13 });
    const step = fc.record({
      listed: uuids,
      owners,
      fresh: fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
      size: fc.integer({ min: 1, max: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const differ = new InventoryDiffer();
        const replica = new InventoryReplica();
        const known = new Map<number, Port>();
        for (const { listed, owners, fresh, size } of steps) {
          const ports = listed.map((n) => {
            const before = known.get(n);
            const owner = `node-${owners[n]}`;
            const item = before && !fresh[n] && before.node_uuid === owner ? before : port(`port-${n}`, owner);
            known.set(n, item);
            return item;
          });
          const delta = await differ.delta({ nodes: [], ports, portgroups: [] });
          if (delta) splitDelta(delta, size).forEach((piece) => replica.apply(piece));
          expect(portsByNode(replica.inventory().ports)).toEqual(portsByNode(ports));
          for (const item of replica.inventory().ports) expect(item).toBe(known.get(Number(item.uuid.slice('port-'.length))));
        }
      }),
    );
  });

  it("rebuilds every inventory in a sequence, in the sender's order, keeping unchanged items the same objects, and a new differ's first delta starts a new replica", async () => {
    const uuids = fc.uniqueArray(fc.constantFrom<string>('a', 'b', 'c', 'd', 'e', 'f'), { maxLength: 6 });
    const step = fc.record({ nodes: uuids, changed: uuids, ports: uuids, swapped: uuids, plugged: uuids });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
        const differ = new InventoryDiffer();
        const replica = new InventoryReplica();
        const current = new Map<string, Node>();
        const received = new Map<string, Node>();
        const uuidsOf = (items: readonly { uuid: string }[]) => items.map((item) => item.uuid);
        for (const { nodes, changed, ports, swapped, plugged } of steps) {
          for (const uuid of [...current.keys()]) if (!nodes.includes(uuid)) current.delete(uuid);
          for (const uuid of nodes) if (!current.has(uuid) || changed.includes(uuid)) current.set(uuid, node(uuid));
          // Listed in the step's order, which may move kept nodes and put new ones anywhere.
          const inventory: Inventory = {
            nodes: nodes.map((uuid) => current.get(uuid) as Node),
            // Two ports a node, listed by node in the step's order, some nodes' two the other way round,
            // and for some a third one listed first.
            ports: ports
              .filter((uuid) => current.has(uuid))
              .flatMap((uuid) =>
                [...(plugged.includes(uuid) ? ['c'] : []), ...(swapped.includes(uuid) ? ['b', 'a'] : ['a', 'b'])].map((name) =>
                  port(`port-${uuid}-${name}`, uuid),
                ),
              ),
            portgroups: [],
          };
          const delta = await differ.delta(inventory);
          // Sent in pieces of two items, as the primary sends a fleet in pieces.
          if (delta) splitDelta(delta, 2).forEach((piece) => replica.apply(piece));
          const rebuilt = delta ? replica.inventory() : undefined;
          expect(rebuilt && uuidsOf(rebuilt.nodes)).toEqual(uuidsOf(inventory.nodes));
          // The catalog reads ports by node: their order within a node is what must hold.
          expect(rebuilt && portsByNode(rebuilt.ports)).toEqual(portsByNode(inventory.ports));
          // Whatever was not sent again is the object received before.
          for (const item of rebuilt?.nodes ?? []) {
            if (!delta?.nodes.set.includes(item)) expect(item).toBe(received.get(item.uuid));
            received.set(item.uuid, item);
          }
        }
        // A resync: a syncer that forgot what it sent, for a relay that starts now.
        const late = new InventoryReplica();
        const whole = await new InventoryDiffer().delta({ nodes: [...current.values()], ports: [], portgroups: [] });
        if (whole) splitDelta(whole, 2).forEach((piece) => late.apply(piece));
        expect(uuidsOf(late.inventory().nodes)).toEqual([...current.keys()]);
      }),
    );
  });
});
