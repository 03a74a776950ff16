import type { Inventory } from '@ironic-metadata/ironic-model';

/** The one port to the outside world: where nodes, ports and portgroups come from. */
export interface NodeSource {
  /** For logs and errors, e.g. `inventory file /etc/inventory.json` or `Ironic at http://...`. */
  readonly description: string;
  /** Everything, shaped exactly like Ironic's answers. */
  load(): Promise<Inventory>;
}
