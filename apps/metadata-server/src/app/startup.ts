import { ConfigError, loadConfig, settingsListing, type Config } from '@ironic-metadata/config';
import { configuredFileProblem } from '@ironic-metadata/container';
import type { AddressWait } from './listen';
import { ConnectionCapError, connectionCaps, openFileSoftLimit, type ConnectionCaps } from './open-file-limit';

/** One line on stderr, then exit: 2 for a configuration the operator must fix, 1 for the rest. */
export function fail(message: string, code: number): never {
  process.stderr.write(`ironic-metadata: ${message}\n`);
  process.exit(code);
}

const USAGE = 'node dist/apps/metadata-server/main.js';

/**
 * `--help` or `-h`: what the server reads (every setting, its default and meaning), then exit 0. Any
 * other argument stops the start (exit 2): the server takes none, and one meant as an option (a
 * setting, `--version`) would otherwise be ignored silently.
 */
export function helpOrContinue(argv: readonly string[]): void {
  if (!argv.some((arg) => arg === '--help' || arg === '-h')) {
    if (argv.length > 0)
      fail(`unknown argument "${argv[0]}": the server takes no arguments, only environment variables; see ${USAGE} --help`, 2);
    return;
  }
  process.stdout.write(
    `Usage: ${USAGE}\n\n` +
      "ironic-metadata's server: answers nodes' OpenStack and EC2 metadata requests for Ironic's nodes.\n" +
      'It takes no arguments; it reads these environment variables (an empty one is unset), and a bad one\n' +
      'stops the start with one line naming it. SIGHUP reloads the node source and the lease file.\n\n' +
      `${settingsListing()}\n`,
  );
  process.exit(0);
}

export function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

/**
 * What `read` answers from the files the settings name (`readConfiguredFiles`, or a container built
 * with them); one it cannot use stops start-up with the line `configuredFileProblem` gives, as the
 * CLI prints it.
 */
export function filesOrExit<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    const problem = configuredFileProblem(error);
    if (problem) fail(problem, 2);
    throw error;
  }
}

/** The connection caps from the open-file limit and the settings; caps that cannot hold stop start-up. */
export function connectionCapsOrExit(config: Config): ConnectionCaps {
  try {
    return connectionCaps(openFileSoftLimit(), config.connections);
  } catch (error) {
    if (error instanceof ConnectionCapError) fail(`invalid configuration: ${error.message}`, 2);
    throw error;
  }
}

/** How a listener named by `setting` waits for its address (BIND_WAIT_SECONDS), each retry a warning. */
export function addressWait(
  config: Config,
  setting: 'BIND_ADDR' | 'ADMIN_BIND_ADDR',
  logger: { warn(message: string, fields: Record<string, unknown>): void },
): AddressWait {
  return { waitMs: config.bindWaitSeconds * 1000, setting, log: (message, fields) => logger.warn(message, fields) };
}
