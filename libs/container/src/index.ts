export * from './lib/types';
export * from './lib/build-container';
