import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileNodeSource, InventoryFileError } from './file-node-source';

const dir = mkdtempSync(join(tmpdir(), 'inventory-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('FileNodeSource', () => {
  it('loads the nodes it can use and names the one it cannot', async () => {
    const nodes = [
      { uuid: 'n1', name: 'web', provision_state: 7 },
      { uuid: 'n2', provision_state: 'active', network_data: { links: [{ id: 'bond0', type: 'bond', bond_miimon: '100' }] } },
    ];
    const inventory = await new FileNodeSource(file('bad-node.json', JSON.stringify({ nodes }))).load();
    expect(inventory.nodes.map((node) => node.uuid)).toEqual(['n2']);
    expect(inventory.unusable).toEqual([
      'node 0 (n1, web) is not used: field provision_state: Invalid input: expected string, received number',
    ]);
  });

  it('loads nodes, ports and portgroups', async () => {
    const path = file(
      'ok.json',
      JSON.stringify({
        nodes: [{ uuid: 'n1', provision_state: 'active' }],
        ports: [{ uuid: 'p1', address: '52:54:00:00:00:01', node_uuid: 'n1' }],
      }),
    );
    const inventory = await new FileNodeSource(path).load();
    expect(inventory.nodes.map((node) => node.uuid)).toEqual(['n1']);
    expect(inventory.ports).toHaveLength(1);
  });

  it.each([
    ['missing.json', undefined, /missing\.json: cannot read the inventory file \(no such file\); check INVENTORY_FILE/],
    ['broken.json', '{"nodes": [', /broken\.json: not valid JSON: /],
  ])('names the file, node and field of a bad inventory: %s', async (name, text, message) => {
    const path = text === undefined ? join(dir, name) : file(name, text);
    const load = new FileNodeSource(path).load();
    await expect(load).rejects.toThrow(InventoryFileError);
    await expect(new FileNodeSource(path).load()).rejects.toThrow(message);
  });

  it('keeps the message of a file that is not JSON on one line, its text quoted with escapes', async () => {
    const path = file('yaml.json', 'x: [\n');
    await expect(new FileNodeSource(path).load()).rejects.toThrow(
      `${path}: not valid JSON: Unexpected token 'x', "x: [\\n" is not valid JSON`,
    );
  });
});
