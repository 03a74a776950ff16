import 'reflect-metadata';
import { InventoryFileError } from '@ironic-metadata/node-discovery';
import { Command, CommanderError } from 'commander';
import { EXIT, UsageError } from './commands/context';
import { lookupCommand } from './commands/lookup';

const program = new Command('ironic-metadata')
  .description('Operator tools for the ironic-metadata service: find out which node an address is, and why.')
  .exitOverride()
  .showHelpAfterError();

program
  .command('lookup')
  .description('Show the node behind a client address, the method that matched, and every matcher tried.')
  .argument('<ip>', 'the client address a node asks from')
  .option('--inventory <file>', 'read nodes from this inventory file instead of Ironic (INVENTORY_FILE)')
  .option('--leases <file>', 'the dnsmasq lease file for the DHCP fallback (LEASE_FILE)')
  .option('--json', 'print JSON instead of text')
  .addHelpText('after', '\nExample:\n  ironic-metadata lookup 10.1.105.195 --inventory inventory.json\n')
  .action(async (ip: string, options) => {
    process.exitCode = await lookupCommand(ip, options);
  });

async function main(): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.stderr.write(`ironic-metadata: ${(error as Error).message}\n`);
    // A bad inventory file is a configuration error like a bad variable.
    process.exitCode = error instanceof UsageError || error instanceof InventoryFileError ? EXIT.usage : EXIT.notFound;
  }
}

void main();
