// Integration tests: the built apps against real Ironic, real cloud-init and the real AWS SDK.
// One process (--runInBand); Ironic is started once for the whole suite by the global setup.
module.exports = {
  displayName: 'integration',
  preset: '../../jest.preset.js',
  rootDir: __dirname,
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  testTimeout: 120000,
  globalSetup: '<rootDir>/src/support/global-setup.ts',
  globalTeardown: '<rootDir>/src/support/global-teardown.ts',
};
