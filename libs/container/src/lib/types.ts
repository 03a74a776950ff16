import type { CidrList, Config } from '@ironic-metadata/config';
import type { IronicClient } from '@ironic-metadata/ironic-client';
import type { Logger } from '@ironic-metadata/logging';
import type { AllowedClients, DynamicVendorData, MetadataResponder, MetadataService, SessionTokens } from '@ironic-metadata/metadata';
import type { ConfigDriveCache, LeaseFile, NodeCatalog, NodeSource } from '@ironic-metadata/node-discovery';
import type { ServiceIdentifier } from 'inversify';

/** The container's tokens, typed so that `container.get(TYPES.X)` needs no cast. */
export const TYPES = {
  Config: Symbol.for('Config') as ServiceIdentifier<Config>,
  Logger: Symbol.for('Logger') as ServiceIdentifier<Logger>,
  /** Bound only when nodes come from Ironic. */
  IronicClient: Symbol.for('IronicClient') as ServiceIdentifier<IronicClient>,
  NodeSource: Symbol.for('NodeSource') as ServiceIdentifier<NodeSource>,
  ConfigDriveCache: Symbol.for('ConfigDriveCache') as ServiceIdentifier<Pick<ConfigDriveCache, 'decode' | 'retain'>>,
  NodeCatalog: Symbol.for('NodeCatalog') as ServiceIdentifier<NodeCatalog>,
  LeaseFile: Symbol.for('LeaseFile') as ServiceIdentifier<LeaseFile>,
  MetadataService: Symbol.for('MetadataService') as ServiceIdentifier<MetadataService>,
  SessionTokens: Symbol.for('SessionTokens') as ServiceIdentifier<SessionTokens>,
  MetadataResponder: Symbol.for('MetadataResponder') as ServiceIdentifier<MetadataResponder>,
  /** Bound only when dynamic vendor data targets are configured. */
  DynamicVendorData: Symbol.for('DynamicVendorData') as ServiceIdentifier<DynamicVendorData>,
  TrustedProxies: Symbol.for('TrustedProxies') as ServiceIdentifier<CidrList>,
  AllowedClients: Symbol.for('AllowedClients') as ServiceIdentifier<AllowedClients>,
} as const;
