export * from './lib/config';
export * from './lib/cidr';
export * from './lib/bind-address';
