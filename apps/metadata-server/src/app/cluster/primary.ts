import cluster, { type Worker } from 'node:cluster';
import { randomBytes } from 'node:crypto';
import type { Config } from '@ironic-metadata/config';
import { configuredLogger, nodeSourceSummary, readConfiguredFiles, siteFields } from '@ironic-metadata/container';
import { TOKEN_KEY_MIN_BYTES } from '@ironic-metadata/metadata';
import type { CatalogStatus } from '@ironic-metadata/node-discovery';
import { createAdminApp } from '../admin-app';
import { boundPort, closeGracefully, DRAIN_MS, hostPort, listen, waitUntilBindable } from '../listen';
import { ServiceMetrics } from '../service-metrics';
import { addressWait, fail, filesOrExit } from '../startup';
import { ClusterMetrics } from './cluster-metrics';
import { DRAIN_CUT_OFF_EXIT_CODE, isOurs, WORKER_ENV, type ToPrimary, type ToWorker } from './messages';
import { WorkerQuestions } from './worker-questions';

/** A worker that dies sooner than this after it started is replaced after a pause, not at once. */
const CRASH_LOOP_MS = 5_000;
/** How long /readyz waits for the workers to say how fresh their indexes are. */
const STATUS_WAIT_MS = 1_000;

/**
 * glibc's malloc (the Debian image's) returns memory to the kernel when it frees a block it mmapped,
 * or trims the top of its heap past a trim threshold. It mmaps only blocks above an mmap threshold,
 * and every mmapped block freed raises that threshold to its size (up to 32 MiB) and the trim
 * threshold to twice that (mallopt(3)): after the buffers of a load (Ironic's pages, the fleet's
 * pieces), blocks that size come from its heap and stay resident. Set in a worker's environment, the
 * mmap threshold stays at 128 KiB and the trim threshold at its default, 128 KiB: at 10,000 nodes the
 * service's peak RSS (VmHWM summed over its processes) was 445-450 MiB against 463-466, its PSS
 * 309-311 against 331-333, at the same requests a second (tools/bench, two rounds). An operator's own
 * value wins, and so does `glibc.malloc.mmap_threshold` in GLIBC_TUNABLES, which glibc reads first;
 * an empty one (which glibc reads as 0: a mmap for every block) does not.
 */
const MALLOC_TUNING: Record<string, string> = process.env['MALLOC_MMAP_THRESHOLD_'] ? {} : { MALLOC_MMAP_THRESHOLD_: String(128 * 1024) };

/** A relay's request as the syncer was asked it, answered with an error should the syncer die first. */
type Forwarded = { from: number; id: number };

/**
 * The cluster's primary: forks `workers` processes serving the nodes on the one port (node:cluster),
 * one of them the syncer, the only process that talks to the node source (one scan per sync
 * interval for the whole service); passes the syncer's changes on to the other workers and their
 * requests to it; replaces a worker that dies; drains them all on SIGTERM; and serves the admin
 * listener for the whole service. It holds no node itself: every node it held was a third copy of
 * the fleet beside the two workers' (tools/bench).
 */
