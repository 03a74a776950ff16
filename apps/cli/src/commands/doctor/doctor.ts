import type { Config } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import { NeighbourTable, nodeLabel } from '@ironic-metadata/node-discovery';
import type { Command } from 'commander';
import type { Container } from 'inversify';
import { exitWith, withHelp, withJsonOption, withSourceOptions } from '../../support/command-options';
import { cliContainer, EXIT, UsageError, type SourceOptions } from '../../support/context';
import { ALLOWED_CLIENTS_CHECK, allowedClientsCheck, tokenKeysCheck } from './access-checks';
import { ADMIN_LISTENER, bindCheck } from './bind-check';
import { skipped, type Check, type CheckStatus } from './check';
import { accessLogCheck, clientsCheck } from './client-checks';
import { discover } from './discovery';
import { leaseFileCheck } from './lease-check';
import { configDrivesCheck, discoverableCheck, DISCOVERY_CHECKS, NODE_CHECKS, secretsCheck, undiscoverableCheck } from './node-checks';
import { clientMacCheck, ID as CLIENT_MAC_ID, TITLE as CLIENT_MAC_TITLE } from './segment-check';
import { sourceChecks } from './source-checks';
import { plural, printJson, renderTable, styleFor, type Style } from '../../support/output';

export interface DoctorOptions extends SourceOptions {
  json?: boolean;
  /** The service's log (LOG_LEVEL=http lines) to read the last hour's requests from. */
  accessLog?: string;
}

export function addDoctorCommand(program: Command): void {
  const command = program
    .command('doctor')
    .summary('check everything a node needs to get its metadata, with the fixes')
    .description(
      'Check everything a node needs to get its metadata, each with pass, warn or fail and the fix: the configuration; Ironic reachable, ' +
        'its API version and the credentials (or the inventory file); show_instance_secrets; the lease file; which active nodes can be found ' +
        'and by which method, and which cannot; whether they ask from inside ALLOWED_CLIENTS; the IMDSv2 token key file (IMDS_TOKEN_KEY_FILE: needed with ' +
        'more than one replica, which TRUSTED_PROXIES implies; readable by the service user alone; keys of at least 32 bytes); whether BIND_ADDR:BIND_PORT can be bound (as the user running doctor); ' +
        'which clients it serves, and, from the access log of the last hour, which nodes asked only /openstack and then stopped.',
    );
  withSourceOptions(command, { leases: true });
  command.option(
    '--access-log <file>',
    "the service's log with its LOG_LEVEL=http request lines, e.g. journalctl -u ironic-metadata -o cat --since -1h > FILE",
  );
  withJsonOption(command);
  withHelp(command, {
    examples: [
      'ironic-metadata doctor',
      'ironic-metadata doctor --access-log <(journalctl -u ironic-metadata -o cat --since -1h)',
      'IRONIC_URL=http://ironic:6385 OS_AUTH_TYPE=http_basic OS_USERNAME=metadata OS_PASSWORD=... ironic-metadata doctor --json',
    ],
    exits:
      '0 every check passed (warnings allowed); 1 a check failed (an unreachable Ironic is a failed check); 2 the configuration is invalid.',
  });
  command.action(async (options: DoctorOptions) => exitWith(await doctorCommand(options)));
}

/** `ironic-metadata doctor`: the checklist an operator runs when a node does not get its metadata. */
export async function doctorCommand(options: DoctorOptions): Promise<number> {
  let built: { config: Config; container: Container };
  try {
    built = cliContainer(options);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    report(
      [
        {
          id: 'config',
          title: 'configuration valid',
          status: 'fail',
          detail: error.message,
          fix: 'correct that variable (README.md, Configuration, lists them all)',
        },
      ],
      options,
    );
    return EXIT.usage;
  }
  const checks = await runChecks(built.config, built.container, options.accessLog);
  report(checks, options);
  return checks.some((check) => check.status === 'fail') ? EXIT.notFound : EXIT.ok;
}

async function runChecks(config: Config, container: Container, accessLog: string | undefined): Promise<Check[]> {
  const checks: Check[] = [{ id: 'config', title: 'configuration valid', status: 'pass', detail: describeConfig(config) }];
  const source = await sourceChecks(config, container);
  checks.push(...source.checks);
  const leases = container.get(TYPES.LeaseFile).current().table;
  const discovery = source.index && discover(source.index, leases, config);
  checks.push(
    ...(discovery
      ? [secretsCheck(discovery), configDrivesCheck(discovery)]
      : skipped(NODE_CHECKS, 'needs the nodes, which could not be loaded')),
  );
  checks.push(leaseFileCheck(config.leaseFile));
  checks.push(
    ...(discovery
      ? [discoverableCheck(discovery), undiscoverableCheck(discovery)]
      : skipped(DISCOVERY_CHECKS, 'needs the nodes, which could not be loaded')),
  );
  checks.push(
    ...(discovery
      ? [allowedClientsCheck(config, discovery)]
      : skipped([ALLOWED_CLIENTS_CHECK], 'needs the nodes, which could not be loaded')),
    tokenKeysCheck(config),
  );
  checks.push(
    discovery
      ? await clientMacCheck(config.verifyClientMac, config.bindAddrs, discovery, new NeighbourTable())
      : skipped([[CLIENT_MAC_ID, CLIENT_MAC_TITLE]], 'needs the nodes, which could not be loaded')[0],
  );
  checks.push(
    await bindCheck(config.bindAddrs, config.bindPort),
    await bindCheck([config.adminBindAddr], config.adminBindPort, ADMIN_LISTENER),
  );
  const nodeFor = (ip: string) => {
    const lookup = source.index?.match(ip, leases);
    return lookup?.found ? nodeLabel(lookup.entry.node) : undefined;
  };
  checks.push(clientsCheck(config), accessLogCheck(accessLog, nodeFor));
  return checks;
}

function describeConfig(config: Config): string {
  const source =
    config.source.kind === 'file'
      ? `inventory file ${config.source.path}`
      : `Ironic at ${config.source.url ?? "the Keystone catalog's endpoint"} (auth ${config.source.auth.type})`;
  return `nodes from ${source}; leases ${config.leaseFile}; serving on ${config.bindAddrs.join(', ')} port ${config.bindPort}, admin on ${config.adminBindAddr} port ${config.adminBindPort}`;
}

function report(checks: Check[], options: DoctorOptions): void {
  const counts: Record<CheckStatus, number> = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const check of checks) counts[check.status]++;
  if (options.json) {
    printJson({ ok: counts.fail === 0, counts, checks });
    return;
  }
  const style = styleFor(process.stdout);
  const rows = checks.map((check) => [
    statusLabel(check.status, style),
    check.title,
    check.fix ? `${check.detail}\n${style.bold('fix:')} ${check.fix}` : check.detail,
  ]);
  const summary = `${counts.pass} passed, ${plural(counts.warn, 'warning')}, ${counts.fail} failed${counts.skip > 0 ? `, ${counts.skip} skipped` : ''}`;
  process.stdout.write(
    `${renderTable(['STATUS', 'CHECK', 'RESULT'], rows, style)}\n${counts.fail > 0 ? style.red(summary) : style.green(summary)}\n`,
  );
}

function statusLabel(status: CheckStatus, style: Style): string {
  const label = status.toUpperCase();
  if (status === 'pass') return style.green(label);
  if (status === 'warn') return style.yellow(label);
  if (status === 'fail') return style.bold(style.red(label));
  return style.dim(label);
}
