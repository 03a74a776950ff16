import { ConfigError, loadConfig, type Config } from '@ironic-metadata/config';
import { buildContainer } from '@ironic-metadata/container';
import { createLogger } from '@ironic-metadata/logging';
import type { Container } from 'inversify';

/** Exit codes every command keeps: 0 found or passed, 1 not found or failed, 2 usage or configuration. */
export const EXIT = { ok: 0, notFound: 1, usage: 2 } as const;

/** A failure the operator caused and can fix: printed as one line, exit code 2. */
export class UsageError extends Error {}

export interface SourceOptions {
  inventory?: string;
  leases?: string;
}

/** The same container as the server, from the environment with the command line's overrides. */
export function cliContainer(options: SourceOptions): { config: Config; container: Container } {
  let config: Config;
  try {
    config = loadConfig({ ...process.env, ...(options.inventory ? { INVENTORY_FILE: options.inventory } : {}), ...(options.leases ? { LEASE_FILE: options.leases } : {}) });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
  // Logs go to stderr, warnings and worse only, so that stdout stays the command's answer.
  const logger = createLogger({ level: process.env['LOG_LEVEL'] ? config.logLevel : 'warn' });
  return { config, container: buildContainer(config, { logger }) };
}
