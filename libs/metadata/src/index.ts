export * from './lib/instance-metadata-builder';
export * from './lib/port-network-data';
export * from './lib/metadata-service';
export * from './lib/session-tokens';
export * from './lib/metadata-responder';
export * from './lib/vendor-data';
