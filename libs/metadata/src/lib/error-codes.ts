import type { TokenKeyFileError } from './guards/token-keys';
import type { VendorDataError } from './vendor-data-error';

/**
 * The `code` of every error this package throws, stable across releases:
 * - `TOKEN_KEY_FILE`: the IMDSv2 token key file cannot be used ({@link TokenKeyFileError});
 * - `VENDOR_DATA`: a vendor data file or target cannot be used ({@link VendorDataError}).
 */
export type MetadataErrorCode = TokenKeyFileError['code'] | VendorDataError['code'];
