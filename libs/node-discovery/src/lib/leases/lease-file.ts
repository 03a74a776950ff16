import { readFileSync, statSync } from 'node:fs';
import type { Logger } from '@ironic-metadata/logging';
import { parseLeases, type LeaseProblem } from '@ironic-metadata/node-addresses';
import { LeaseTable, type LeaseLookup } from '@ironic-metadata/node-addresses';

/**
 * Why the lease file cannot be read: `code` is the system's (`ENOENT`, `EACCES`, `EISDIR`, ...), `reason`
 * says it in words, naming the file.
 */
export interface LeaseFileFailure {
  code: string;
  reason: string;
}

/** The words for the `fs` errors an operator meets with a lease file (Node.js `SystemError` codes). */
const FAILURE_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'does not exist',
  EACCES: 'is not readable by this user (permission denied)',
  EPERM: 'is not readable by this user (operation not permitted)',
  EISDIR: 'is a directory, not a file',
  ENOTDIR: 'is not a path to a file (a part of it is not a directory)',
};

/** `error` (from `statSync` or `readFileSync` of `path`) as a {@link LeaseFileFailure}. */
export function leaseFileFailure(path: string, error: unknown): LeaseFileFailure {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  const reason = FAILURE_REASONS[code] ?? `cannot be read (${(error as Error).message})`;
  return { code, reason: `the lease file ${path} ${reason}` };
}

/**
 * The dnsmasq lease file, re-read when dnsmasq has rewritten it (in place or by rename): a lookup
 * checks the file's identity at most once per `checkIntervalMs`, so a fresh lease is seen at once
 * without a read per request. A file that is missing or cannot be read (a directory, no permission)
 * means no leases, said once in the log with the reason, until it can be read; it never throws.
 */
export class LeaseFile implements LeaseLookup {
  private table = new LeaseTable([]);
  private problems: LeaseProblem[] = [];
  private identity = '';
  private checkedAt = -Infinity;
  private failure: LeaseFileFailure | undefined;

  constructor(
    readonly path: string,
    private readonly logger: Logger,
    private readonly checkIntervalMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  /** The MAC leased this address; while the file cannot be read, a reason that says why. */
  macFor(ip: string): ReturnType<LeaseLookup['macFor']> {
    if (this.clock() - this.checkedAt >= this.checkIntervalMs) this.reload();
    const held = this.table.macFor(ip);
    if (this.failure && 'reason' in held) return { reason: `${held.reason}: ${this.failure.reason}` };
    return held;
  }

  /** The table and the malformed lines, read afresh if the file changed; `failure` when it cannot be read (the table is then empty). */
  current(): { table: LeaseTable; problems: LeaseProblem[]; failure?: LeaseFileFailure } {
    this.reload();
    return { table: this.table, problems: this.problems, ...(this.failure && { failure: this.failure }) };
  }

  private reload(): void {
    this.checkedAt = this.clock();
    try {
      const stat = statSync(this.path);
      const identity = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
      // After a failure the identity is empty, so the next look reads again.
      if (identity !== this.identity) this.read(identity);
    } catch (error) {
      this.fail(leaseFileFailure(this.path, error));
    }
  }

  private read(identity: string): void {
    const { leases, problems } = parseLeases(readFileSync(this.path, 'utf8'));
    this.failure = undefined;
    this.identity = identity;
    this.table = new LeaseTable(leases);
    this.problems = problems;
    for (const problem of problems) this.logger.warn('malformed lease line ignored', { file: this.path, ...problem });
  }

  /** No leases until the file can be read; said once for each new reason. */
  private fail(failure: LeaseFileFailure): void {
    if (this.failure?.code !== failure.code) {
      this.logger.warn(
        `${failure.reason}; the DHCP lease fallback is off until it can be read; point LEASE_FILE at dnsmasq's --dhcp-leasefile, readable by this service's user`,
        { file: this.path, code: failure.code },
      );
    }
    this.failure = failure;
    this.table = new LeaseTable([]);
    this.problems = [];
    this.identity = '';
  }
}
