import fc from 'fast-check';
import { applyMutation, isUnder, jsonMutation } from '../test-support/json-mutations';
import { leftAsideIn } from './validation';
import { parseInventory } from './inventory';

const node = { uuid: '1be26c0b-03f2-4d2e-ae87-c02d7f33c123', name: 'node-1', provision_state: 'active' };

describe('parseInventory', () => {
  it('accepts nodes and ports shaped like Ironic answers, keeping unknown fields', () => {
    const inventory = parseInventory(
      { nodes: [{ ...node, power_state: 'power on' }], ports: [{ uuid: 'p1', address: '52:54:00:aa:bb:cc', node_uuid: node.uuid }] },
      'inv.json',
    );
    expect(inventory.nodes[0]).toMatchObject({ uuid: node.uuid, power_state: 'power on', instance_info: {}, extra: {} });
    expect(inventory.ports).toHaveLength(1);
    expect(inventory.portgroups).toEqual([]);
    expect(inventory.unusable).toBeUndefined();
  });

  it('leaves aside a value the service cannot use, and keeps the node', () => {
    const inventory = parseInventory(
      { nodes: [node, { uuid: 'n2', name: 'node-2', provision_state: 'active', instance_info: { fixed_ips: [42, '10.0.0.2'] } }] },
      'inv.json',
    );
    expect(inventory.nodes.map((item) => item.uuid)).toEqual([node.uuid, 'n2']);
    expect(inventory.nodes[1].instance_info.fixed_ips).toEqual(['10.0.0.2']);
    expect(leftAsideIn(inventory.nodes[1])).toEqual([
      { field: 'instance_info.fixed_ips[0]', problem: 'expected an IPv4 or IPv6 address, or {"ip_address": <address>}' },
    ]);
  });

  it("keeps a node's network_data as stored, with a string bond_miimon and keys no schema lists", () => {
    const networkData = {
      links: [{ id: 'bond0', type: 'bond', bond_mode: '802.3ad', bond_links: ['a', 'b'], bond_miimon: '100', mtu: 0, 'x-vendor': null }],
    };
    const inventory = parseInventory({ nodes: [{ ...node, network_data: networkData }] }, 'inv.json');
    expect(inventory.nodes[0].network_data).toEqual(networkData);
    expect(inventory.unusable).toBeUndefined();
  });

  it('names the one node it cannot use (index, uuid or name, field) and loads the others', () => {
    const inventory = parseInventory(
      { nodes: [{ name: 'nameless', provision_state: 'active' }, node, { uuid: 'n3', provision_state: null }, 'x'] },
      'inv.json',
    );
    expect(inventory.nodes.map((item) => item.uuid)).toEqual([node.uuid]);
    expect(inventory.unusable).toEqual([
      'node 0 (nameless) is not used: field uuid: Invalid input: expected string, received undefined',
      'node 2 (n3) is not used: field provision_state: Invalid input: expected string, received null',
      'node 3 is not used: Invalid input: expected object, received string',
    ]);
  });

  it('loads the nodes when the ports or portgroups are not a list', () => {
    const inventory = parseInventory({ nodes: [node], ports: {} }, 'inv.json');
    expect(inventory.nodes).toHaveLength(1);
    expect(inventory.unusable).toEqual(['"ports" must be a list; none of them is used']);
  });

  it('rejects a document without a node list', () => {
    expect(() => parseInventory([], 'inv.json')).toThrow('inv.json: expected a JSON object');
    expect(() => parseInventory({ ports: [] }, 'inv.json')).toThrow('"nodes" must be a list');
  });

  describe('property: an inventory always loads, or names the one node it cannot use', () => {
    const fullNode = (n: number) => ({
      uuid: `11111111-2222-4333-8444-55555555550${n}`,
      name: `node-${n}`,
      provision_state: 'active',
      instance_uuid: `aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeee000${n}`,
      owner: 'project-a',
      resource_class: 'baremetal',
      instance_info: {
        image_source: 'http://images.example/debian.qcow2',
        fixed_ips: [`10.0.0.${n}`, { ip_address: `2001:db8::${n}` }],
        public_keys: { ops: 'ssh-ed25519 AAAA ops@example' },
        configdrive: {
          meta_data: { uuid: `aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeee000${n}`, hostname: `node-${n}.example` },
          user_data: '#cloud-config\n',
        },
      },
      driver_info: {},
      driver_internal_info: { agent_url: `http://10.0.0.${n}:9999` },
      properties: { cpus: 8 },
      extra: {},
      network_data: {
        links: [{ id: 'bond0', type: 'bond', bond_links: ['a', 'b'], bond_miimon: '100', mtu: 0 }],
        networks: [{ id: 'n0', type: 'ipv4', link: 'bond0', ip_address: `10.0.1.${n}` }],
      },
    });
    const document = {
      nodes: [fullNode(0), fullNode(1), fullNode(2)],
      ports: [{ uuid: 'p1', address: '52:54:00:00:00:01', node_uuid: fullNode(1).uuid, pxe_enabled: true, portgroup_uuid: 'g1' }],
      portgroups: [{ uuid: 'g1', node_uuid: fullNode(1).uuid, name: 'bond0', mode: '802.3ad', properties: { miimon: '100' } }],
    };

    it('a field of one node mutated: the others load as they were, and that one loads or is the one named', () => {
      fc.assert(
        fc.property(
          jsonMutation(document, (path) => isUnder(path, ['nodes', 1]) && path.length >= 3),
          (mutation) => {
            const inventory = parseInventory(applyMutation(document, mutation), 'inv.json');
            const uuids = inventory.nodes.map((node) => node.uuid);
            expect(uuids).toEqual(expect.arrayContaining([fullNode(0).uuid, fullNode(2).uuid]));
            expect(inventory.nodes.find((node) => node.uuid === fullNode(0).uuid)).toEqual(
              parseInventory({ nodes: [fullNode(0)] }, 'x').nodes[0],
            );
            const unusable = inventory.unusable ?? [];
            if (inventory.nodes.length === 3) expect(unusable).toEqual([]);
            else expect(unusable).toEqual([expect.stringMatching(/^node 1\b.* is not used: /)]);
            expect(inventory.ports).toHaveLength(1);
            expect(inventory.portgroups).toHaveLength(1);
          },
        ),
        { numRuns: 400 },
      );
    });

    it('a port or portgroup mutated: every node loads, and that item loads or is the one named', () => {
      fc.assert(
        fc.property(
          jsonMutation(document, (path) => (isUnder(path, ['ports', 0]) || isUnder(path, ['portgroups', 0])) && path.length >= 3),
          (mutation) => {
            const inventory = parseInventory(applyMutation(document, mutation), 'inv.json');
            expect(inventory.nodes).toHaveLength(3);
            const unusable = inventory.unusable ?? [];
            expect(inventory.ports.length + inventory.portgroups.length + unusable.length).toBe(2);
            for (const line of unusable) expect(line).toMatch(/^(port|portgroup) 0\b.* is not used: field /);
          },
        ),
        { numRuns: 200 },
      );
    });
  });
});
