import type { Inventory, IronicNode, JsonPatchOperation } from '@ironic-metadata/ironic-model';

/** A JSON Patch operation on a node, as Ironic's `PATCH /v1/nodes/{id}` takes it. */
export type NodePatch = JsonPatchOperation;

/** The one port to the outside world: where nodes, ports and portgroups come from. */
export interface NodeSource {
  /** For logs and errors, e.g. `inventory file /etc/inventory.json` or `Ironic at http://...`. */
  readonly description: string;
  /**
   * Everything, shaped exactly like Ironic's answers. The nodes become the catalog's: it replaces a
   * decoded config drive in `instance_info` by a reference (ConfigDriveCache), so a source that hands
   * back an unchanged node as the same object is not asked to keep the drive's base64 either.
   * When nothing changed since the last load, a source may answer the very same Inventory object:
   * the catalog then keeps its index as it is. A node, port or portgroup once answered is never
   * changed in place: a change is a new object. The catalog keeps what it built for an object it is
   * answered again (its decoded drive, the addresses it is found by) without looking at it again.
   * A node patched through `patchNode` before the answer is in it as patched: the catalog puts into
   * its index only the PATCHes answered while it builds.
   */
  load(): Promise<Inventory>;
  /** Changes a node and answers it as it now is; absent where the source is read-only. */
  patchNode?(uuid: string, patch: readonly NodePatch[]): Promise<IronicNode>;
  /** Calls `onChange` when the source changes by itself (a file rewritten); returns how to stop. */
  watch?(onChange: () => void): () => void;
  /**
   * Forgets what earlier loads answered: the next load reads everything anew and answers new objects,
   * config drives as stored. Absent where every load does that anyway (an inventory file).
   */
  forget?(): void;
}
