import { ConfigDriveError, type ConfigDriveErrorCode } from '../lib/errors';

/** Asserts a ConfigDriveError with this code and message (exact, or matching a pattern). */
export async function expectConfigDriveError(
  action: Promise<unknown> | (() => unknown),
  code: ConfigDriveErrorCode,
  message: string | RegExp,
): Promise<void> {
  let thrown: unknown;
  try {
    await (typeof action === 'function' ? action() : action);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ConfigDriveError);
  expect(thrown).toMatchObject({ code, message: typeof message === 'string' ? message : expect.stringMatching(message) });
}
