import type { RouteFamily } from '@ironic-metadata/formatters';
import type { ExchangeEvent } from '@ironic-metadata/ironic-client';
import type { ContainerMetrics } from '@ironic-metadata/container';
import type { TokenCheck } from '@ironic-metadata/metadata';
import type { NodeCatalog } from '@ironic-metadata/node-discovery';
import type { ServiceIdentifier } from 'inversify';
import {
  constants,
  monitorEventLoopDelay,
  PerformanceObserver,
  type NodeGCPerformanceDetail,
  type PerformanceEntry,
} from 'node:perf_hooks';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Node's names for V8's collections (perf_hooks `gc` entries' `detail.kind`). */
const GC_KINDS = new Map([
  [constants.NODE_PERFORMANCE_GC_MINOR, 'minor'],
  [constants.NODE_PERFORMANCE_GC_MAJOR, 'major'],
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL, 'incremental'],
  [constants.NODE_PERFORMANCE_GC_WEAKCB, 'weakcb'],
]);

/** Why a connection to the nodes' listener was refused or closed before it was answered. */
export type ConnectionRefusal = 'client-limit' | 'total-limit' | 'evicted' | 'request-timeout';

/**
 * The service's Prometheus metrics, in a registry of their own (no process-global state): requests
 * by route family and status with latency, matches by method, the index's size and age, Ironic call
 * latency and errors, cache hits, and what was refused or not believed (forged forwarding headers,
 * bad proxy signatures, bad tokens, clients outside ALLOWED_CLIENTS, rate-limited requests).
 */
