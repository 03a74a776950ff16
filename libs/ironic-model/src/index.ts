export * from './lib/network-data';
export * from './lib/meta-data';
export * from './lib/node';
export * from './lib/inventory';
export * from './lib/validation';
