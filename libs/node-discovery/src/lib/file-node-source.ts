import { watch } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { parseInventory, type Inventory } from '@ironic-metadata/ironic-model';
import type { NodeSource } from './node-source';
import { inventoryFileDescription } from './source-descriptions';

/** A problem with the inventory file itself: unreadable, not JSON, or not shaped like Ironic's answers. `code` is `INVENTORY_FILE`. */
export class InventoryFileError extends Error {
  /** Stable code to branch on. */
  readonly code = 'INVENTORY_FILE';

  constructor(message: string) {
    super(message);
    this.name = 'InventoryFileError';
  }
}

/** Nodes from a JSON file `{"nodes": [...], "ports": [...], "portgroups": [...]}` shaped like Ironic's answers. */
export class FileNodeSource implements NodeSource {
  readonly description: string;

  constructor(private readonly path: string) {
    this.description = inventoryFileDescription(path);
  }

  /**
   * Watches the file's directory, not the file: editors and config management replace a file by
   * renaming a new one over it, which a watch on the old file would miss. Bursts are coalesced.
   */
  watch(onChange: () => void): () => void {
    const name = basename(this.path);
    let timer: NodeJS.Timeout | undefined;
    const watcher = watch(dirname(this.path), (_event, file) => {
      if (file !== null && file !== name) return;
      clearTimeout(timer);
      timer = setTimeout(onChange, 200);
    });
    watcher.unref();
    return () => {
      clearTimeout(timer);
      watcher.close();
    };
  }

  async load(): Promise<Inventory> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (error) {
      const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
      throw new InventoryFileError(`${this.path}: cannot read the inventory file (${reason}); check INVENTORY_FILE`);
    }
    let document: unknown;
    try {
      document = JSON.parse(text);
    } catch (error) {
      // V8 quotes the text around the fault as it is, newlines and all: escaped, the message stays one line.
      throw new InventoryFileError(`${this.path}: not valid JSON: ${escapeControls((error as Error).message)}`);
    }
    try {
      return parseInventory(document, this.path);
    } catch (error) {
      throw new InventoryFileError((error as Error).message);
    }
  }
}

/** Control characters (a newline, a tab) written as JSON escapes, e.g. `\n`. */
function escapeControls(text: string): string {
  return text.replace(/\p{Cc}/gu, (character) => JSON.stringify(character).slice(1, -1));
}
