import 'reflect-metadata';
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { TYPES } from '@ironic-metadata/container';
import { AdminApp } from './app/admin-app';
import { runPrimary } from './app/cluster/primary';
import { runWorker } from './app/cluster/worker';
import { boundPort, closeGracefully, hostPort, listen, reportCutOff } from './app/listen';
import type { ConnectionCaps } from './app/open-file-limit';
import { SERVICE_METRICS } from './app/service-metrics';
import {
  addressWait,
  configOrExit,
  connectionCapsOrExit,
  containerOrExit,
  fail,
  helpOrContinue,
  listenForNodes,
  loadNodesAtStart,
} from './app/startup';

/** WORKERS=1: one process loads the nodes, serves them and the admin listener. */
async function runSingle(config: ReturnType<typeof configOrExit>, caps: ConnectionCaps): Promise<void> {
  const container = containerOrExit(config);
  const logger = container.get(TYPES.Logger);
  container.get(SERVICE_METRICS).watchStalls('main');
  const catalog = container.get(TYPES.NodeCatalog);
  await loadNodesAtStart(config, catalog);
  catalog.startSync();

  const [nodeServers, admin] = await Promise.all([
    listenForNodes(config, container, caps),
    listen(
      container.get(AdminApp).create(),
      config.adminBindAddr,
      config.adminBindPort,
      addressWait(config, 'ADMIN_BIND_ADDR', logger),
    ).catch((error: Error) => fail(error.message, 1)),
  ]);
  const servers = [...nodeServers, admin];
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
    void closeGracefully(servers).then((cutOff) => {
      reportCutOff(logger, cutOff);
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

async function main(): Promise<void> {
  helpOrContinue(process.argv.slice(2));
  const config = configOrExit();
  // Each process holds its own connections, so each checks its own open-file limit.
  const caps = connectionCapsOrExit(config);
  // Before the index is loaded: V8 reads the flag whenever it sizes the heap. Node keeps V8's flags
  // writable after start for this (it does not freeze them).
  if (config.optimizeFor === 'memory') setFlagsFromString('--optimize-for-size');
  if (cluster.isWorker) return runWorker(config, caps);
  const workers = config.workers ?? availableParallelism();
  return workers > 1 ? runPrimary(config, workers) : runSingle(config, caps);
}

void main();
