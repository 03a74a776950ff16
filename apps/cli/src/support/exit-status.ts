import type { ConfigDriveErrorCode } from '@ironic-metadata/configdrive';
import type { IronicErrorCode } from '@ironic-metadata/ironic-client';
import type { NodeDiscoveryErrorCode } from '@ironic-metadata/node-discovery';
import { EXIT, type CommandFailure, type UsageError } from './context';

/** The codes of the errors an operator can act on from one line: the CLI's own and the libraries' it lets through. */
export type OperatorErrorCode =
  UsageError['code'] | CommandFailure['code'] | Extract<NodeDiscoveryErrorCode, 'INVENTORY_FILE'> | IronicErrorCode | ConfigDriveErrorCode;

/**
 * The exit status each operator-facing code stands for. Typed as a complete record, so a code a
 * library adds to its union does not compile until it is given a status here.
 */
export const EXIT_STATUS_BY_CODE: Readonly<Record<OperatorErrorCode, number>> = {
  USAGE: EXIT.usage,
  // A bad inventory file is a configuration error like a bad variable.
  INVENTORY_FILE: EXIT.usage,
  COMMAND_FAILED: EXIT.notFound,
  IRONIC_API: EXIT.notFound,
  IRONIC_AUTH: EXIT.notFound,
  IRONIC_CONNECTION: EXIT.notFound,
  IRONIC_RESPONSE: EXIT.notFound,
  IRONIC_VERSION: EXIT.notFound,
  masked: EXIT.notFound,
  'invalid-json': EXIT.notFound,
  'invalid-encoding': EXIT.notFound,
  'invalid-image': EXIT.notFound,
  'missing-metadata': EXIT.notFound,
  'too-large': EXIT.notFound,
  'fetch-failed': EXIT.notFound,
  unsupported: EXIT.notFound,
};

/**
 * How a failed command ends: an error whose `code` is in {@link EXIT_STATUS_BY_CODE} is one line (its
 * message) and that code's status; anything else is a bug, shown with its stack, and exits 1.
 */
export function failureOutcome(error: unknown): { exitStatus: number; line: string } {
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string' && Object.hasOwn(EXIT_STATUS_BY_CODE, code)) {
    return { exitStatus: EXIT_STATUS_BY_CODE[code as OperatorErrorCode], line: (error as Error).message };
  }
  return { exitStatus: EXIT.notFound, line: error instanceof Error ? (error.stack ?? error.message) : String(error) };
}
