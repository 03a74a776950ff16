import 'reflect-metadata';
import { CidrList, settingsToCheck, type Config } from '@ironic-metadata/config';
import type { Logger } from '@ironic-metadata/logging';
import {
  AllowedClients,
  ClientMacCheck,
  ClientRateLimiter,
  DynamicVendorData,
  MetadataResponder,
  MetadataService,
  SessionTokens,
  type LookupMetrics,
  type RefusedClientMetrics,
  type ResponderMetrics,
} from '@ironic-metadata/metadata';
import { IronicClient, type ExchangeEvent, type IronicTlsOptions } from '@ironic-metadata/ironic-client';
import {
  ConfigDriveCache,
  FileNodeSource,
  httpConfigDriveFetcher,
  IronicNodeSource,
  LeaseFile,
  NeighbourTable,
  NodeCatalog,
  type NodeSource,
} from '@ironic-metadata/node-discovery';
import { Container } from 'inversify';
import { configuredLogger } from './configured-logger';
import { readConfiguredFiles } from './configured-files';
import { ironicEndpointName, ironicNodeFilters } from './node-source-summary';
import { TYPES } from './types';

export interface ContainerOverrides {
  /** Replaces the logger built from the config (the CLI logs to stderr, tests capture it). */
  logger?: Logger;
  /** Replaces the node source the config selects. */
  nodeSource?: NodeSource;
  /** Wraps the node source (a cluster's syncing worker passes what it loads on to the other workers; the CLI keeps a node's stored drive). */
  relayNodeSource?: (source: NodeSource) => NodeSource;
  /** IMDSv2 token keys when IMDS_TOKEN_KEY_FILE is unset: one key the cluster's primary made for all its workers. */
  tokenKeys?: Buffer[];
  /** Where the wiring counts what it sees; without it nothing is counted (the CLI). */
  metrics?: ContainerMetrics;
}

/** Everything the wired libraries count, and the catalog and Ironic client to watch (the server's ServiceMetrics). */
export interface ContainerMetrics extends ResponderMetrics, LookupMetrics, RefusedClientMetrics {
  watchCatalog(catalog: NodeCatalog): void;
  ironicExchange(event: ExchangeEvent): void;
}

/**
 * The one wiring of the libraries, used by the server and the CLI alike. Throws VendorDataError for
 * a VENDOR_DATA_FILE that cannot be used, TokenKeyFileError for such an IMDS_TOKEN_KEY_FILE, ConfigError
 * for a TLS file (OS_CACERT, OS_CERT, OS_KEY) that cannot be read.
 */
export function buildContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TYPES.Config).toConstantValue(config);
  const logger = overrides.logger ?? configuredLogger(config);
  const { dynamicTargets, dynamicTimeoutSeconds, dynamicFailureFatal } = config.vendorData;
  const files = readConfiguredFiles(config);
  const dynamicVendorData =
    dynamicTargets.length > 0
      ? new DynamicVendorData({ targets: dynamicTargets, timeoutSeconds: dynamicTimeoutSeconds, failureFatal: dynamicFailureFatal }, logger)
      : undefined;
  const metrics = overrides.metrics;
  if (dynamicVendorData) container.bind(TYPES.DynamicVendorData).toConstantValue(dynamicVendorData);
  container.bind(TYPES.Logger).toConstantValue(logger);
  container.bind(TYPES.TrustedProxies).toConstantValue(new CidrList(config.trustedProxies));
  container.bind(TYPES.AllowedClients).toConstantValue(new AllowedClients(new CidrList(config.allowedClients), logger, metrics));
  const { source, client } = nodeSourceFor(config, files.ironicTls, logger, metrics);
  if (client) container.bind(TYPES.IronicClient).toConstantValue(client);
  const chosen = overrides.nodeSource ?? source;
  container.bind(TYPES.NodeSource).toConstantValue(overrides.relayNodeSource ? overrides.relayNodeSource(chosen) : chosen);
  container.bind(TYPES.ConfigDriveCache).toConstantValue(new ConfigDriveCache({ fetcher: httpConfigDriveFetcher }));
  container.bind(TYPES.NodeCatalog).toResolvedValue(
    (source: NodeSource, cache: Pick<ConfigDriveCache, 'decode' | 'retain'>, logger: Logger) => {
      const catalog = new NodeCatalog(
        source,
        cache,
        {
          matchNodeName: config.matchNodeName,
          syncIntervalSeconds: config.syncIntervalSeconds,
          staleBudgetSeconds: config.staleBudgetSeconds,
          advise: settingsToCheck,
        },
        logger,
      );
      metrics?.watchCatalog(catalog);
      return catalog;
    },
    [TYPES.NodeSource, TYPES.ConfigDriveCache, TYPES.Logger],
  );
  container.bind(TYPES.LeaseFile).toResolvedValue((logger: Logger) => new LeaseFile(config.leaseFile, logger), [TYPES.Logger]);
  container.bind(TYPES.MetadataService).toResolvedValue(
    (catalog: NodeCatalog, leases: LeaseFile, logger: Logger) =>
      new MetadataService(
        catalog,
        leases,
        {
          defaultAvailabilityZone: config.defaultAvailabilityZone,
          region: config.region,
          vendorData: files.staticVendorData,
          metrics,
          migrateLegacyPasswords: config.passwordWrite,
          clientMacCheck: config.verifyClientMac ? new ClientMacCheck(new NeighbourTable(), logger) : undefined,
        },
        logger,
      ),
    [TYPES.NodeCatalog, TYPES.LeaseFile, TYPES.Logger],
  );
  const tokens = files.tokenKeys ? new SessionTokens(files.tokenKeys) : new SessionTokens(overrides.tokenKeys ?? [], Date.now, false);
  container.bind(TYPES.SessionTokens).toConstantValue(tokens);
  container.bind(TYPES.MetadataResponder).toResolvedValue(
    (service: MetadataService, tokens: SessionTokens, logger: Logger) =>
      new MetadataResponder(
        service,
        tokens,
        {
          imdsTokenRequired: config.imdsTokenRequired,
          passwordWrite: config.passwordWrite,
          dynamicVendorData,
          proxySharedSecret: config.proxySharedSecret,
          rateLimiter: new ClientRateLimiter(config.rateLimitPerClient),
          metrics,
        },
        logger,
      ),
    [TYPES.MetadataService, TYPES.SessionTokens, TYPES.Logger],
  );
  return container;
}

/** The node source the config selects and, for Ironic, the one client everything else shares. */
function nodeSourceFor(
  config: Config,
  tls: IronicTlsOptions | undefined,
  logger: Logger,
  metrics: ContainerMetrics | undefined,
): { source: NodeSource; client?: IronicClient } {
  const source = config.source;
  if (source.kind === 'file') return { source: new FileNodeSource(source.path) };
  const client = new IronicClient({
    endpoint: source.url,
    auth: source.auth,
    tls,
    logger,
    pageSize: source.pageSize,
    observer: metrics && ((event) => metrics.ironicExchange(event)),
  });
  return {
    client,
    source: new IronicNodeSource(client, ironicEndpointName(source), logger, {
      pageSize: source.pageSize,
      filters: ironicNodeFilters(source),
    }),
  };
}
