import { createHash } from 'node:crypto';
import { ConfigDriveError, decodeConfigDrive, type ConfigDrive, type DecodeOptions } from '@ironic-metadata/configdrive';
import type { IronicNode } from '@ironic-metadata/ironic-model';

export type DecodedConfigDrive = { configDrive: ConfigDrive } | { problem: string; masked: boolean } | undefined;

/**
 * Decodes each node's config drive once, keyed by node uuid and a hash of the stored value, so an
 * index rebuild decodes only the drives that changed.
 */
export class ConfigDriveCache {
  private readonly entries = new Map<string, { stored: unknown; hash: string; result: DecodedConfigDrive }>();

  constructor(private readonly options: DecodeOptions = {}) {}

  async decode(node: IronicNode): Promise<DecodedConfigDrive> {
    const stored = node.instance_info.configdrive;
    if (stored === undefined || stored === null || stored === '') {
      this.entries.delete(node.uuid);
      return undefined;
    }
    const cached = this.entries.get(node.uuid);
    // An unchanged node comes back from the source as the very same value: no need to hash it again.
    if (cached?.stored === stored) return cached.result;
    const hash = createHash('sha256').update(typeof stored === 'string' ? stored : JSON.stringify(stored)).digest('hex');
    if (cached?.hash === hash) {
      cached.stored = stored;
      return cached.result;
    }
    const result = await this.decodeValue(stored);
    this.entries.set(node.uuid, { stored, hash, result });
    return result;
  }

  /** Forgets nodes that are gone, so the cache stays the size of the fleet. */
  retain(uuids: ReadonlySet<string>): void {
    for (const uuid of this.entries.keys()) if (!uuids.has(uuid)) this.entries.delete(uuid);
  }

  private async decodeValue(stored: unknown): Promise<DecodedConfigDrive> {
    try {
      return { configDrive: await decodeConfigDrive(stored, this.options) };
    } catch (error) {
      // Whatever one node's drive does wrong stays that node's problem: the others are indexed regardless.
      if (error instanceof ConfigDriveError) return { problem: error.message, masked: error.code === 'masked' };
      return { problem: `the config drive could not be decoded: ${(error as Error).message}`, masked: false };
    }
  }
}
