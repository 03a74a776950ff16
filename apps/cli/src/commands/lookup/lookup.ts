import { instanceIdentity } from '@ironic-metadata/instance-metadata';
import { describeLeftAside, isEligible, nodeLabel, type IndexedNode, type Lookup, type MatchStep } from '@ironic-metadata/node-discovery';
import type { Command } from 'commander';
import { exitWith, withHelp, withJsonOption, withSourceOptions } from '../../support/command-options';
import { clientAddressArgument } from '../../support/client-address';
import { cliContainer, EXIT, loadNodes, readableLeaseFile, type SourceOptions } from '../../support/context';
import { printJson, renderTable, styleFor, type Style } from '../../support/output';

export interface LookupOptions extends SourceOptions {
  json?: boolean;
}

export function addLookupCommand(program: Command): void {
  const command = program
    .command('lookup')
    .summary('which node is this address, and why (not)')
    .description(
      'Show the node behind a client address, the method that matched, every matcher tried and why it did not match, and the state check; ' +
        'for a node, the instance identity it is served (uuid, name, hostname) and where each value comes from, and any value of it the service left aside and why.',
    )
    .argument('<ip>', 'the client address a node asks from');
  withSourceOptions(command, { leases: true });
  withJsonOption(command);
  withHelp(command, {
    examples: [
      'ironic-metadata lookup 10.1.105.195',
      'ironic-metadata lookup 127.0.0.11 --inventory apps/metadata-server/example/inventory.json --json',
    ],
    exits:
      '0 a node is served at this address; 1 none is (or the node source could not answer); 2 usage or configuration error (<ip> is no IP address, a lease file it cannot read).',
  });
  command.action(async (ip: string, options: LookupOptions) => exitWith(await lookupCommand(ip, options)));
}

/** `ironic-metadata lookup <ip>`: which node is this address, how was it matched, and why not otherwise. */
export async function lookupCommand(ip: string, options: LookupOptions): Promise<number> {
  const address = clientAddressArgument(ip);
  const { container } = cliContainer(options);
  const leases = readableLeaseFile(container, options);
  const index = await loadNodes(container);
  const lookup = index.lookup(address, leases);
  if (options.json) printJson(lookupJson(lookup));
  else process.stdout.write(lookupText(lookup, styleFor(process.stdout)));
  return lookup.found ? EXIT.ok : EXIT.notFound;
}

function lookupJson(lookup: Lookup) {
  const entry = lookup.found ? lookup.entry : lookup.ineligible;
  return {
    ip: lookup.ip,
    found: lookup.found,
    method: lookup.found ? lookup.method : null,
    reason: lookup.found ? null : lookup.reason,
    node: entry
      ? {
          uuid: entry.node.uuid,
          name: entry.node.name ?? null,
          provisionState: entry.node.provision_state,
          served: isEligible(entry),
          configDriveProblem: entry.configDriveProblem ?? null,
          leftAside: entry.leftAside ?? [],
        }
      : null,
    instance: lookup.found ? identityOf(lookup.entry) : null,
    trace: lookup.trace,
  };
}

/** The identity both trees serve the node: meta_data.json uuid, name, hostname (EC2 instance-id, hostname, local-hostname). */
function identityOf(entry: IndexedNode) {
  return instanceIdentity(entry.node, entry.configDrive?.metaData);
}

function lookupText(lookup: Lookup, style: Style): string {
  const lines: string[] = [];
  const entry = lookup.found ? lookup.entry : lookup.ineligible;
  if (lookup.found) lines.push(`${lookup.ip} is node ${nodeLabel(lookup.entry.node)}, matched by ${style.green(lookup.method)}`);
  else lines.push(`${lookup.ip}: ${style.red('not found')}: ${lookup.reason}`);
  if (entry) {
    const state = isEligible(entry)
      ? style.green('served')
      : style.red('not served: only nodes with an instance, active or deploying, are');
    lines.push(`  provision state: ${entry.node.provision_state} (${state})`);
    if (entry.configDriveProblem) lines.push(`  config drive: ${style.yellow('not used')}: ${entry.configDriveProblem}`);
    // Values the service does without; what it serves as stored (network_data.json) still has them.
    for (const value of entry.leftAside ?? []) lines.push(`  ${style.yellow('left aside')}: ${describeLeftAside(value)}`);
  }
  if (lookup.found)
    for (const [field, { value, source }] of Object.entries(identityOf(lookup.entry)))
      lines.push(`  instance ${field}: ${value} (${source})`);
  const outcome = (step: MatchStep) =>
    step.outcome === 'matched' ? style.green(step.outcome) : step.outcome === 'no-match' ? step.outcome : style.yellow(step.outcome);
  const table = renderTable(
    ['MATCHER', 'OUTCOME', 'DETAIL'],
    lookup.trace.map((step) => [step.method, outcome(step), step.detail]),
    style,
  );
  return `${lines.join('\n')}\n\n${table}`;
}
