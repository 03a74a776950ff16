import type { Command } from 'commander';

/** `--inventory` (and `--leases` where the DHCP fallback matters): the options that pick the node source. */
export function withSourceOptions(command: Command, { leases }: { leases: boolean }): Command {
  command.option(
    '--inventory <file>',
    'read nodes from this inventory file instead of Ironic (INVENTORY_FILE); without it, Ironic from IRONIC_URL and OS_*',
  );
  if (leases) command.option('--leases <file>', 'the dnsmasq lease file for the DHCP fallback (LEASE_FILE)');
  return command;
}

export function withJsonOption(command: Command): Command {
  return command.option('--json', 'print JSON instead of a table');
}

/** Examples and exit codes under a command's --help. */
export function withHelp(command: Command, { examples, exits }: { examples: string[]; exits: string }): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((line) => `  ${line}`).join('\n')}\n\nExit codes: ${exits}\n`);
}

/** Sets the exit code the process ends with once the event loop drains (it does not exit, so output still flushes). */
export function exitWith(code: number): void {
  process.exitCode = code;
}
