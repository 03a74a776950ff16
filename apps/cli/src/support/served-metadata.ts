import { randomBytes } from 'node:crypto';
import { TYPES } from '@ironic-metadata/container';
import type { InstanceMetadata, RenderContext } from '@ironic-metadata/formatters';
import { VendorDataError } from '@ironic-metadata/metadata';
import type { Container } from 'inversify';
import { CommandFailure } from './context';

/**
 * What the service serves an instance: its metadata with the dynamic vendor data targets' documents
 * in `vendor_data2.json`, as the responder adds them per request. CommandFailure when a target fails
 * and VENDOR_DATA_DYNAMIC_FAILURE_FATAL is set, as the service would then answer 500.
 */
export async function servedMetadata(container: Container, metadata: InstanceMetadata): Promise<InstanceMetadata> {
  if (!container.isBound(TYPES.DynamicVendorData)) return metadata;
  try {
    return await container.get(TYPES.DynamicVendorData).applyTo(metadata);
  } catch (error) {
    if (error instanceof VendorDataError) throw new CommandFailure(error.message, { cause: error });
    throw error;
  }
}

/** The clock now, and a fresh random seed for each `meta_data.json`, as the service makes one per request. */
export function renderContextNow(): RenderContext {
  return {
    now: new Date(),
    get randomSeed() {
      return randomBytes(512).toString('base64');
    },
  };
}
