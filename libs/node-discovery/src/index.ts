export * from './lib/node-source';
export * from './lib/file-node-source';
export * from './lib/addresses';
export * from './lib/indexed-node';
export * from './lib/configdrive-cache';
export * from './lib/matchers';
export * from './lib/node-index';
export * from './lib/node-catalog';
