import cluster from 'node:cluster';
import type { Config } from '@ironic-metadata/config';
import type { IronicNode } from '@ironic-metadata/ironic-model';
import { TYPES } from '@ironic-metadata/container';
import type { Container } from 'inversify';
import { heapServing } from '../heap-tuning';
import { boundPort, closeGracefully, reportCutOff } from '../listen';
import type { ConnectionCaps } from '../open-file-limit';
import { SERVICE_METRICS } from '../service-metrics';
import { containerOrExit, listenForNodes, loadNodesAtStart } from '../serving';
import { DRAIN_CUT_OFF_EXIT_CODE, isOurs, WORKER_ENV, type ToPrimary, type ToWorker } from './messages';
import { answerWorker, BroadcastingNodeSource, RelayedNodeSource, RelayedOneAtATime } from './node-source-relay';

/**
 * Sends to the primary one message at a time, each once the last was written: a fleet sent in
 * pieces is then never serialized whole at once, and the primary gets every message in order.
 */
function orderedSender(): (message: ToPrimary) => void {
  let last = Promise.resolve();
  return (message) => {
    last = last.then(
      () => new Promise<void>((resolve) => (process.send ? process.send(message, undefined, undefined, () => resolve()) : resolve())),
    );
  };
}

/**
 * A cluster worker: serves the nodes on the shared port, decoding config drives and building its own
 * index. The syncer (`WORKER_ENV.role`) also loads the nodes from the source and sends every change,
 * through the primary, to the relays, which never call the source themselves.
 */
export async function runWorker(config: Config, caps: ConnectionCaps): Promise<void> {
  // Once the primary is gone (it exits when start-up fails), what node:cluster sends for this worker,
  // such as the request for its listening socket, fails with EPIPE. Nothing is left to serve: leave
  // as node:cluster does when the primary disconnects, without an unhandled 'error' beside the
  // primary's one line (seen in the start-up test, a worker reaching its listen as the primary quit).
  cluster.worker?.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_IPC_CHANNEL_CLOSED') process.exit(0);
    throw error;
  });
  const send = orderedSender();
  const syncer = process.env[WORKER_ENV.role] === 'syncer';
  const late = process.env[WORKER_ENV.late] === '1';
  const tokenKey = process.env[WORKER_ENV.tokenKey];
  const tokenKeys = tokenKey ? [Buffer.from(tokenKey, 'base64')] : undefined;
  let serve: () => Promise<void>;
  let container: Container;
  let receive: (message: ToWorker) => void;
  // Messages arrive once this worker said hello, after the container is built.
  const decodeDrive = (node: IronicNode) => container.get(TYPES.ConfigDriveCache).decode(node);
  if (syncer) {
    let built: BroadcastingNodeSource | undefined;
    const broadcasts = new RelayedOneAtATime(send);
    container = containerOrExit(config, {
      tokenKeys,
      relayNodeSource: (inner) => (built = new BroadcastingNodeSource(inner, broadcasts.broadcast, decodeDrive)),
    });
    const catalog = container.get(TYPES.NodeCatalog);
    const source = built;
    if (!source) throw new Error('the node source was not built');
    receive = (message) => {
      switch (message.kind) {
        case 'ironic-metadata:request':
          void answerWorker(catalog, message).then((reply) => send({ kind: 'ironic-metadata:answer', to: message.from, message: reply }));
          break;
        case 'ironic-metadata:resync':
          source.resync();
          // A load already in flight began before the resync: the one after it reads anew.
          void catalog
            .refresh()
            .catch(() => undefined)
            .then(() => (source.resyncPending ? catalog.refresh() : undefined))
            .catch(() => undefined);
          break;
        case 'ironic-metadata:relayed':
          broadcasts.relayed();
          break;
      }
    };
    serve = async () => {
      await loadNodesAtStart(config, catalog);
      catalog.startSync();
      // A replacement syncer serves once it has loaded the nodes, not an empty index while the relays
      // serve theirs (the source may be down now: startSync retries).
      if (late && !catalog.current()) await new Promise<void>((resolve) => catalog.onIndex(() => resolve()));
    };
  } else {
    const relay = new RelayedNodeSource(
      process.env[WORKER_ENV.source] ?? 'the node source',
      process.env[WORKER_ENV.writable] === '1',
      send,
      late,
      decodeDrive,
    );
    container = containerOrExit(config, { nodeSource: relay, tokenKeys });
    const catalog = container.get(TYPES.NodeCatalog);
    receive = (message) => relay.receive(message);
    serve = async () => {
      await relay.ready;
      // A relay's failed load is the syncer's, which logged it once for the service.
      const refresh = () => catalog.refresh({ logFailure: false }).catch(() => undefined);
      await refresh();
      relay.watch(() => void refresh());
    };
  }
  const metrics = container.get(SERVICE_METRICS);
  metrics.watchStalls(`worker ${cluster.worker?.id ?? process.pid}`);
  process.on('message', (message: unknown) => {
    if (!isOurs<ToWorker>(message)) return;
    if (message.kind === 'ironic-metadata:reload-leases') {
      container.get(TYPES.LeaseFile).current();
      if (syncer)
        void container
          .get(TYPES.NodeCatalog)
          .refresh()
          .catch(() => undefined);
    } else if (message.kind === 'ironic-metadata:status-request')
      send({ kind: 'ironic-metadata:status', id: message.id, status: container.get(TYPES.NodeCatalog).status() });
    else if (message.kind === 'ironic-metadata:metrics-request')
      void metrics.registry.getMetricsAsJSON().then((all) => send({ kind: 'ironic-metadata:metrics', id: message.id, metrics: all }));
    else receive(message);
  });
  send({ kind: 'ironic-metadata:hello' });
  await serve();

  // Bound once: a retry would ask node:cluster for a socket of its own (see waitUntilBindable); if
  // the address went away since the primary saw it, this worker exits and its replacement binds afresh.
  const servers = await listenForNodes(config, container, caps, false);
  send({ kind: 'ironic-metadata:listening', port: boundPort(servers[0]) });
  heapServing(config);
  let stopping = false;
  const shutdown = () => {
    // A SIGTERM to every process of the service (systemd's stop with its default KillMode) reaches
    // this one twice: itself, and as the primary passes it on. The second must not end the drain the
    // first began, as the default action would once a one-time listener is spent.
    if (stopping) return;
    stopping = true;
    if (syncer) container.get(TYPES.NodeCatalog).stopSync();
    void closeGracefully(servers).then((cutOff) => {
      reportCutOff(container.get(TYPES.Logger), cutOff);
      process.exit(cutOff > 0 ? DRAIN_CUT_OFF_EXIT_CODE : 0);
    });
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // SIGHUP goes to the primary, which tells the workers; one sent to a worker alone must not kill it.
  process.on('SIGHUP', () => container.get(TYPES.LeaseFile).current());
}
