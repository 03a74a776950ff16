// Test data generators for this library's inputs. A separate entry point
// (`@ironic-metadata/instance-metadata/testing`): never part of the runtime API.
export * from './test-support/network-data-graphs';
