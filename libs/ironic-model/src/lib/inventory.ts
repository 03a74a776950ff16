import { ironicNodeSchema, ironicPortgroupSchema, ironicPortSchema, IronicNode, IronicPort, IronicPortgroup } from './node';
import { parseLeniently, ValidationError } from './validation';

/**
 * An inventory: nodes, ports and portgroups shaped exactly like Ironic's `GET /v1/nodes/detail`,
 * `GET /v1/ports/detail` and `GET /v1/portgroups/detail` answers.
 *
 * @public
 */
export interface Inventory {
  nodes: IronicNode[];
  ports: IronicPort[];
  portgroups: IronicPortgroup[];
  /** Items that could not be used at all (no uuid, say), one line each naming the item; the others are served. */
  unusable?: readonly string[];
}

const collections = { nodes: ironicNodeSchema, ports: ironicPortSchema, portgroups: ironicPortgroupSchema } as const;
const itemNames = { nodes: 'node', ports: 'port', portgroups: 'portgroup' } as const;

/**
 * Validates a parsed inventory document, item by item and leniently: an unusable value costs only itself
 * (see `leftAsideIn`), an item that cannot be used at all (no uuid, not an object) only itself, named
 * in `unusable` with its index, uuid or name and the field. Throws `ValidationError` only when the
 * document is not an inventory at all (not an object, no `nodes` list).
 *
 * @throws {@link ValidationError} when `document` is not an object with a `nodes` list.
 * @public
 */
export function parseInventory(document: unknown, source: string): Inventory {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ValidationError(`${source}: expected a JSON object {"nodes": [...], "ports": [...]}`, source, []);
  }
  const record = document as Record<string, unknown>;
  if (!Array.isArray(record['nodes'])) {
    throw new ValidationError(`${source}: "nodes" must be a list of Ironic nodes`, source, []);
  }
  const unusable: string[] = [];
  const inventory: Inventory = { nodes: [], ports: [], portgroups: [] };
  for (const key of Object.keys(collections) as (keyof typeof collections)[]) {
    const items = record[key] ?? [];
    if (!Array.isArray(items)) {
      unusable.push(`"${key}" must be a list; none of them is used`);
      continue;
    }
    items.forEach((item: unknown, index: number) => {
      const result = parseLeniently(collections[key], item);
      if (result.success) {
        (inventory[key] as unknown[]).push(result.data);
        return;
      }
      unusable.push(`${describeItem(item, `${itemNames[key]} ${index}`)} is not used: ${result.problems.join('; ')}`);
    });
  }
  if (unusable.length > 0) inventory.unusable = unusable;
  return inventory;
}

function describeItem(item: unknown, label: string): string {
  if (typeof item !== 'object' || item === null) return label;
  const { uuid, name } = item as { uuid?: unknown; name?: unknown };
  const ids = [uuid, name].filter((id): id is string => typeof id === 'string' && id.length > 0);
  return ids.length > 0 ? `${label} (${ids.join(', ')})` : label;
}
