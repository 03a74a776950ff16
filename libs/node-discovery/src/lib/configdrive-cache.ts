import { createHash } from 'node:crypto';
import { ConfigDriveError, decodeConfigDrive, type ConfigDrive, type DecodeOptions } from '@ironic-metadata/configdrive';
import type { IronicNode } from '@ironic-metadata/ironic-model';
import type { EventLoopSlices } from './event-loop-slices';

export type DecodedConfigDrive = { configDrive: ConfigDrive } | { problem: string; masked: boolean } | undefined;

/** What a decoded drive's stored string is replaced by: `decoded config drive sha256:<hex>`. */
export const DECODED_DRIVE_REFERENCE = 'decoded config drive sha256:';
/** Stored strings shorter than this (a mask, a URL) stay as they are: nothing to gain, and readable in traces. */
const RELEASE_MIN_LENGTH = 1024;

/**
 * Decodes each node's config drive once, keyed by node uuid and a hash of the stored value, so an
 * index rebuild decodes only the drives that changed. Once decoded, a node's stored base64 is
 * replaced in its `instance_info` by a reference to the hash: a fleet's drives are then not kept
 * twice, encoded and decoded (40 MiB of strings at 10,000 nodes, tools/bench).
 */
export class ConfigDriveCache {
  private readonly entries = new Map<string, { stored: unknown; hash: string; result: DecodedConfigDrive }>();
  /**
   * One copy of each distinct user_data among the drives decoded, by SHA-256: the nodes of one role
   * usually carry the same cloud-config, and each node's copy was an ArrayBuffer of its own (21 MiB
   * a worker at 10,000 nodes with 2 KiB of user data each, heap snapshot under tools/bench). Held
   * weakly: bytes no drive keeps any more are let go, and their digest with them.
   */
  private readonly userData = new Map<string, WeakRef<Buffer>>();
  private readonly released = new FinalizationRegistry<string>((digest) => {
    if (this.userData.get(digest)?.deref() === undefined) this.userData.delete(digest);
  });

  constructor(private readonly options: DecodeOptions = {}) {}

  async decode(node: IronicNode): Promise<DecodedConfigDrive> {
    const stored = node.instance_info.configdrive;
    if (stored === undefined || stored === null || stored === '') {
      this.entries.delete(node.uuid);
      return undefined;
    }
    const cached = this.entries.get(node.uuid);
    // An unchanged node comes back from the source as the very same value (or its reference): no need to hash it again.
    if (cached?.stored === stored) return cached.result;
    if (typeof stored === 'string' && stored.startsWith(DECODED_DRIVE_REFERENCE)) {
      return {
        problem: 'the decoded config drive is no longer cached; it is read again at the next full listing of the source',
        masked: false,
      };
    }
    const hash = storedDriveHash(stored);
    if (cached?.hash === hash) {
      cached.stored = release(node, stored, hash);
      return cached.result;
    }
    const result = await this.decodeValue(stored);
    this.entries.set(node.uuid, { stored: release(node, stored, hash), hash, result });
    return result;
  }

  /**
   * Forgets nodes that are gone, so the cache stays the size of the fleet; lets the event loop turn
   * whenever `slices` says a slice is spent.
   */
  async retain(uuids: Pick<ReadonlySet<string>, 'has'>, slices?: EventLoopSlices): Promise<void> {
    for (const uuid of this.entries.keys()) {
      if (!uuids.has(uuid)) this.entries.delete(uuid);
      if (slices?.spent()) await slices.turn();
    }
  }

  /** `drive`, with the copy of its user_data another drive decoded before, if any. */
  private sharingUserData(drive: ConfigDrive): ConfigDrive {
    const bytes = drive.userData;
    if (!bytes) return drive;
    const digest = createHash('sha256').update(bytes).digest('base64');
    const kept = this.userData.get(digest)?.deref();
    if (kept?.equals(bytes)) return Object.assign({}, drive, { userData: kept } satisfies Partial<ConfigDrive>);
    this.userData.set(digest, new WeakRef(bytes));
    this.released.register(bytes, digest);
    return drive;
  }

  private async decodeValue(stored: unknown): Promise<DecodedConfigDrive> {
    try {
      return { configDrive: this.sharingUserData(await decodeConfigDrive(stored, this.options)) };
    } catch (error) {
      // Whatever one node's drive does wrong stays that node's problem: the others are indexed regardless.
      if (error instanceof ConfigDriveError) return { problem: error.message, masked: error.code === 'masked' };
      return { problem: `the config drive could not be decoded: ${(error as Error).message}`, masked: false };
    }
  }
}

/** SHA-256 (hex) of a stored config drive value: the string, or a JSON form's serialization. */
function storedDriveHash(stored: unknown): string {
  return createHash('sha256')
    .update(typeof stored === 'string' ? stored : JSON.stringify(stored))
    .digest('hex');
}

/**
 * Whether `kept`, a node's config drive as this process keeps it (as stored, or the reference the
 * cache left in its place), is the drive `listed` that the source answers now.
 */
export function sameStoredDrive(kept: unknown, listed: unknown): boolean {
  if (kept === listed) return true;
  if (typeof kept === 'string' && kept.startsWith(DECODED_DRIVE_REFERENCE)) {
    return listed !== undefined && listed !== null && kept === `${DECODED_DRIVE_REFERENCE}${storedDriveHash(listed)}`;
  }
  return (
    typeof kept === 'object' &&
    kept !== null &&
    typeof listed === 'object' &&
    listed !== null &&
    JSON.stringify(kept) === JSON.stringify(listed)
  );
}

/** Replaces a long stored drive by its reference once the cache holds what it decodes to; answers what is now stored. */
function release(node: IronicNode, stored: unknown, hash: string): unknown {
  if (typeof stored !== 'string' || stored.length < RELEASE_MIN_LENGTH) return stored;
  const reference = `${DECODED_DRIVE_REFERENCE}${hash}`;
  node.instance_info.configdrive = reference;
  return reference;
}
