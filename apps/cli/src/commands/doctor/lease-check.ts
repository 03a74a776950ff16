import { readFileSync, statSync } from 'node:fs';
import { leaseFileFailure, LeaseTable, parseLeases } from '@ironic-metadata/node-discovery';
import { formatDuration, plural } from '../../support/output';
import type { Check } from './check';

/** dnsmasq rewrites its lease file whenever it grants or renews a lease; a day without one is suspicious. */
const STALE_SECONDS = 86_400;
const ID = 'lease-file';
const TITLE = 'DHCP lease file';

/** The lease file is present, readable, well formed and recently written. */
export function leaseFileCheck(path: string, nowMs: number = Date.now()): Check {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) {
    return {
      id: ID,
      title: TITLE,
      status: 'warn',
      detail: `${path} does not exist: the DHCP lease fallback finds no node`,
      fix: "point LEASE_FILE (or --leases) at dnsmasq's --dhcp-leasefile; ignore this if every node is found another way",
    };
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    return {
      id: ID,
      title: TITLE,
      status: 'fail',
      detail: leaseFileFailure(path, error).reason,
      fix: "let the service's user read it (dnsmasq writes it world-readable by default), or fix LEASE_FILE",
    };
  }
  const { leases, problems } = parseLeases(text);
  const now = nowMs / 1000;
  const live = leases.filter((lease) => !LeaseTable.isExpired(lease, now)).length;
  const age = Math.max(0, now - stat.mtimeMs / 1000);
  const data = { path, leases: leases.length, live, malformedLines: problems.map((problem) => problem.line), ageSeconds: Math.round(age) };
  const summary = `${path}: ${plural(leases.length, 'lease')} (${live} live), written ${formatDuration(age)} ago`;
  const warnings: string[] = [];
  const fixes: string[] = [];
  if (problems.length > 0) {
    warnings.push(`${plural(problems.length, 'malformed line')} ignored (${problems.map((problem) => `line ${problem.line}`).join(', ')})`);
    fixes.push(`ironic-metadata leases ${path} shows each malformed line`);
  }
  if (age > STALE_SECONDS) {
    warnings.push('dnsmasq rewrites it whenever it grants or renews a lease, and has not for over a day');
    fixes.push('check that dnsmasq is running and that this is its --dhcp-leasefile');
  }
  if (warnings.length === 0) return { id: ID, title: TITLE, status: 'pass', detail: summary, data };
  return { id: ID, title: TITLE, status: 'warn', detail: `${summary}; ${warnings.join('; ')}`, fix: fixes.join('; '), data };
}
