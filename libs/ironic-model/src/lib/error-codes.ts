import type { InvalidMacAddressError } from './mac-address';
import type { ValidationError } from './validation';

/**
 * The `code` of every error this package throws, stable across releases:
 * - `VALIDATION_FAILED`: a value from outside does not have Ironic's or Nova's shape ({@link ValidationError});
 * - `INVALID_MAC_ADDRESS`: text that is none of the accepted MAC spellings ({@link InvalidMacAddressError}).
 *
 * @public
 */
export type IronicModelErrorCode = ValidationError['code'] | InvalidMacAddressError['code'];
