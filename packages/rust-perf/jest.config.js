/** Unit tests: pure core logic, generators on Nx's in-memory Tree, real cargo where cargo is the truth. */
module.exports = {
  displayName: 'rust-perf',
  rootDir: __dirname,
  testEnvironment: 'node',
  reporters: ['default', '<rootDir>/../../scripts/jest-summary-reporter.js'],
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testTimeout: 120000,
};
