import fc from 'fast-check';
import { aNode, aPort } from '@ironic-metadata/ironic-model/testing';
import { LeaseTable, parseLeases, type IndexedNode } from '@ironic-metadata/node-addresses';
import { EventLoopSlices } from './event-loop-slices';
import { NodeIndex } from './node-index';

const entry = (node = aNode(), extra: Partial<IndexedNode> = {}): IndexedNode => ({ node, ports: [], portgroups: [], ...extra });
const build = (entries: IndexedNode[], matchNodeName = false) => new NodeIndex(entries, { matchNodeName });
const staticNetwork = (ip: string) => ({
  links: [{ id: 'iface0', type: 'phy' }],
  networks: [{ id: 'n0', type: 'ipv4', link: 'iface0', ip_address: ip }],
  services: [],
});

describe('NodeIndex.lookup', () => {
  it('matches instance_info.fixed_ips exactly, never by substring', () => {
    const node = aNode({ instance_info: { fixed_ips: ['10.0.0.12'] } });
    const index = build([entry(node)]);
    expect(index.lookup('10.0.0.12')).toMatchObject({ found: true, method: 'fixed_ips', entry: { node } });
    expect(index.lookup('10.0.0.1')).toMatchObject({ found: false, reason: 'no node matches 10.0.0.1' });
  });

  it('tries each matcher in order and reports every step', () => {
    const byFixedIp = aNode({ instance_info: { fixed_ips: [{ ip_address: '10.0.0.5' }] } });
    const byNodeNetwork = aNode({ network_data: staticNetwork('10.0.0.6') });
    const byDrive = aNode();
    const byAgent = aNode({ driver_internal_info: { agent_url: 'http://10.0.0.8:9999' } });
    const index = build([
      entry(byFixedIp),
      entry(byNodeNetwork),
      entry(byDrive, {
        configDrive: { metaData: {}, publicKeys: {}, networkData: staticNetwork('10.0.0.7'), leftAside: [] } as IndexedNode['configDrive'],
      }),
      entry(byAgent),
    ]);
    expect(index.lookup('10.0.0.5')).toMatchObject({ method: 'fixed_ips', entry: { node: byFixedIp } });
    expect(index.lookup('10.0.0.6')).toMatchObject({ method: 'node_network_data', entry: { node: byNodeNetwork } });
    expect(index.lookup('10.0.0.7')).toMatchObject({ method: 'configdrive_network_data', entry: { node: byDrive } });
    const agent = index.lookup('10.0.0.8');
    expect(agent).toMatchObject({ method: 'agent_url', entry: { node: byAgent } });
    expect(agent.trace.map((step) => `${step.method}:${step.outcome}`)).toEqual([
      'fixed_ips:no-match',
      'node_network_data:no-match',
      'configdrive_network_data:no-match',
      'agent_url:matched',
    ]);
  });

  it('matches node names only when enabled', () => {
    const node = aNode({ name: '10.0.0.9' });
    expect(build([entry(node)]).lookup('10.0.0.9').found).toBe(false);
    expect(build([entry(node)], true).lookup('10.0.0.9')).toMatchObject({ found: true, method: 'node_name' });
  });

  it('refuses to guess when two nodes with instances claim one address', () => {
    const a = aNode({ name: 'a', instance_info: { fixed_ips: ['10.0.0.5'] } });
    const b = aNode({ name: 'b', instance_info: { fixed_ips: ['10.0.0.5'] } });
    const lookup = build([entry(a), entry(b)]).lookup('10.0.0.5');
    expect(lookup.found).toBe(false);
    expect(lookup).toMatchObject({ reason: expect.stringContaining('claimed by several nodes') });
    expect(lookup.trace.at(-1)).toMatchObject({ outcome: 'ambiguous' });
  });

  it('serves the deployed node when a node being cleaned still lists the address', () => {
    const cleaning = aNode({ provision_state: 'cleaning', instance_info: { fixed_ips: ['10.0.0.5'] } });
    const active = aNode({ instance_info: { fixed_ips: ['10.0.0.5'] } });
    expect(build([entry(cleaning), entry(active)]).lookup('10.0.0.5')).toMatchObject({ found: true, entry: { node: active } });
  });

  it('explains that a node without an instance is not served', () => {
    const available = aNode({ name: 'spare', provision_state: 'available', instance_info: { fixed_ips: ['10.0.0.5'] } });
    const lookup = build([entry(available)]).lookup('10.0.0.5');
    expect(lookup).toMatchObject({ found: false, ineligible: { node: available } });
    expect(lookup.found || lookup.reason).toContain('which is available');
  });

  it('understands IPv4-mapped, differently spelled and link-local (zoned) IPv6 client addresses', () => {
    const index = build([entry(aNode({ instance_info: { fixed_ips: ['10.0.0.5', '2001:DB8:0:0::5', 'fe80::5054:ff:fe12:3456'] } }))]);
    expect(index.lookup('::ffff:10.0.0.5').found).toBe(true);
    expect(index.lookup('2001:db8::5').found).toBe(true);
    expect(index.lookup('fe80::5054:ff:fe12:3456%eth0')).toMatchObject({ found: true, ip: 'fe80::5054:ff:fe12:3456' });
  });

  it('finds nodes by port MAC in any spelling, and by uuid or name', () => {
    const node = aNode({ name: 'web-1' });
    const index = build([entry(node, { ports: [aPort(node, '52:54:00:AA:BB:CC')] })]);
    expect(index.nodeByMac('52-54-00-aa-bb-cc')?.node).toBe(node);
    expect(index.nodeByMac('not a mac')).toBeUndefined();
    expect(index.nodeByUuidOrName('web-1')?.node).toBe(node);
    expect(index.nodeByUuidOrName(node.uuid)?.node).toBe(node);
  });

  it("finds a node by its uuid even when another node's name is that uuid, in either order", () => {
    const target = aNode({ name: 'compute-1' });
    const impostor = aNode({ name: target.uuid });
    for (const order of [
      [impostor, target],
      [target, impostor],
    ]) {
      const index = build(order.map((node) => entry(node)));
      expect(index.nodeByUuidOrName(target.uuid)?.node).toBe(target);
      expect(index.nodeByUuidOrName(impostor.uuid)?.node).toBe(impostor);
      expect(index.nodeByUuidOrName('compute-1')?.node).toBe(target);
    }
  });
});

