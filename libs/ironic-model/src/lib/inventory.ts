import { ironicNodeSchema, ironicPortgroupSchema, ironicPortSchema, IronicNode, IronicPort, IronicPortgroup } from './node';
import { describeIssues, ValidationError } from './validation';

/**
 * An inventory: nodes, ports and portgroups shaped exactly like Ironic's `GET /v1/nodes/detail`,
 * `GET /v1/ports/detail` and `GET /v1/portgroups/detail` answers.
 */
export interface Inventory {
  nodes: IronicNode[];
  ports: IronicPort[];
  portgroups: IronicPortgroup[];
}

const collections = { nodes: ironicNodeSchema, ports: ironicPortSchema, portgroups: ironicPortgroupSchema } as const;
const itemNames = { nodes: 'node', ports: 'port', portgroups: 'portgroup' } as const;

/**
 * Validates a parsed inventory document. Every problem is reported with the item (its index and uuid
 * or name) and the field, so that an operator can find it in the file.
 */
export function parseInventory(document: unknown, source: string): Inventory {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ValidationError(`${source}: expected a JSON object {"nodes": [...], "ports": [...]}`, source, []);
  }
  const record = document as Record<string, unknown>;
  if (!Array.isArray(record['nodes'])) {
    throw new ValidationError(`${source}: "nodes" must be a list of Ironic nodes`, source, []);
  }
  const problems: string[] = [];
  const inventory: Inventory = { nodes: [], ports: [], portgroups: [] };
  for (const key of Object.keys(collections) as (keyof typeof collections)[]) {
    const items = record[key] ?? [];
    if (!Array.isArray(items)) {
      problems.push(`"${key}" must be a list`);
      continue;
    }
    items.forEach((item: unknown, index: number) => {
      const result = collections[key].safeParse(item);
      if (result.success) {
        (inventory[key] as unknown[]).push(result.data);
        return;
      }
      const label = describeItem(item, `${itemNames[key]} ${index}`);
      for (const line of describeIssues(result.error.issues)) problems.push(`${label}: ${line}`);
    });
  }
  if (problems.length > 0) {
    throw new ValidationError(`${source}: invalid inventory:\n  ${problems.join('\n  ')}`, source, problems);
  }
  return inventory;
}

function describeItem(item: unknown, label: string): string {
  if (typeof item !== 'object' || item === null) return label;
  const { uuid, name } = item as { uuid?: unknown; name?: unknown };
  const ids = [uuid, name].filter((id): id is string => typeof id === 'string' && id.length > 0);
  return ids.length > 0 ? `${label} (${ids.join(', ')})` : label;
}
