import 'reflect-metadata';
import { Command, CommanderError } from 'commander';
import { addConfigDriveCommands } from './commands/configdrive/configdrive';
import { EXIT } from './support/context';
import { addDoctorCommand } from './commands/doctor/doctor';
import { addLeasesCommand } from './commands/leases/leases';
import { addLookupCommand } from './commands/lookup/lookup';
import { addRenderCommand } from './commands/render/render';
import { addSettingsCommand } from './commands/settings/settings';
import { failureOutcome } from './support/exit-status';

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
      "\nOutput: tables, coloured on a terminal (NO_COLOR turns colour off), or --json. LOG_LEVEL=debug shows the libraries' logs on stderr.\n" +
      'Exit codes: 0 found or all passed; 1 not found, a check failed, or the node source could not answer; 2 usage or configuration error.\n',
  );

addLookupCommand(program);
addRenderCommand(program);
addLeasesCommand(program);
addConfigDriveCommands(program);
addDoctorCommand(program);
addSettingsCommand(program);

// A reader that stops early (`ironic-metadata settings | head`) closes the pipe once it has what it
// wanted: stop quietly, with no stack trace. Node ignores SIGPIPE, which would end a C program here
// (with status 141), so the write fails instead; the status is 0, as the reader was served.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(EXIT.ok);
});

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    // The error's code decides: one line and its exit status, or a bug's stack.
    const { exitStatus, line } = failureOutcome(error);
    process.stderr.write(`ironic-metadata: ${line}\n`);
    process.exitCode = exitStatus;
  }
}

void main();
