import { ConfigError, loadConfig, settingsListing, type Config } from '@ironic-metadata/config';
import type { ContainerOverrides } from '@ironic-metadata/container';
import { TokenKeyFileError, VendorDataError } from '@ironic-metadata/metadata';
import { InventoryFileError, type NodeCatalog } from '@ironic-metadata/node-discovery';
import type { Server } from 'node:http';
import { TYPES } from '@ironic-metadata/container';
import type { Container } from 'inversify';
import { AdminApp } from './admin-app';
import { ConnectionGuard } from './connection-guard';
import { listen, type AddressWait } from './listen';
import { MetadataListener } from './metadata-listener';
import { ConnectionCapError, connectionCaps, openFileSoftLimit, type ConnectionCaps } from './open-file-limit';
import { buildServiceContainer } from './service-container';
import { SERVICE_METRICS } from './service-metrics';

/** One line on stderr, then exit: 2 for a configuration the operator must fix, 1 for the rest. */
export function fail(message: string, code: number): never {
  process.stderr.write(`ironic-metadata: ${message}\n`);
  process.exit(code);
}

const USAGE = 'node dist/apps/metadata-server/main.js';

/**
 * `--help` or `-h`: what the server reads (every setting, its default and meaning), then exit 0. Any
 * other argument stops the start (exit 2): the server takes none, and one meant as an option (a
 * setting, `--version`) would otherwise be ignored silently.
 */
export function helpOrContinue(argv: readonly string[]): void {
  if (!argv.some((arg) => arg === '--help' || arg === '-h')) {
    if (argv.length > 0)
      fail(`unknown argument "${argv[0]}": the server takes no arguments, only environment variables; see ${USAGE} --help`, 2);
    return;
  }
  process.stdout.write(
    `Usage: ${USAGE}\n\n` +
      "ironic-metadata's server: answers nodes' OpenStack and EC2 metadata requests for Ironic's nodes.\n" +
      'It takes no arguments; it reads these environment variables (an empty one is unset), and a bad one\n' +
      'stops the start with one line naming it. SIGHUP reloads the node source and the lease file.\n\n' +
      `${settingsListing()}\n`,
  );
  process.exit(0);
}

export function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

/** The container, with both listeners bound; a vendor data or token key file that cannot be used stops start-up. */
export function containerOrExit(config: Config, overrides: ContainerOverrides = {}): Container {
  let container;
  try {
    container = buildServiceContainer(config, overrides);
  } catch (error) {
    if (error instanceof VendorDataError || error instanceof TokenKeyFileError) fail(`invalid configuration: ${error.message}`, 2);
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
  container.bind(MetadataListener).toSelf();
  container.bind(AdminApp).toSelf();
  return container;
}

/**
 * The first load of the nodes. A broken inventory file is the operator's to fix before anything is
 * served: one line, the CLI's, and exit 2 (1 for any other failure). Ironic may be down now and back
 * later: its nodes are retried while the listeners answer 503 (not ready).
 */
export async function loadNodesAtStart(config: Config, catalog: NodeCatalog): Promise<void> {
  if (config.source.kind !== 'file') {
    await catalog.refresh().catch(() => undefined);
    return;
  }
  await catalog
    .refresh({ logFailure: false })
    .catch((error: Error) =>
      error instanceof InventoryFileError ? fail(error.message, 2) : fail(`cannot load nodes: ${error.message}`, 1),
    );
}

/** The connection caps from the open-file limit and the settings; caps that cannot hold stop start-up. */
export function connectionCapsOrExit(config: Config): ConnectionCaps {
  try {
    return connectionCaps(openFileSoftLimit(), config.connections);
  } catch (error) {
    if (error instanceof ConnectionCapError) fail(`invalid configuration: ${error.message}`, 2);
    throw error;
  }
}

/** How a listener named by `setting` waits for its address (BIND_WAIT_SECONDS), each retry a warning. */
export function addressWait(
  config: Config,
  setting: 'BIND_ADDR' | 'ADMIN_BIND_ADDR',
  logger: { warn(message: string, fields: Record<string, unknown>): void },
): AddressWait {
  return { waitMs: config.bindWaitSeconds * 1000, setting, log: (message, fields) => logger.warn(message, fields) };
}

/**
 * The nodes' listeners on every BIND_ADDR, behind the connection guard; a listen error stops the
 * process. `waitForAddress` false binds once: a cluster worker, whose primary has already waited.
 */
export function listenForNodes(config: Config, container: Container, caps: ConnectionCaps, waitForAddress = true): Promise<Server[]> {
  const { requestTimeoutSeconds, keepAliveTimeoutSeconds } = config.connections;
  const guard = new ConnectionGuard(
    caps,
    (requestTimeoutSeconds + keepAliveTimeoutSeconds) * 1000,
    container.get(TYPES.TrustedProxies),
    container.get(SERVICE_METRICS),
    container.get(TYPES.Logger),
  );
  const handler = container.get(MetadataListener).handle;
  const wait = { ...addressWait(config, 'BIND_ADDR', container.get(TYPES.Logger)), ...(waitForAddress ? {} : { waitMs: 0 }) };
  return Promise.all(config.bindAddrs.map((address) => listen(handler, address, config.bindPort, wait, config.connections, guard))).catch(
    (error: Error) => fail(error.message, 1),
  );
}
