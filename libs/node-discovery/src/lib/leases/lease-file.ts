import { readFileSync, statSync } from 'node:fs';
import type { Logger } from '@ironic-metadata/logging';
import { parseLeases, type LeaseProblem } from '@ironic-metadata/node-addresses';
import { LeaseTable, type LeaseLookup } from '@ironic-metadata/node-addresses';

/**
 * The dnsmasq lease file, re-read when dnsmasq has rewritten it (in place or by rename): a lookup
 * checks the file's identity at most once per `checkIntervalMs`, so a fresh lease is seen at once
 * without a read per request. A missing file means no leases, said once in the log.
 */
export class LeaseFile implements LeaseLookup {
  private table = new LeaseTable([]);
  private problems: LeaseProblem[] = [];
  private identity = '';
  private checkedAt = -Infinity;
  private missingReported = false;

  constructor(
    readonly path: string,
    private readonly logger: Logger,
    private readonly checkIntervalMs = 1000,
    private readonly clock: () => number = Date.now,
  ) {}

  macFor(ip: string): ReturnType<LeaseLookup['macFor']> {
    if (this.clock() - this.checkedAt >= this.checkIntervalMs) this.reload();
    return this.table.macFor(ip);
  }

  /** The table and the malformed lines, read afresh if the file changed. */
  current(): { table: LeaseTable; problems: LeaseProblem[] } {
    this.reload();
    return { table: this.table, problems: this.problems };
  }

  private reload(): void {
    this.checkedAt = this.clock();
    let identity: string;
    try {
      const stat = statSync(this.path);
      identity = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (error) {
      if (!this.missingReported) {
        const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
        this.logger.warn(
          `cannot read the lease file ${this.path} (${reason}); the DHCP lease fallback is off until it appears; check LEASE_FILE`,
        );
        this.missingReported = true;
      }
      this.table = new LeaseTable([]);
      this.problems = [];
      this.identity = '';
      return;
    }
    this.missingReported = false;
    if (identity === this.identity) return;
    const { leases, problems } = parseLeases(readFileSync(this.path, 'utf8'));
    this.identity = identity;
    this.table = new LeaseTable(leases);
    this.problems = problems;
    for (const problem of problems) this.logger.warn('malformed lease line ignored', { file: this.path, ...problem });
  }
}
