import { z } from 'zod';

/**
 * What the service reads of Nova's meta_data.json as a config drive carries it (nova/api/metadata/base.py;
 * Ironic writes a JSON config drive's `meta_data` as given, adding `uuid` and `name` when missing).
 * Nova itself writes `null` for an instance without an availability zone, so the strings may be null.
 * Parsed leniently: an unusable value (a key that is not a string) is left aside, never the drive.
 * Unknown keys are kept and passed through.
 *
 * @public
 */
export const metaDataSchema = z.looseObject({
  uuid: z.string().min(1).optional(),
  name: z.string().nullable().optional(),
  hostname: z.string().nullable().optional(),
  availability_zone: z.string().nullable().optional(),
  launch_index: z.number().int().nonnegative().nullable().optional(),
  project_id: z.string().nullable().optional(),
  /** `{name: key}`; each key that is not a string is left aside alone. */
  public_keys: z.record(z.string(), z.string()).optional(),
  /** Nova's `[{name, type, data}]`; computed again from `public_keys`, never read. */
  keys: z.unknown().optional(),
  /** String values in Nova; others are served JSON-encoded. */
  meta: z.record(z.string(), z.unknown()).optional(),
  devices: z.array(z.unknown()).optional(),
});

/**
 * meta_data.json as {@link metaDataSchema} reads it.
 *
 * @public
 */
export type MetaData = z.infer<typeof metaDataSchema>;
