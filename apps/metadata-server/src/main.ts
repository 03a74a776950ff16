import 'reflect-metadata';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig, type Config } from '@ironic-metadata/config';
import { buildContainer, TYPES } from '@ironic-metadata/container';
import { TokenKeyFileError, VendorDataError } from '@ironic-metadata/metadata';
import { AdminApp } from './app/admin-app';
import { boundPort, closeGracefully, hostPort, listen, type AddressWait } from './app/listen';
import { ConnectionGuard } from './app/connection-guard';
import { MetadataListener } from './app/metadata-listener';
import { ConnectionCapError, connectionCaps, openFileSoftLimit } from './app/open-file-limit';

function fail(message: string, code: number): never {
  process.stderr.write(`ironic-metadata: ${message}\n`);
  process.exit(code);
}

function configOrExit(): Config {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) fail(error.message, 2);
    throw error;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  let caps;
  try {
    caps = connectionCaps(openFileSoftLimit(), config.connections);
  } catch (error) {
    if (error instanceof ConnectionCapError) fail(`invalid configuration: ${error.message}`, 2);
    throw error;
  }
  // Before the index is loaded: V8 reads the flag whenever it sizes the heap. Node keeps V8's flags
  // writable after start for this (it does not freeze them).
  if (config.optimizeFor === 'memory') setFlagsFromString('--optimize-for-size');
  let container;
  try {
    container = buildContainer(config);
  } catch (error) {
    if (error instanceof VendorDataError || error instanceof TokenKeyFileError) fail(`invalid configuration: ${error.message}`, 2);
    throw error;
  }
  container.bind(MetadataListener).toSelf();
  container.bind(AdminApp).toSelf();
  const logger = container.get(TYPES.Logger);
  const catalog = container.get(TYPES.NodeCatalog);
  if (config.source.kind === 'file') {
    // A broken inventory is the operator's to fix before anything is served.
    await catalog.refresh().catch((error: Error) => fail(`cannot load nodes: ${error.message}`, 1));
  } else {
    // Ironic may be down now and back later: serve 503 (not ready) meanwhile and keep retrying.
    await catalog.refresh().catch(() => undefined);
  }
  catalog.startSync();

  const metadataListener = container.get(MetadataListener).handle;
  const { requestTimeoutSeconds, keepAliveTimeoutSeconds } = config.connections;
  const guard = new ConnectionGuard(caps, (requestTimeoutSeconds + keepAliveTimeoutSeconds) * 1000, container.get(TYPES.TrustedProxies), container.get(TYPES.ServiceMetrics), logger);
  const wait = (setting: string): AddressWait => ({ waitMs: config.bindWaitSeconds * 1000, setting, log: (message, fields) => logger.warn(message, fields) });
  const servers = await Promise.all([
    ...config.bindAddrs.map((address) => listen(metadataListener, address, config.bindPort, wait('BIND_ADDR'), config.connections, guard)),
    listen(container.get(AdminApp).create(), config.adminBindAddr, config.adminBindPort, wait('ADMIN_BIND_ADDR')),
  ]).catch((error: Error) => fail(error.message, 1));
  const admin = servers[servers.length - 1];
  const endpoints = config.bindAddrs.map((address, i) => `http://${hostPort(address, boundPort(servers[i]))}`);
  logger.info(`serving metadata for ${catalog.source.description} on ${endpoints.join(', ')}`, {
    ...catalog.status(),
    port: boundPort(servers[0]),
    admin: `http://${hostPort(config.adminBindAddr, boundPort(admin))}`,
    adminPort: boundPort(admin),
    maxConnections: caps.maxConnections,
    maxConnectionsPerClient: caps.maxConnectionsPerClient,
    openFiles: caps.openFiles,
  });

  // SIGHUP: read the node source and the lease file again now, as after an edit.
  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading the node source and the lease file');
    container.get(TYPES.LeaseFile).current();
    catalog.refresh().catch(() => undefined);
  });
  const shutdown = (signal: string) => {
    logger.info(`${signal}: finishing requests in flight, then stopping`);
    catalog.stopSync();
    void closeGracefully(servers, 10_000).then(() => process.exit(0));
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

void main();
