import type { Config } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import { catalogView, createAdminApp } from './admin-app';
import { heapServing } from './heap-tuning';
import { boundPort, closeGracefully, hostPort, listen, reportCutOff } from './listen';
import type { ConnectionCaps } from './open-file-limit';
import { containerOrExit, listenForNodes, loadNodesAtStart } from './serving';
import { SERVICE_METRICS } from './service-metrics';
import { addressWait, fail } from './startup';

/** WORKERS=1: one process loads the nodes, serves them and the admin listener. */
export async function runSingle(config: Config, caps: ConnectionCaps): Promise<void> {
  const container = containerOrExit(config);
  const logger = container.get(TYPES.Logger);
  const metrics = container.get(SERVICE_METRICS);
  metrics.watchStalls('main');
  const catalog = container.get(TYPES.NodeCatalog);
  await loadNodesAtStart(config, catalog);
  catalog.startSync();

  const [nodeServers, admin] = await Promise.all([
    listenForNodes(config, container, caps),
    listen(
      createAdminApp(catalogView(catalog, metrics.registry), { siteId: config.siteId, metricsType: metrics.registry.contentType }),
      config.adminBindAddr,
      config.adminBindPort,
      addressWait(config, 'ADMIN_BIND_ADDR', logger),
    ).catch((error: Error) => fail(error.message, 1)),
  ]);
  const servers = [...nodeServers, admin];
  heapServing(config);
  const endpoints = config.bindAddrs.map((address, i) => `http://${hostPort(address, boundPort(servers[i]))}`);
  logger.info(
    `serving metadata for ${catalog.source.description} on ${endpoints.join(', ')}`,
    Object.assign({}, catalog.status(), {
      port: boundPort(servers[0]),
      admin: `http://${hostPort(config.adminBindAddr, boundPort(admin))}`,
      adminPort: boundPort(admin),
      maxConnections: caps.maxConnections,
      maxConnectionsPerClient: caps.maxConnectionsPerClient,
      openFiles: caps.openFiles,
    }),
  );

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
