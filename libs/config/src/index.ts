export * from './lib/config';
export * from './lib/bind-address';
