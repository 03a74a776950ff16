import type { InventoryFileError } from './file-node-source';
import type { ReadOnlySourceError } from './node-catalog';

/**
 * The `code` of every error this package throws, stable across releases:
 * - `INVENTORY_FILE`: the inventory file is unreadable, not JSON, or not shaped like Ironic's answers ({@link InventoryFileError});
 * - `READ_ONLY_SOURCE`: a change asked of a source that cannot make changes ({@link ReadOnlySourceError}).
 */
export type NodeDiscoveryErrorCode = InventoryFileError['code'] | ReadOnlySourceError['code'];