describe('NodeIndex.match', () => {
  const ADDRESSES = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4'];
  const node = fc.record({
    fixedIps: fc.subarray(ADDRESSES),
    state: fc.constantFrom('active', 'deploying', 'cleaning', 'available'),
    leased: fc.option(fc.constantFrom(...ADDRESSES), { nil: undefined }),
  });

  it('answers as lookup does, without the trace, whatever claims, states and leases the fleet holds', () => {
    fc.assert(
      fc.property(fc.array(node, { maxLength: 5 }), fc.constantFrom(...ADDRESSES, '10.0.0.9'), (fleet, client) => {
        const entries = fleet.map(({ fixedIps, state }, i) => {
          const ironic = aNode({ name: `n${i}`, provision_state: state, instance_info: { fixed_ips: fixedIps } });
          return entry(ironic, { ports: [aPort(ironic, `52:54:00:00:00:0${i}`)] });
        });
        const leases = new LeaseTable(
          parseLeases(fleet.map(({ leased }, i) => (leased ? `0 52:54:00:00:00:0${i} ${leased} * *\n` : '')).join('')).leases,
        );
        const index = build(entries);
        const { trace, ...lookup } = index.lookup(client, leases);
        expect(index.match(client, leases)).toEqual(lookup);
        expect(trace.at(-1)?.outcome === 'matched').toBe(lookup.found);
      }),
    );
  });
});

