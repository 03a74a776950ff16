/**
 * Why a config drive was refused; the `code` of a {@link ConfigDriveError}, stable across releases.
 *
 * @public
 */
export type ConfigDriveErrorCode =
  'masked' | 'invalid-json' | 'invalid-encoding' | 'invalid-image' | 'missing-metadata' | 'too-large' | 'fetch-failed' | 'unsupported';

/**
 * Every failure of the codec: what was expected, and what was found instead. `code` is stable (one
 * of {@link ConfigDriveErrorCode}); `name` is always `ConfigDriveError`.
 *
 * @public
 */
export class ConfigDriveError extends Error {
  constructor(
    readonly code: ConfigDriveErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ConfigDriveError';
  }
}
