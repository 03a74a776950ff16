import { TYPES } from '@ironic-metadata/container';
import { isEligible, type Lookup } from '@ironic-metadata/node-discovery';
import { cliContainer, EXIT, type SourceOptions } from './context';

export interface LookupOptions extends SourceOptions {
  json?: boolean;
}

/** `ironic-metadata lookup <ip>`: which node is this address, how was it matched, and why not otherwise. */
export async function lookupCommand(ip: string, options: LookupOptions): Promise<number> {
  const { container } = cliContainer(options);
  const index = await container.get(TYPES.NodeCatalog).refresh();
  const lookup = index.lookup(ip, container.get(TYPES.LeaseFile));
  process.stdout.write(options.json ? `${JSON.stringify(lookupJson(lookup), null, 2)}\n` : lookupText(lookup));
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
      ? { uuid: entry.node.uuid, name: entry.node.name ?? null, provisionState: entry.node.provision_state, served: isEligible(entry), configDriveProblem: entry.configDriveProblem ?? null }
      : null,
    trace: lookup.trace,
  };
}

function lookupText(lookup: Lookup): string {
  const lines: string[] = [];
  if (lookup.found) {
    const { node } = lookup.entry;
    lines.push(`${lookup.ip} is node ${node.uuid}${node.name ? ` (${node.name})` : ''}, matched by ${lookup.method}`);
    lines.push(`  provision state: ${node.provision_state} (served)`);
    if (lookup.entry.configDriveProblem) lines.push(`  config drive: not used: ${lookup.entry.configDriveProblem}`);
  } else {
    lines.push(`${lookup.ip}: not found: ${lookup.reason}`);
  }
  lines.push('  matchers tried:');
  const width = Math.max(...lookup.trace.map((step) => step.method.length));
  for (const step of lookup.trace) lines.push(`    ${step.method.padEnd(width)}  ${step.outcome.padEnd(10)}  ${step.detail}`);
  return `${lines.join('\n')}\n`;
}