export async function runPrimary(config: Config, workers: number): Promise<void> {
  // The kernel hands connections to the workers that accept them. In node:cluster's round robin the
  // primary accepts and passes each connection on, and one passed to a worker that has just died
  // is never answered (seen in the cluster test: a client waiting 10 s after a worker was killed).
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  // One message at a time per worker, each once the last was written, and none before the worker
  // said hello (until then it has no listener, and a message would be lost): a fleet sent in pieces
  // is then never serialized whole at once, and every worker gets messages in order.
  const queues = new Map<number, Promise<void>>();
  const awaitingHello = new Map<number, () => void>();
  const send = (worker: Worker, message: ToWorker): Promise<void> => {
    const sent = (queues.get(worker.id) ?? Promise.resolve()).then(
      () => new Promise<void>((resolve) => (worker.isConnected() ? worker.send(message, undefined, () => resolve()) : resolve())),
    );
    queues.set(worker.id, sent);
    return sent;
  };
  const live = () => Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined);
  // Before its hello a worker has no listener for questions: asking it would hold the admin
  // listener's answer until it had one, or until the wait ran out. (Of these, WorkerQuestions asks
  // only the connected ones.)
  const greeted = () => live().filter((worker) => !awaitingHello.has(worker.id));
  let syncer: Worker | undefined;
  const relays = () => live().filter((worker) => worker !== syncer && worker.isConnected());

  // No container: the workers build theirs. The primary names the source but never loads it, and
  // checks the files the settings name before it starts a worker, which would stop on a bad one.
  filesOrExit(() => readConfiguredFiles(config));
  const logger = configuredLogger(config);
  const metrics = new ServiceMetrics(siteFields(config));
  metrics.watchStalls('primary');
  const source = nodeSourceSummary(config);

  // Without a key file, one key for every worker, so that any of them verifies a token another issued.
  const tokenKey = config.imdsTokenKeyFile ? undefined : randomBytes(TOKEN_KEY_MIN_BYTES).toString('base64');
  const env = {
    [WORKER_ENV.source]: source.description,
    [WORKER_ENV.writable]: source.writable ? '1' : '0',
    ...(tokenKey ? { [WORKER_ENV.tokenKey]: tokenKey } : {}),
    ...MALLOC_TUNING,
  };
  const serving = new Map<number, number>();
  const started = new Map<number, number>();
  /** Relays forked after the syncer sent its whole inventory: they need it again (a resync). */
  const lateRelays = new Set<number>();
  /** The syncer has sent its whole inventory since it started. */
  let fleetSent = false;
  /** Some syncer has: a worker started from now on replaces one that served. */
  let fleetEverSent = false;
  const forwarded = new Map<string, Forwarded>();
  const statuses = new WorkerQuestions<CatalogStatus>(STATUS_WAIT_MS);
  let everServed = false;
  /** A syncer loaded the nodes at its start and served: later ones that cannot are replaced, not fatal. */
  let syncerServed = false;
  let stopping = false;
  const clusterMetrics = new ClusterMetrics(metrics.registry, greeted);

  /**
   * The syncer's status while its index is usable (its `loadedAt` is the service's last sync), else
   * the freshest usable index among the serving workers, else the syncer's status: the service is
   * ready while any worker serves a usable index, also while its syncer is being replaced. Workers
   * that do not answer within STATUS_WAIT_MS, or die first, are left out; undefined when none answers.
   */
  const serviceStatus = async (): Promise<CatalogStatus | undefined> => {
    const asked = greeted().filter((worker) => serving.has(worker.id) || worker === syncer);
    const answers = await statuses.ask(asked, (worker, id) => void send(worker, { kind: 'ironic-metadata:status-request', id }));
    const syncers = syncer ? answers.get(syncer) : undefined;
    const answered = asked.flatMap((worker) => answers.get(worker) ?? []);
    const usable = answered.filter((status) => status.usable).sort((a, b) => (a.ageSeconds ?? Infinity) - (b.ageSeconds ?? Infinity));
    return (syncers?.usable ? syncers : usable[0]) ?? syncers ?? answered[0];
  };

  const admin = await listen(
    createAdminApp(
      {
        source: source.description,
        metrics: () => clusterMetrics.metrics(),
        workers: () => ({ serving: serving.size, wanted: workers }),
        status: serviceStatus,
      },
      { siteId: config.siteId, metricsType: metrics.registry.contentType },
    ),
    config.adminBindAddr,
    config.adminBindPort,
    addressWait(config, 'ADMIN_BIND_ADDR', logger),
  ).catch((error: Error) => fail(error.message, 1));

  let announced = false;
  const announce = (port: number) => {
    if (announced || serving.size < workers) return;
    announced = true;
    const endpoints = config.bindAddrs.map((address) => `http://${hostPort(address, port)}`);
    logger.info(`serving metadata for ${source.description} on ${endpoints.join(', ')}`, {
      workers,
      port,
      admin: `http://${hostPort(config.adminBindAddr, boundPort(admin))}`,
      adminPort: boundPort(admin),
    });
  };

  /** A relay's request the syncer cannot answer (there is none now, or it died): an error the relay reports. */
  const unanswered = (to: number, id: number) => {
    const worker = cluster.workers?.[to];
    if (worker) send(worker, { kind: 'ironic-metadata:reply', id, error: 'the worker that syncs the nodes is restarting; try again' });
  };

  cluster.on('message', (worker, message: unknown) => {
    if (!isOurs<ToPrimary>(message)) return;
    switch (message.kind) {
      case 'ironic-metadata:hello':
        awaitingHello.get(worker.id)?.();
        awaitingHello.delete(worker.id);
        if (lateRelays.delete(worker.id) && syncer) send(syncer, { kind: 'ironic-metadata:resync' });
        break;
      case 'ironic-metadata:request':
        if (!syncer?.isConnected()) unanswered(worker.id, message.id);
        else {
          forwarded.set(`${worker.id} ${message.id}`, { from: worker.id, id: message.id });
          send(syncer, Object.assign({}, message, { from: worker.id }));
        }
        break;
      case 'ironic-metadata:broadcast':
        if (worker !== syncer) break;
        if (message.message.kind === 'ironic-metadata:inventory' && message.message.reset) fleetSent = fleetEverSent = true;
        // Acknowledged once written to every relay: the syncer sends the next piece only then, so that
        // this process never holds more than one piece of a fleet, however slowly a relay reads.
        void Promise.all(relays().map((relay) => send(relay, message.message))).then(() =>
          send(worker, { kind: 'ironic-metadata:relayed' }),
        );
        break;
      case 'ironic-metadata:answer': {
        forwarded.delete(`${message.to} ${message.message.id}`);
        const relay = cluster.workers?.[message.to];
        if (relay) send(relay, message.message);
        break;
      }
      case 'ironic-metadata:status':
        statuses.answer(worker, message.id, message.status);
        break;
      case 'ironic-metadata:listening':
        serving.set(worker.id, message.port);
        everServed = true;
        if (worker === syncer) syncerServed = true;
        announce(message.port);
        break;
      case 'ironic-metadata:metrics':
        clusterMetrics.receive(worker, message);
        break;
    }
  });
  cluster.on('disconnect', (worker) => {
    statuses.gone(worker);
    clusterMetrics.gone(worker);
  });
  cluster.on('exit', (worker, code, signal) => {
    const wasServing = serving.delete(worker.id);
    // What was held for it goes nowhere now, and is done: a broadcast waiting on it is acknowledged.
    awaitingHello.get(worker.id)?.();
    awaitingHello.delete(worker.id);
    queues.delete(worker.id);
    lateRelays.delete(worker.id);
    const wasSyncer = worker === syncer;
    if (wasSyncer) {
      syncer = undefined;
      fleetSent = false;
      // The next syncer's first inventory replaces every relay's: none needs a resync for it, and a
      // relay that got part of a whole inventory from this one keeps serving the last it had whole.
      lateRelays.clear();
      for (const relay of relays()) send(relay, { kind: 'ironic-metadata:syncer-lost' });
      for (const [key, request] of forwarded) {
        forwarded.delete(key);
        unanswered(request.from, request.id);
      }
    }
    const fields = { worker: worker.id, role: wasSyncer ? 'syncer' : 'relay', code, signal };
    if (stopping) {
      // A worker drains, then exits 0; DRAIN_CUT_OFF_EXIT_CODE when its deadline closed requests (it said how many).
      if (!wasServing) return;
      if (code === 0) logger.info('a worker finished its requests in flight and stopped', fields);
      else if (code === DRAIN_CUT_OFF_EXIT_CODE)
        logger.warn('a worker stopped with requests in flight cut off at its drain deadline', fields);
      else logger.warn('a worker stopped before it finished its requests in flight (killed, or crashed); they were cut off', fields);
      return;
    }
    // A syncer that could not start while none ever served (a broken inventory file), or any worker
    // while none served: it said why on stderr. Exit 2 is the operator's to fix, as for a single process.
    if (wasSyncer && code === 2 && !syncerServed) process.exit(2);
    if (!everServed) fail(`worker ${worker.id} stopped before serving (exit code ${code ?? signal}); see its message above`, 1);
    const lived = Date.now() - (started.get(worker.id) ?? 0);
    started.delete(worker.id);
    logger.warn('a worker stopped; starting another', fields);
    setTimeout(() => fork(wasSyncer), lived < CRASH_LOOP_MS ? 1000 : 0);
  });
  // The nodes' addresses first (Docker adds them as the container starts): workers then bind once.
  const nodeWait = addressWait(config, 'BIND_ADDR', logger);
  await Promise.all(config.bindAddrs.map((address) => waitUntilBindable(address, config.bindPort, nodeWait))).catch((error: Error) =>
    fail(error.message, 1),
  );
  // A new syncer's first inventory replaces every relay's: a relay forked before it needs nothing more.
  const fork = (asSyncer: boolean) => {
    if (stopping) return;
    const worker = cluster.fork(
      Object.assign({}, env, { [WORKER_ENV.role]: asSyncer ? 'syncer' : 'relay' }, fleetEverSent ? { [WORKER_ENV.late]: '1' } : {}),
    );
    started.set(worker.id, Date.now());
    queues.set(worker.id, new Promise((resolve) => awaitingHello.set(worker.id, resolve)));
    if (asSyncer) syncer = worker;
    else if (fleetSent) lateRelays.add(worker.id);
  };
  for (let i = 0; i < workers; i++) fork(i === 0);

  process.on('SIGHUP', () => {
    logger.info('SIGHUP: reloading the node source and the lease file');
    for (const worker of live()) send(worker, { kind: 'ironic-metadata:reload-leases' });
  });
  const shutdown = (signal: string) => {
    // Told again (a second kill, Ctrl-C twice): the drain under way goes on, bounded by its deadline.
    if (stopping) return;
    logger.info(`${signal}: the workers finish requests in flight, then stop`);
    stopping = true;
    const running = live();
    const exited = running.map(
      (worker) => new Promise<void>((resolve) => (worker.isDead() ? resolve() : worker.once('exit', () => resolve()))),
    );
    for (const worker of running) worker.process.kill('SIGTERM');
    // The workers' own drain deadline, and a little longer for them to exit after it.
    const killAfterMs = DRAIN_MS + 2000;
    const deadline = setTimeout(() => {
      const stuck = running.filter((worker) => !worker.isDead());
      if (stuck.length > 0)
        logger.warn(`workers not stopped ${killAfterMs / 1000} s after ${signal}; killing them`, {
          workers: stuck.map((worker) => worker.id),
        });
      stuck.forEach((worker) => worker.process.kill('SIGKILL'));
    }, killAfterMs);
    void Promise.all([...exited, closeGracefully([admin])]).then(() => {
      clearTimeout(deadline);
      process.exit(0);
    });
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
