import 'reflect-metadata';
import type { Config } from '@ironic-metadata/config';
import { createLogger, type Logger } from '@ironic-metadata/logging';
import { MetadataResponder, MetadataService, SessionTokens } from '@ironic-metadata/metadata';
import { ConfigDriveCache, FileNodeSource, LeaseFile, NodeCatalog, type NodeSource } from '@ironic-metadata/node-discovery';
import { Container } from 'inversify';
import { TYPES } from './types';

export interface ContainerOverrides {
  /** Replaces the logger built from the config (the CLI logs to stderr, tests capture it). */
  logger?: Logger;
  /** Replaces the node source the config selects. */
  nodeSource?: NodeSource;
}

/** The one wiring of the libraries, used by the server and the CLI alike. */
export function buildContainer(config: Config, overrides: ContainerOverrides = {}): Container {
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TYPES.Config).toConstantValue(config);
  container.bind(TYPES.Logger).toConstantValue(overrides.logger ?? createLogger({ level: config.logLevel }));
  container.bind(TYPES.NodeSource).toConstantValue(overrides.nodeSource ?? nodeSourceFor(config));
  container.bind(TYPES.ConfigDriveCache).toConstantValue(new ConfigDriveCache());
  container
    .bind(TYPES.NodeCatalog)
    .toResolvedValue(
      (source: NodeSource, cache: ConfigDriveCache, logger: Logger) => new NodeCatalog(source, cache, { matchNodeName: config.matchNodeName }, logger),
      [TYPES.NodeSource, TYPES.ConfigDriveCache, TYPES.Logger],
    );
  container.bind(TYPES.LeaseFile).toResolvedValue((logger: Logger) => new LeaseFile(config.leaseFile, logger), [TYPES.Logger]);
  container
    .bind(TYPES.MetadataService)
    .toResolvedValue(
      (catalog: NodeCatalog, leases: LeaseFile, logger: Logger) => new MetadataService(catalog, leases, { defaultAvailabilityZone: config.defaultAvailabilityZone }, logger),
      [TYPES.NodeCatalog, TYPES.LeaseFile, TYPES.Logger],
    );
  container.bind(TYPES.SessionTokens).toConstantValue(new SessionTokens());
  container
    .bind(TYPES.MetadataResponder)
    .toResolvedValue(
      (service: MetadataService, tokens: SessionTokens, logger: Logger) => new MetadataResponder(service, tokens, { imdsTokenRequired: config.imdsTokenRequired }, logger),
      [TYPES.MetadataService, TYPES.SessionTokens, TYPES.Logger],
    );
  return container;
}

function nodeSourceFor(config: Config): NodeSource {
  if (config.source.kind === 'file') return new FileNodeSource(config.source.path);
  throw new Error(`the Ironic node source is not available yet; set INVENTORY_FILE`);
}
