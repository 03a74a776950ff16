import { MAX_MINOR } from './api-version';
import type { JsonObject } from './fleet';
import type { ResourceFields } from './resource-fields';

/** How to show each item of a page: the API version, and the selected fields if any. */
export interface ItemView {
  minor: number;
  fields?: readonly string[];
}

/**
 * One Ironic collection (nodes, ports, portgroups) in creation order, as Ironic sorts by default.
 * Each item's full JSON at the newest version is rendered once: a page of node details is then string
 * joins, so that the simulator answers a 10,000-node listing faster than the client under test reads it.
 */
export class Collection {
  private readonly positions = new Map<string, number>();
  private readonly rendered: string[];

  constructor(
    readonly items: readonly JsonObject[],
    readonly fields: ResourceFields,
  ) {
    items.forEach((item, index) => this.positions.set(item['uuid'] as string, index));
    this.rendered = items.map((item) => JSON.stringify(item));
  }

  /** Sets `changes` on the item at `position`, as a change in Ironic would, and renders it again. */
  update(position: number, changes: JsonObject): void {
    Object.assign(this.items[position], changes);
    this.rendered[position] = JSON.stringify(this.items[position]);
  }

  /** The position of the item with this uuid, or undefined. */
  positionOf(uuid: string): number | undefined {
    return this.positions.get(uuid);
  }

  /**
   * Up to `limit` positions after `afterPosition` (-1: from the start), among `candidates` when a
   * filter narrowed the collection (ascending positions) or else among all items.
   */
  page(afterPosition: number, limit: number, candidates?: readonly number[]): number[] {
    if (!candidates) {
      const start = afterPosition + 1;
      return Array.from({ length: Math.max(0, Math.min(limit, this.items.length - start)) }, (_, offset) => start + offset);
    }
    return candidates.filter((position) => position > afterPosition).slice(0, limit);
  }

  /** One item as JSON: the selected fields, or every field the version shows. */
  render(position: number, view: ItemView): string {
    const item = this.items[position];
    if (view.fields) return JSON.stringify(Object.fromEntries(view.fields.map((field) => [field, item[field] ?? null])));
    if (view.minor >= MAX_MINOR) return this.rendered[position];
    const minorOf = this.fields.minorOf;
    return JSON.stringify(Object.fromEntries(Object.entries(item).filter(([field]) => (minorOf[field] ?? 1) <= view.minor)));
  }
}
