import { readFileSync } from 'node:fs';
import { VendorDataError } from '@ironic-metadata/metadata';

/**
 * Reads VENDOR_DATA_FILE once at start-up: a JSON object, served as `vendor_data.json` (Nova's
 * StaticJSON provider). Throws VendorDataError naming the file when it cannot be read, is not JSON,
 * or is not an object.
 */
export function readStaticVendorData(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new VendorDataError(
      `VENDOR_DATA_FILE ${path}: cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new VendorDataError(`VENDOR_DATA_FILE ${path}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new VendorDataError(`VENDOR_DATA_FILE ${path}: expected a JSON object`);
  }
  return value as Record<string, unknown>;
}
