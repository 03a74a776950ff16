import type { CidrList } from '@ironic-metadata/config';
import type { Logger } from '@ironic-metadata/logging';

/** Counts the clients refused, for whoever keeps metrics. */
export interface RefusedClientMetrics {
  refusedClient(): void;
}

/** At most one log line this often about refused clients, however many there are. */
export const REFUSED_CLIENT_LOG_INTERVAL_MS = 10_000;

/**
 * ALLOWED_CLIENTS: which client addresses may ask at all. Every refusal is counted; the log gets one
 * line per interval (the first refusal at once, then a summary naming the latest address and how
 * many were refused since), so a scan of the network cannot flood it.
 */
export class AllowedClients {
  private lastLogAt = -Infinity;
  private refusedSinceLog = 0;

  constructor(
    private readonly allowed: CidrList,
    private readonly logger: Logger,
    private readonly metrics?: RefusedClientMetrics,
    private readonly clock: () => number = Date.now,
  ) {}

  /** True when `clientIp` may ask: ALLOWED_CLIENTS is empty or holds it. */
  admits(clientIp: string): boolean {
    if (this.allowed.empty || this.allowed.has(clientIp)) return true;
    this.metrics?.refusedClient();
    this.refusedSinceLog++;
    const now = this.clock();
    if (now - this.lastLogAt >= REFUSED_CLIENT_LOG_INTERVAL_MS) {
      this.logger.warn('clients outside ALLOWED_CLIENTS refused', { clientIp, refusedSinceLastLine: this.refusedSinceLog });
      this.lastLogAt = now;
      this.refusedSinceLog = 0;
    }
    return false;
  }
}
