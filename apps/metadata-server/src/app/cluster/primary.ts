import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Config } from '@ironic-metadata/config';
import { TYPES } from '@ironic-metadata/container';
import { TOKEN_KEY_MIN_BYTES } from '@ironic-metadata/metadata';
import type { NodeCatalog } from '@ironic-metadata/node-discovery';
import { AdminApp } from '../admin-app';
import { boundPort, closeGracefully, hostPort, listen, waitUntilBindable } from '../listen';
import { SERVICE_METRICS } from '../service-metrics';
import { addressWait, containerOrExit, fail, loadNodesAtStart } from '../startup';
import { ClusterMetrics } from './cluster-metrics';
import { isOurs, WORKER_ENV, type ToPrimary, type ToWorker } from './messages';
import { answerWorker, BroadcastingNodeSource } from './node-source-relay';

/** Workers get this long to finish their requests after SIGTERM before they are killed. */
const DRAIN_MS = 10_000;
/** A worker that dies sooner than this after it started is replaced after a pause, not at once. */
const CRASH_LOOP_MS = 5_000;

/**
 * The cluster's primary: the only process that talks to the node source (one scan per sync interval
 * for the whole service), hands what it loads to `workers` processes serving the nodes on the one
 * port (node:cluster), replaces a worker that dies, drains them all on SIGTERM, and serves the admin
 * listener for the whole service. It decodes no config drive: workers do, each for its own index.
 */
export async function runPrimary(config: Config, workers: number): Promise<void> {
  // The kernel hands connections to the workers that accept them. In node:cluster's round robin the
  // primary accepts and passes each connection on, and one passed to a worker that has just died
  // is never answered (seen in the cluster test: a client waiting 10 s after a worker was killed).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  // One message at a time per worker, each once the last was written: a fleet sent in pieces is then
  // never serialized whole at once (for each worker), and every worker gets messages in order.
  const queues = new Map<number, Promise<void>>();
  const send = (worker: Worker, message: ToWorker) => {
    const sent = (queues.get(worker.id) ?? Promise.resolve()).then(
      () => new Promise<void>((resolve) => (worker.isConnected() ? worker.send(message, undefined, () => resolve()) : resolve())),
    );
    queues.set(worker.id, sent);
  };
  const broadcast = (message: ToWorker) => {
    for (const worker of Object.values(cluster.workers ?? {})) if (worker?.isConnected()) send(worker, message);
  };
  let relay: BroadcastingNodeSource | undefined;
  const container = containerOrExit(config, {
    relayNodeSource: (source) => (relay = new BroadcastingNodeSource(source, broadcast)),
    configDrives: { decode: () => Promise.resolve(undefined), retain: () => undefined },
  });
  const logger = container.get(TYPES.Logger);
  const metrics = container.get(SERVICE_METRICS);
  metrics.watchEventLoop('primary');
  const catalog: NodeCatalog = container.get(TYPES.NodeCatalog);
  if (!relay) throw new Error('the node source was not built');
  const source = relay;
  await loadNodesAtStart(config, catalog);
  catalog.startSync();

  // Without a key file, one key for every worker, so that any of them verifies a token another issued.
  const tokenKey = config.imdsTokenKeyFile ? undefined : randomBytes(TOKEN_KEY_MIN_BYTES).toString('base64');
  const env = {
    [WORKER_ENV.source]: source.description,
    [WORKER_ENV.writable]: source.patchNode ? '1' : '0',
    ...(tokenKey ? { [WORKER_ENV.tokenKey]: tokenKey } : {}),
  };
  const serving = new Map<number, number>();
  const started = new Map<number, number>();
  let everServed = false;
  let stopping = false;
  const clusterMetrics = new ClusterMetrics(metrics.registry, () =>
    Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined),
  );

  const admin = await listen(
    container
      .get(AdminApp)
      .create(Date.now, { metrics: () => clusterMetrics.metrics(), workers: () => ({ serving: serving.size, wanted: workers }) }),
    config.adminBindAddr,
    config.adminBindPort,
    addressWait(config, 'ADMIN_BIND_ADDR', logger),
  ).catch((error: Error) => fail(error.message, 1));

  let announced = false;
  const announce = (port: number) => {
    if (announced || serving.size < workers) return;
    announced = true;
    const endpoints = config.bindAddrs.map((address) => `http://${hostPort(address, port)}`);
    logger.info(`serving metadata for ${catalog.source.description} on ${endpoints.join(', ')}`, {
      ...catalog.status(),
      workers,
      port,
      admin: `http://${hostPort(config.adminBindAddr, boundPort(admin))}`,
      adminPort: boundPort(admin),
    });
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isOurs<ToPrimary>(message)) return;
    switch (message.kind) {
      case 'ironic-metadata:hello':
        for (const welcome of source.welcome()) send(worker, welcome);
        break;
      case 'ironic-metadata:request':
        void answerWorker(catalog, message).then((reply) => send(worker, reply));
        break;
      case 'ironic-metadata:listening':
        serving.set(worker.id, message.port);
        everServed = true;
        announce(message.port);
        break;
      case 'ironic-metadata:metrics':
        clusterMetrics.receive(message);
        break;
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    serving.delete(worker.id);
    queues.delete(worker.id);
    if (stopping) return;
    // A worker that never served while none ever has (a bind address on no interface): it said why on stderr.
    if (!everServed) fail(`worker ${worker.id} stopped before serving (exit code ${code ?? signal}); see its message above`, 1);
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    logger.warn('a worker stopped; starting another', { worker: worker.id, code, signal });
    setTimeout(fork, lived < CRASH_LOOP_MS ? 1000 : 0);
  });
  // The nodes' addresses first (Docker adds them as the container starts): workers then bind once.
  const nodeWait = addressWait(config, 'BIND_ADDR', logger);
  await Promise.all(config.bindAddrs.map((address) => waitUntilBindable(address, config.bindPort, nodeWait))).catch((error: Error) =>
    fail(error.message, 1),
  );
  const fork = () => {
    if (stopping) return;
    const worker = cluster.fork(env);
    started.set(worker.id, Date.now());
  };
  for (let i = 0; i < workers; i++) fork();

  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading the node source and the lease file');
    broadcast({ kind: 'ironic-metadata:reload-leases' });
    catalog.refresh().catch(() => undefined);
  });
  const shutdown = (signal: string) => {
    logger.info(`${signal}: the workers finish requests in flight, then stop`);
    stopping = true;
    catalog.stopSync();
    const live = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
    const exited = live.map(
      (worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))),
    );
    for (const worker of live) worker.process.kill('SIGTERM');
    const deadline = setTimeout(() => live.forEach((worker) => worker.process.kill('SIGKILL')), DRAIN_MS + 2000);
    void Promise.all([...exited, closeGracefully([admin], DRAIN_MS)]).then(() => {
      clearTimeout(deadline);
      process.exit(0);
    });
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}
