import cluster from 'node:cluster';
import type { Config } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import { boundPort, closeGracefully } from '../listen';
import type { ConnectionCaps } from '../open-file-limit';
import { SERVICE_METRICS } from '../service-metrics';
import { containerOrExit, listenForNodes } from '../startup';
import { isOurs, WORKER_ENV, type ToPrimary, type ToWorker } from './messages';
import { RelayedNodeSource } from './node-source-relay';

/**
 * A cluster worker: serves the nodes on the shared port from the inventory the primary sends it,
 * decoding config drives and building its own index; it never calls the node source itself.
 */
export async function runWorker(config: Config, caps: ConnectionCaps): Promise<void> {
  const send = (message: ToPrimary) => process.send?.(message);
  const relay = new RelayedNodeSource(process.env[WORKER_ENV.source] ?? 'the node source', process.env[WORKER_ENV.writable] === '1', send);
  const tokenKey = process.env[WORKER_ENV.tokenKey];
  const container = containerOrExit(config, { nodeSource: relay, tokenKeys: tokenKey ? [Buffer.from(tokenKey, 'base64')] : undefined });
  const metrics = container.get(SERVICE_METRICS);
  metrics.watchEventLoop(`worker ${cluster.worker?.id ?? process.pid}`);
  const catalog = container.get(TYPES.NodeCatalog);
  process.on('message', (message: unknown) => {
    if (!isOurs<ToWorker>(message)) return;
    if (message.kind === 'ironic-metadata:reload-leases') container.get(TYPES.LeaseFile).current();
    else if (message.kind === 'ironic-metadata:metrics-request')
      void metrics.registry.getMetricsAsJSON().then((all) => send({ kind: 'ironic-metadata:metrics', id: message.id, metrics: all }));
    else relay.receive(message);
  });
  send({ kind: 'ironic-metadata:hello' });
  await relay.ready;
  await catalog.refresh().catch(() => undefined);
  relay.watch(() => void catalog.refresh().catch(() => undefined));

  // Bound once: a retry would ask node:cluster for a socket of its own (see waitUntilBindable); if
  // the address went away since the primary saw it, this worker exits and its replacement binds afresh.
  const servers = await listenForNodes(config, container, caps, false);
  send({ kind: 'ironic-metadata:listening', port: boundPort(servers[0]) });
  const shutdown = () => void closeGracefully(servers, 10_000).then(() => process.exit(0));
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  // SIGHUP goes to the primary, which tells the workers; one sent to a worker alone must not kill it.
  process.on('SIGHUP', () => container.get(TYPES.LeaseFile).current());
}
