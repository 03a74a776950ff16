import type { Inventory, IronicNode } from '@ironic-metadata/ironic-model';
import type { NodePatch, NodeSource } from '@ironic-metadata/node-discovery';

/** An in-memory source that applies `add` and `remove` patches of `/field/key`, as Ironic would. */
export class WritableSource implements NodeSource {
  readonly description = 'in-memory source';
  patches = 0;
  constructor(public nodes: IronicNode[]) {}
  async load(): Promise<Inventory> {
    return { nodes: this.nodes, ports: [], portgroups: [] };
  }
  async patchNode(uuid: string, patch: readonly NodePatch[]): Promise<IronicNode> {
    this.patches += 1;
    const index = this.nodes.findIndex((node) => node.uuid === uuid);
    const node = structuredClone(this.nodes[index]);
    for (const { op, path, value } of patch) {
      const [, field, key] = path.split('/');
      const target = node[field] as Record<string, unknown>;
      if (op === 'remove') {
        if (!(key in target)) throw new Error(`cannot remove ${path}: it does not exist`);
        delete target[key];
      } else target[key] = value;
    }
    this.nodes = this.nodes.map((each, at) => (at === index ? node : each));
    return node;
  }
}