export class ServiceMetrics implements ContainerMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'metadata_requests_total',
    help: 'Metadata requests answered, by route family and status.',
    labelNames: ['family', 'status'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'metadata_request_duration_seconds',
    help: 'Time to answer a metadata request, by route family.',
    labelNames: ['family'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [this.registry],
  });
  private readonly matches = new Counter({
    name: 'metadata_node_matches_total',
    help: 'Clients matched to a node, by matching method.',
    labelNames: ['method'],
    registers: [this.registry],
  });
  private readonly ironicLatency = new Histogram({
    name: 'metadata_ironic_request_duration_seconds',
    help: 'Requests to Ironic (retries included), by method and outcome.',
    labelNames: ['method', 'outcome'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly ironicErrors = new Counter({
    name: 'metadata_ironic_errors_total',
    help: 'Failed requests to Ironic, by error.',
    labelNames: ['error'],
    registers: [this.registry],
  });
  private readonly cache = new Counter({
    name: 'metadata_cache_lookups_total',
    help: 'Lookups of built instance metadata, by result.',
    labelNames: ['result'],
    registers: [this.registry],
  });
  private readonly forgedForwardingHeaders = new Counter({
    name: 'metadata_forged_forwarding_headers_total',
    help: "Requests whose X-Forwarded-For or X-Real-IP was not believed: sent by a peer outside TRUSTED_PROXIES, or entries the client put ahead of a trusted proxy's.",
    registers: [this.registry],
  });
  private readonly badProxySignatures = new Counter({
    name: 'metadata_bad_proxy_signatures_total',
    help: 'Proxied requests refused for an invalid X-Instance-ID-Signature.',
    registers: [this.registry],
  });
  private readonly badTokens = new Counter({
    name: 'metadata_bad_tokens_total',
    help: "EC2 requests refused for their IMDSv2 session token, by reason (invalid: forged, altered or another client's).",
    labelNames: ['reason'],
    registers: [this.registry],
  });
  private readonly refusedClients = new Counter({
    name: 'metadata_refused_clients_total',
    help: 'Requests refused because the client is outside ALLOWED_CLIENTS.',
    registers: [this.registry],
  });
  private readonly rateLimitedRequests = new Counter({
    name: 'metadata_rate_limited_requests_total',
    help: 'Requests refused with 429 because their client exceeded RATE_LIMIT_PER_CLIENT.',
    registers: [this.registry],
  });
  private readonly connectionsRefused = new Counter({
    name: 'metadata_connections_refused_total',
    help: 'Connections refused or closed unanswered to keep descriptors for every client, by reason.',
    labelNames: ['reason'],
    registers: [this.registry],
  });

  /** `labels` go on every metric, e.g. `{ site: 'dc1' }` (SITE_ID). */
  constructor(labels?: Record<string, string>) {
    if (labels) this.registry.setDefaultLabels(labels);
  }

  /** Index gauges are read from the catalog when scraped, so they are never stale. */
  watchCatalog(catalog: NodeCatalog): void {
    new Gauge({
      name: 'metadata_index_nodes',
      help: 'Nodes in the in-memory index.',
      registers: [this.registry],
      // Every process of a cluster holds the index: the service's figure is theirs, not their sum.
      aggregator: 'max',
      collect() {
        this.set(catalog.status().nodes);
      },
    });
    new Gauge({
      name: 'metadata_index_age_seconds',
      help: 'Seconds since the index was last loaded from the source (-1 before the first load).',
      registers: [this.registry],
      aggregator: 'max',
      collect() {
        this.set(catalog.status().ageSeconds ?? -1);
      },
    });
  }

  /**
   * What stalls this process, labelled with `processName` so that each process of a cluster has its
   * own series: the event loop's delay (perf_hooks.monitorEventLoopDelay, sampled every 10 ms) since
   * the last scrape, as its 99th percentile and maximum in seconds, and V8's garbage collections
   * (perf_hooks `gc` entries) as their longest pause by kind since the last scrape and their pauses'
   * total by kind. A stall (a collection, an index rebuild) shows here before it shows in request
   * latency, and a delay without a pause as long is not the collector's.
   */
  watchStalls(processName: string): void {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const labels = { process: processName };
    /** The longest pause of each kind in this window, ms; a kind seen once keeps its series, 0 in a window without one. */
    const longestPauseMs = new Map<string, number>();
    const pauses = new Counter({
      name: 'metadata_gc_pause_seconds_total',
      help: "Time the process stood still for V8's garbage collector, by kind (minor, major, incremental, weakcb).",
      labelNames: ['process', 'kind'],
      registers: [this.registry],
    });
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        const kind = GC_KINDS.get((entry as PerformanceEntry & { detail?: NodeGCPerformanceDetail }).detail?.kind ?? -1) ?? 'other';
        pauses.inc(Object.assign({}, labels, { kind }), entry.duration / 1000);
        longestPauseMs.set(kind, Math.max(longestPauseMs.get(kind) ?? 0, entry.duration));
      }
    }).observe({ entryTypes: ['gc'] });
    // Registered after the p99, which is read first and sets the other figures of one window, then starts the next.
    const max = new Gauge({
      name: 'metadata_event_loop_delay_max_seconds',
      help: "The event loop's longest delay since the last scrape, per process.",
      labelNames: ['process'],
      registers: [],
    });
    const longestPause = new Gauge({
      name: 'metadata_gc_pause_max_seconds',
      help: "The garbage collector's longest pause since the last scrape, per process and kind.",
      labelNames: ['process', 'kind'],
      registers: [],
    });
    new Gauge({
      name: 'metadata_event_loop_delay_p99_seconds',
      help: "The event loop's delay since the last scrape, 99th percentile, per process.",
      labelNames: ['process'],
      registers: [this.registry],
      collect() {
        this.set(labels, delay.percentile(99) / 1e9);
        max.set(labels, delay.max / 1e9);
        for (const [kind, ms] of longestPauseMs) {
          longestPause.set(Object.assign({}, labels, { kind }), ms / 1000);
          longestPauseMs.set(kind, 0);
        }
        delay.reset();
      },
    });
    this.registry.registerMetric(max);
    this.registry.registerMetric(longestPause);
  }

  request(family: RouteFamily, status: number, seconds: number): void {
    this.requests.inc({ family, status: String(status) });
    this.latency.observe({ family }, seconds);
  }

  match(method: string): void {
    this.matches.inc({ method });
  }

  cacheLookup(hit: boolean): void {
    this.cache.inc({ result: hit ? 'hit' : 'miss' });
  }

  /** Connection gauges, read from the listeners' guard when scraped. */
  watchConnections(read: () => { open: number; mostFromOneClient: number }): void {
    new Gauge({
      name: 'metadata_connections_open',
      help: "Connections open to the nodes' listeners.",
      registers: [this.registry],
      collect() {
        this.set(read().open);
      },
    });
    new Gauge({
      name: 'metadata_connections_most_from_one_client',
      help: 'The most connections any one client address holds now (trusted proxies included).',
      registers: [this.registry],
      collect() {
        this.set(read().mostFromOneClient);
      },
    });
  }

  connectionRefused(reason: ConnectionRefusal): void {
    this.connectionsRefused.inc({ reason });
  }

  forgedForwarding(): void {
    this.forgedForwardingHeaders.inc();
  }

  badProxySignature(): void {
    this.badProxySignatures.inc();
  }

  badToken(reason: Exclude<TokenCheck, 'valid'>): void {
    this.badTokens.inc({ reason });
  }

  refusedClient(): void {
    this.refusedClients.inc();
  }

  rateLimited(): void {
    this.rateLimitedRequests.inc();
  }

  ironicExchange(event: ExchangeEvent): void {
    this.ironicLatency.observe({ method: event.method, outcome: event.error ? 'error' : 'ok' }, event.durationMs / 1000);
    if (event.error) this.ironicErrors.inc({ error: event.error });
  }
}

/** The container's token for the server's metrics (the CLI keeps none). */
export const SERVICE_METRICS = Symbol.for('ServiceMetrics') as ServiceIdentifier<ServiceMetrics>;
