/** e2e: each spec creates fresh Nx workspaces from a template that has the packed plugin installed. */
module.exports = {
  displayName: 'rust-perf-e2e',
  rootDir: __dirname,
  testEnvironment: 'node',
  // perFile: each spec file's wall time as it ends, and a slowest-first table before the closing line.
  reporters: ['default', ['<rootDir>/../../scripts/jest-summary-reporter.js', { perFile: true }]],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }] },
  globalSetup: '<rootDir>/src/global-setup.ts',
  testTimeout: 20 * 60 * 1000,
  slowTestThreshold: 120,
};