describe('NodeIndex.build', () => {
  const WIDE_ADDRESSES = Array.from({ length: 12 }, (_, i) => `10.0.0.${i + 1}`);
  const WIDE_MACS = Array.from({ length: 12 }, (_, i) => `52:54:00:00:00:${(i + 1).toString(16).padStart(2, '0')}`);
  const ADDRESSES = WIDE_ADDRESSES.slice(0, 3);
  const MACS = WIDE_MACS.slice(0, 3);
  const node = fc.record({
    fixedIps: fc.subarray(ADDRESSES),
    macs: fc.subarray(MACS),
    name: fc.constantFrom(undefined, 'web', 'db'),
    state: fc.constantFrom('active', 'cleaning'),
    instance: fc.constantFrom(undefined, 'instance-1', 'instance-2'),
  });

  it('lets the event loop turn whenever a slice is spent, in full or over the last index', async () => {
    let turns = 0;
    const count = () => {
      turns += 1;
      immediate = setImmediate(count);
    };
    let immediate = setImmediate(count);
    const fleet = [entry(), entry(), entry()];
    const full = await NodeIndex.build(fleet, { matchNodeName: false }, new EventLoopSlices(0));
    expect(turns).toBeGreaterThanOrEqual(3);
    // Built from the last index, it files one new node and compares the other three.
    turns = 0;
    await NodeIndex.build([...fleet, entry()], { matchNodeName: false }, new EventLoopSlices(0), full);
    clearImmediate(immediate);
    expect(turns).toBeGreaterThanOrEqual(4);
  });

  const entryOf = (
    { fixedIps, macs, name, state, instance }: { fixedIps: string[]; macs: string[]; name?: string; state: string; instance?: string },
    uuid?: string,
  ): IndexedNode => {
    const ironic = aNode({
      ...(uuid ? { uuid } : {}),
      name,
      provision_state: state,
      instance_uuid: instance,
      instance_info: { fixed_ips: fixedIps },
    });
    return entry(ironic, { ports: macs.map((mac) => aPort(ironic, mac)) });
  };

  /**
   * Whether `index` answers every lookup of the fleet's addresses, MACs, names and ids as `whole`
   * does, and those of the nodes with the uuids `gone` (nodes it may no longer hold).
   */
  const expectSameAnswers = (index: NodeIndex, whole: NodeIndex, gone: Iterable<string> = []) => {
    expect(index.entries).toBe(whole.entries);
    for (const address of [...WIDE_ADDRESSES, 'web', 'db', 'app']) expect(index.lookup(address)).toEqual(whole.lookup(address));
    for (const mac of WIDE_MACS) expect(index.nodeByMac(mac)).toBe(whole.nodeByMac(mac));
    for (const id of ['web', 'db', 'app', 'instance-1', 'instance-2', 'instance-3', ...whole.entries.map((e) => e.node.uuid), ...gone]) {
      expect(index.nodeByUuidOrName(id)).toBe(whole.nodeByUuidOrName(id));
      expect(index.nodeByInstanceId(id)).toBe(whole.nodeByInstanceId(id));
    }
  };

  it('builds, a slice at a time, the index the constructor builds, whatever the fleet claims twice', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(node, { maxLength: 6 }), fc.boolean(), async (fleet, matchNodeName) => {
        const entries = fleet.map((item) => entryOf(item));
        // Slices of 0 ms: a turn of the event loop after every node.
        const sliced = await NodeIndex.build(entries, { matchNodeName }, new EventLoopSlices(0));
        expectSameAnswers(sliced, new NodeIndex(entries, { matchNodeName }));
      }),
    );
  });

  it('answers as an index built afresh when built from a previous index, whatever nodes were kept, changed, dropped or added', async () => {
    // Each node of the previous fleet is kept as the same entry, changed (same uuid, a new entry
    // claiming other things), or dropped; new nodes come too; then the whole is shuffled.
    const fate = fc.oneof(fc.constant('kept' as const), fc.constant('dropped' as const), node);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(node, fate), { maxLength: 6 }),
        fc.array(node, { maxLength: 3 }),
        fc.boolean(),
        fc.boolean(),
        async (fleet, added, matchNodeName, previousMatchedNames) => {
          const before = fleet.map(([item]) => entryOf(item));
          const previous = new NodeIndex(before, { matchNodeName: previousMatchedNames });
          const changed = fleet.flatMap(([, next], i) => {
            if (next === 'kept') return [before[i]];
            return next === 'dropped' ? [] : [entryOf(next, before[i].node.uuid)];
          });
          const after = [...added.map((item) => entryOf(item)), ...changed].reverse();
          const whole = new NodeIndex(after, { matchNodeName });
          const gone = before.map((kept) => kept.node.uuid);
          expectSameAnswers(new NodeIndex(after, { matchNodeName }, previous), whole, gone);
          expectSameAnswers(await NodeIndex.build(after, { matchNodeName }, new EventLoopSlices(0), previous), whole, gone);
        },
      ),
    );
  });

  it('answers as an index built afresh after any chain of syncs, each index built from the one before', async () => {
    // Wider pools than above, so that most syncs claim nothing another node holds and the index
    // files only the changes over the ones before; a twin is a second entry with a node's uuid.
    const sparse = fc.record({
      fixedIps: fc.subarray(WIDE_ADDRESSES, { maxLength: 1 }),
      macs: fc.subarray(WIDE_MACS, { maxLength: 1 }),
      name: fc.option(fc.constantFrom('web', 'db', 'app'), { freq: 2, nil: undefined }),
      state: fc.constantFrom('active', 'cleaning'),
      instance: fc.option(fc.constantFrom('instance-1', 'instance-2', 'instance-3'), { freq: 2, nil: undefined }),
    });
    const fate = fc.oneof(
      { arbitrary: fc.constant('kept' as const), weight: 4 },
      { arbitrary: fc.constant('dropped' as const), weight: 1 },
      { arbitrary: fc.constant('first' as const), weight: 1 },
      { arbitrary: fc.constant('moved' as const), weight: 1 },
      { arbitrary: fc.record({ twin: sparse }), weight: 1 },
      { arbitrary: fc.record({ changed: sparse }), weight: 2 },
    );
    // Each sync builds from the last index, or from an earlier one (as a PATCH does while a load builds).
    const sync = fc.record({
      fates: fc.array(fate, { maxLength: 8 }),
      added: fc.array(sparse, { maxLength: 2 }),
      sliced: fc.boolean(),
      from: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(sparse, { maxLength: 8 }),
        fc.array(sync, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (fleet, syncs, matchNodeName) => {
          let entries = fleet.map((item) => entryOf(item));
          const built = [{ index: new NodeIndex(entries, { matchNodeName }), whole: new NodeIndex(entries, { matchNodeName }) }];
          // A node's first entry, which a later sync may answer again (as a catalog reusing an entry does).
          const first = new Map(entries.map((kept) => [kept.node.uuid, kept]));
          for (const { fates, added, sliced, from } of syncs) {
            const moved: IndexedNode[] = [];
            const next = entries.flatMap((kept, i) => {
              const next = fates[i] ?? 'kept';
              if (next === 'kept') return [kept];
              if (next === 'dropped') return [];
              if (next === 'moved') {
                moved.push(kept);
                return [];
              }
              if (next === 'first') return [first.get(kept.node.uuid) ?? kept];
              if ('twin' in next) return [kept, entryOf(next.twin, kept.node.uuid)];
              return [entryOf(next.changed, kept.node.uuid)];
            });
            entries = [...next, ...added.map((item) => entryOf(item)), ...moved];
            for (const kept of entries) if (!first.has(kept.node.uuid)) first.set(kept.node.uuid, kept);
            const previous = built[from % built.length].index;
            const index = sliced
              ? await NodeIndex.build(entries, { matchNodeName }, new EventLoopSlices(0), previous)
              : new NodeIndex(entries, { matchNodeName }, previous);
            built.push({ index, whole: new NodeIndex(entries, { matchNodeName }) });
            // Every index answers as one built afresh, the new one and those before it: requests may still hold them.
            for (const { index, whole } of built) expectSameAnswers(index, whole, first.keys());
          }
        },
      ),
    );
  });

  it('answers as an index built afresh when an index or the one it is built from holds an entry twice', () => {
    const claiming = () => entry(aNode({ instance_info: { fixed_ips: ['10.0.0.1'] }, instance_uuid: 'instance-1' }));
    const [bare, claims, added] = [entry(), claiming(), claiming()];
    for (const chain of [
      [[bare, bare], [bare]],
      [[claims, claims], [claims]],
      [[bare], [bare, added, added], [bare, added]],
    ]) {
      let index: NodeIndex | undefined;
      for (const entries of chain) {
        index = new NodeIndex(entries, { matchNodeName: false }, index);
        expectSameAnswers(index, new NodeIndex(entries, { matchNodeName: false }));
      }
    }
  });

  it('answers as an index built afresh when more nodes changed than an index files over the last full build', () => {
    const addressOf = (i: number) => `10.1.${i >> 8}.${i & 255}`;
    const fleet = Array.from({ length: 3000 }, (_, i) => {
      const ironic = aNode({ name: `n${i}`, instance_info: { fixed_ips: [addressOf(i)] } });
      return entry(ironic, {
        ports: [aPort(ironic, `52:54:00:00:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`)],
      });
    });
    const redeployed = (from: number, to: number, entries: IndexedNode[]) =>
      entries.map((kept, i) =>
        i >= from && i < to ? entry({ ...kept.node, instance_uuid: `instance-${i}` }, { ports: kept.ports }) : kept,
      );
    let index = new NodeIndex(fleet, { matchNodeName: false });
    let entries = fleet;
    // 100 nodes changed count 200 (each filed anew and its old entry hidden): two syncs file their
    // changes over the first build, the third is a full build, and so is the fourth after it.
    for (const [from, to] of [
      [0, 100],
      [100, 200],
      [200, 300],
      [0, 700],
    ]) {
      entries = redeployed(from, to, entries);
      index = new NodeIndex(entries, { matchNodeName: false }, index);
      const whole = new NodeIndex(entries, { matchNodeName: false });
      for (const i of [0, 99, 100, 199, 200, 299, 699, 700, 2999]) {
        const { address } = entries[i].ports[0];
        expect(index.lookup(addressOf(i))).toEqual(whole.lookup(addressOf(i)));
        expect(index.nodeByMac(address)).toBe(entries[i]);
        expect(index.nodeByInstanceId(`instance-${i}`)).toBe(whole.nodeByInstanceId(`instance-${i}`));
        expect(index.nodeByUuidOrName(`n${i}`)).toBe(entries[i]);
      }
    }
  });
});
