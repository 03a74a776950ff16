import 'reflect-metadata';
import { ConfigDriveError } from '@ironic-metadata/configdrive';
import { IronicError } from '@ironic-metadata/ironic-client';
import { InventoryFileError } from '@ironic-metadata/node-discovery';
import { Command, CommanderError } from 'commander';
import { addConfigDriveCommands } from './commands/configdrive';
import { CommandFailure, EXIT, UsageError } from './commands/context';
import { addDoctorCommand } from './commands/doctor';
import { addLeasesCommand } from './commands/leases';
import { addLookupCommand } from './commands/lookup';
import { addRenderCommand } from './commands/render';
import { addSettingsCommand } from './commands/settings';

const program = new Command('ironic-metadata')
  .description(
    'Operator tools for the ironic-metadata service: which node is an address and why, what the server would answer, ' +
      'the DHCP leases, config drives, and a doctor. Nodes come from Ironic (IRONIC_URL, OS_AUTH_TYPE, OS_USERNAME, ' +
      'OS_PASSWORD, ...) or from an inventory file (--inventory or INVENTORY_FILE), configured as the server is ' +
      '(`ironic-metadata settings` lists every variable).',
  )
  .exitOverride()
  .showHelpAfterError('(add --help for usage and examples)')
  .addHelpText(
    'after',
    '\nExamples:\n  ironic-metadata lookup 10.1.105.195\n  ironic-metadata doctor\n  ironic-metadata lookup --help\n' +
      '\nOutput: tables, coloured on a terminal (NO_COLOR turns colour off), or --json. LOG_LEVEL=debug shows the libraries\' logs on stderr.\n' +
      'Exit codes: 0 found or all passed; 1 not found, a check failed, or the node source could not answer; 2 usage or configuration error.\n',
  );

addLookupCommand(program);
addRenderCommand(program);
addLeasesCommand(program);
addConfigDriveCommands(program);
addDoctorCommand(program);
addSettingsCommand(program);

/** The exit code a failure stands for; the operator reads one line either way. */
function exitCodeFor(error: unknown): number {
  // A bad inventory file is a configuration error like a bad variable.
  if (error instanceof UsageError || error instanceof InventoryFileError) return EXIT.usage;
  return EXIT.notFound;
}

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    const expected = error instanceof UsageError || error instanceof CommandFailure || error instanceof InventoryFileError || error instanceof IronicError || error instanceof ConfigDriveError;
    // Anything else is a bug: its stack helps the report.
    process.stderr.write(`ironic-metadata: ${expected ? (error as Error).message : ((error as Error).stack ?? String(error))}\n`);
    process.exitCode = exitCodeFor(error);
  }
}

void main();
