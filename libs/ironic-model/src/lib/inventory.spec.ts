import { parseInventory } from './inventory';
import { ValidationError } from './validation';

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
  });

  it('names the file, the node and the field of every problem', () => {
    const bad = { nodes: [node, { uuid: 'n2', name: 'node-2', provision_state: 'active', instance_info: { fixed_ips: [42] } }] };
    let error: unknown;
    try {
      parseInventory(bad, 'inv.json');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    const message = (error as Error).message;
    expect(message).toContain('inv.json');
    expect(message).toContain('node 1 (n2, node-2)');
    expect(message).toContain('field instance_info.fixed_ips[0]');
  });

  it('rejects a document without a node list', () => {
    expect(() => parseInventory([], 'inv.json')).toThrow('inv.json: expected a JSON object');
    expect(() => parseInventory({ ports: [] }, 'inv.json')).toThrow('"nodes" must be a list');
  });
});
