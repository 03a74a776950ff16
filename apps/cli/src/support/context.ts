import { ConfigError, loadConfig, settingsToCheck, type Config } from '@ironic-metadata/config';
import { buildContainer, configuredFileProblem, TYPES, type ContainerOverrides } from '@ironic-metadata/container';
import { IronicConnectionError, IronicError } from '@ironic-metadata/ironic-client';
import { createLogger, type Logger } from '@ironic-metadata/logging';
import type { IndexedNode, LeaseFile, NodeIndex } from '@ironic-metadata/node-discovery';
import type { Container } from 'inversify';
import { startProgress } from './progress';

/** Exit codes every command keeps: 0 found or passed, 1 not found, failed or could not answer, 2 usage or configuration. */
export const EXIT = { ok: 0, notFound: 1, usage: 2 } as const;

/** A failure the operator caused and can fix (a bad option, variable or file): one line, exit code 2. `code` is `USAGE`. */
export class UsageError extends Error {
  /** Stable code the CLI decides its exit status from. */
  readonly code = 'USAGE';
  override readonly name = 'UsageError';
}

/** The command could not answer (Ironic unreachable, a config drive that does not decode): one line, exit code 1. `code` is `COMMAND_FAILED`. */
export class CommandFailure extends Error {
  /** Stable code the CLI decides its exit status from. */
  readonly code = 'COMMAND_FAILED';
  override readonly name = 'CommandFailure';
}

export interface SourceOptions {
  inventory?: string;
  leases?: string;
}

/** The configuration from the environment, with the settings the command line sets; UsageError when it is invalid. */
export function cliConfig(options: SourceOptions): Config {
  try {
    return loadConfig(process.env, { INVENTORY_FILE: options.inventory, LEASE_FILE: options.leases });
  } catch (error) {
    if (error instanceof ConfigError) throw new UsageError(error.message);
    throw error;
  }
}

/**
 * The libraries' own log lines stay quiet unless LOG_LEVEL asks for them: every command reports what
 * it met itself (the trace, the config drive problem, the checklist), and errors end in one line.
 */
function cliLogger(config: Config): Logger {
  const logger = createLogger({ level: config.logLevel });
  logger.silent = process.env['LOG_LEVEL'] === undefined;
  return logger;
}

/** The same container as the server, from the environment with the command line's overrides. */
export function cliContainer(
  options: SourceOptions,
  overrides: Omit<ContainerOverrides, 'logger'> = {},
): { config: Config; container: Container } {
  const config = cliConfig(options);
  try {
    return { config, container: buildContainer(config, { logger: cliLogger(config), ...overrides }) };
  } catch (error) {
    const problem = configuredFileProblem(error);
    if (problem) throw new UsageError(problem);
    throw error;
  }
}

/**
 * The lease file of the DHCP fallback, checked before the lookup: UsageError naming it and why when
 * `--leases` names a file that cannot be read, or LEASE_FILE (or its default) one that exists but
 * cannot be read. A missing LEASE_FILE is how the service runs without the fallback (dnsmasq may not
 * have written it yet), so the lookup goes on and its trace says so.
 */
export function readableLeaseFile(container: Container, options: SourceOptions): LeaseFile {
  const leases = container.get(TYPES.LeaseFile);
  const { failure } = leases.current();
  if (failure && (options.leases !== undefined || failure.code !== 'ENOENT')) {
    const setting = options.leases !== undefined ? '--leases' : 'LEASE_FILE';
    throw new UsageError(`${failure.reason}; point ${setting} at dnsmasq's lease file (its --dhcp-leasefile), readable by this user`);
  }
  return leases;
}

/** Loads every node from the source, showing progress on a terminal; a source that cannot answer is one clear line. */
export async function loadNodes(container: Container): Promise<NodeIndex> {
  const catalog = container.get(TYPES.NodeCatalog);
  const progress = startProgress(`loading nodes from ${catalog.source.description}`);
  try {
    const index = await catalog.refresh();
    progress.done(`loaded ${index.size} nodes from ${catalog.source.description}`);
    return index;
  } catch (error) {
    progress.clear();
    throw explainSourceError(error, catalog.source.description);
  }
}

/**
 * The node with this uuid or name. CommandFailure `<id>: <notFound> with that uuid or name among the N
 * nodes loaded` when there is none, and one naming their uuids when several nodes have this name (an
 * inventory file may; Ironic refuses a second node of the same name).
 */
export function nodeIn(index: NodeIndex, id: string, notFound: string): IndexedNode {
  const named = index.entries.filter((entry) => entry.node.name === id);
  if (named.length > 1 && !index.entries.some((entry) => entry.node.uuid === id)) {
    throw new CommandFailure(
      `${id}: ${named.length} nodes have that name (${named.map((entry) => entry.node.uuid).join(', ')}); give the uuid of the one you mean`,
    );
  }
  const entry = index.nodeByUuidOrName(id);
  if (!entry) throw new CommandFailure(`${id}: ${notFound} with that uuid or name among the ${index.size} nodes loaded`);
  return entry;
}

/** Ironic's errors as one line that names the source and the settings to fix (the error kept as the cause); anything else unchanged. */
export function explainSourceError(error: unknown, source: string): unknown {
  const settings = settingsToCheck(error);
  if (error instanceof IronicConnectionError) {
    const message = `cannot reach ${source} (${error.reason}, ${error.attempts} attempts): start Ironic, ${settings}, or pass --inventory FILE`;
    return new CommandFailure(message, { cause: error });
  }
  if (error instanceof IronicError)
    return new CommandFailure(`cannot load nodes from ${source}: ${error.message}${settings ? ` (${settings})` : ''}`, { cause: error });
  return error;
}
