import { readFileSync } from 'node:fs';
import { LeaseTable, parseLeases, type Lease } from '@ironic-metadata/node-discovery';
import type { Command } from 'commander';
import { exitWith, withHelp, withJsonOption } from '../../support/command-options';
import { cliConfig, EXIT, UsageError } from '../../support/context';
import { formatDuration, plural, printJson, renderTable, styleFor } from '../../support/output';

export interface LeasesOptions {
  json?: boolean;
}

export function addLeasesCommand(program: Command): void {
  const command = program
    .command('leases')
    .summary('the dnsmasq leases, and the malformed lines')
    .description(
      'Show the dnsmasq leases the DHCP fallback reads (IP, MAC, expiry relative to now; for IPv6, the IAID and the client DUID whose MAC counts), why a lease names no MAC, and every malformed line with its number.',
    )
    .argument('[file]', 'the dnsmasq lease file (default: LEASE_FILE, /shared/dnsmasq/dnsmasq.leases)');
  withJsonOption(command);
  withHelp(command, {
    examples: ['ironic-metadata leases', 'ironic-metadata leases /var/lib/misc/dnsmasq.leases --json'],
    exits:
      '0 every line parsed; 1 some lines are malformed (they are listed; the other leases still count); 2 the file cannot be read, or usage error.',
  });
  command.action((file: string | undefined, options: LeasesOptions) => exitWith(leasesCommand(file, options)));
}

/** `ironic-metadata leases [file]`: the lease file as the service reads it. */
export function leasesCommand(file: string | undefined, options: LeasesOptions, now: number = Date.now() / 1000): number {
  const path = file ?? cliConfig({}).leaseFile;
  const { leases, problems } = parseLeases(readLeaseFile(path));
  if (options.json) {
    printJson({
      file: path,
      leases: leases.map((lease) => ({
        ...lease,
        expiresAt: lease.expiresAt === 0 ? null : new Date(lease.expiresAt * 1000).toISOString(),
        expired: LeaseTable.isExpired(lease, now),
      })),
      malformed: problems,
    });
  } else {
    const style = styleFor(process.stdout);
    const live = leases.filter((lease) => !LeaseTable.isExpired(lease, now)).length;
    const rows = leases.map((lease) => {
      const expired = LeaseTable.isExpired(lease, now);
      return [
        lease.ip,
        lease.mac ?? '-',
        lease.hostname ?? '',
        expiry(lease, now),
        expired ? style.yellow('expired') : style.green('live'),
        String(lease.line),
        ipv6Identity(lease),
      ];
    });
    const macless = leases.filter((lease) => lease.noMac !== undefined);
    const counts = [`${plural(leases.length, 'lease')}, ${live} live, ${leases.length - live} expired`];
    if (macless.length > 0) counts.push(`${macless.length} without a MAC`);
    if (problems.length > 0) counts.push(style.red(plural(problems.length, 'malformed line')));
    const lines = [`${path}: ${counts.join(', ')}`];
    if (rows.length > 0)
      lines.push('', renderTable(['IP', 'MAC', 'HOSTNAME', 'EXPIRES', 'STATE', 'LINE', 'IPV6 IAID, CLIENT DUID'], rows, style).trimEnd());
    if (macless.length > 0) {
      lines.push('', 'leases that name no MAC (the lease fallback cannot match them):');
      for (const lease of macless) lines.push(`  line ${lease.line} (${lease.ip}): ${lease.noMac}`);
    }
    if (problems.length > 0) {
      lines.push('', 'malformed lines (ignored by the service):');
      for (const problem of problems) lines.push(`  line ${problem.line}: ${problem.reason}: ${JSON.stringify(problem.text)}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return problems.length > 0 ? EXIT.notFound : EXIT.ok;
}

/** An IPv6 lease's `IAID 7 (temporary), DUID-LL`; empty for IPv4. */
function ipv6Identity(lease: Lease): string {
  if (lease.family === 4) return '';
  return `IAID ${lease.iaid}${lease.temporary ? ' (temporary)' : ''}, ${lease.duid?.typeName ?? 'no DUID'}`;
}

/** `in 2h 5m`, `expired 3m ago`, `never`. */
export function expiry(lease: Pick<Lease, 'expiresAt'>, now: number): string {
  if (lease.expiresAt === 0) return 'never';
  return LeaseTable.isExpired(lease, now)
    ? `expired ${formatDuration(now - lease.expiresAt)} ago`
    : `in ${formatDuration(lease.expiresAt - now)}`;
}

function readLeaseFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new UsageError(
        `${path}: no such lease file; pass dnsmasq's lease file (its --dhcp-leasefile) as the argument, or set LEASE_FILE`,
      );
    if (code === 'EACCES') throw new UsageError(`${path}: permission denied; run as a user that may read dnsmasq's lease file`);
    if (code === 'EISDIR') throw new UsageError(`${path} is a directory; pass dnsmasq's lease file itself`);
    throw new UsageError(`${path}: cannot read the lease file (${(error as Error).message})`);
  }
}
