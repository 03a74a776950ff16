import { SETTINGS, settingsListing } from '@ironic-metadata/config';
import type { Command } from 'commander';
import { exitWith, withHelp, withJsonOption } from '../../support/command-options';
import { EXIT } from '../../support/context';
import { printJson } from '../../support/output';

export interface SettingsOptions {
  json?: boolean;
}

export function addSettingsCommand(program: Command): void {
  const command = program
    .command('settings')
    .summary('every environment variable the server and the CLI read')
    .description(
      "List every setting the server and this CLI read from the environment: its variable, default and meaning (the README's configuration table comes from the same list).",
    );
  withJsonOption(command);
  withHelp(command, { examples: ['ironic-metadata settings', 'ironic-metadata settings --json'], exits: '0 always; 2 usage error.' });
  command.action((options: SettingsOptions) => exitWith(settingsCommand(options)));
}

/** `ironic-metadata settings`: the settings table, for a terminal or as JSON (`name`, `default` or null, `doc`, `field` of the Config). */
export function settingsCommand(options: SettingsOptions): number {
  if (options.json)
    printJson(SETTINGS.map(({ name, doc, field, ...rest }) => ({ name, default: 'default' in rest ? rest.default : null, doc, field })));
  else
    process.stdout.write(
      `Environment variables (an empty one is unset), with their defaults:\n\n${settingsListing(Math.max(60, process.stdout.columns ?? 100))}\n`,
    );
  return EXIT.ok;
}
