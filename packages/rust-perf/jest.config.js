/** Unit tests: pure core logic, generators on Nx's in-memory Tree, real cargo where cargo is the truth. */
// Two Jest projects, one Nx target each (project.json): `rust-perf` (nx test) hashes the toolchain and
// the example and drives cargo; `rust-perf-docs` (nx test-docs) holds the specs that read files outside
// this package (README.md, docs/, .ci/run, the e2e sources), so a docs edit reruns only them.
// `jest -c packages/rust-perf/jest.config.js` runs both; --selectProjects picks one.
const DOCS_SPECS = ['src/docs.spec.ts', 'src/reliability/catalogue.spec.ts', 'src/core/nx-support.spec.ts'];

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.spec.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
};

module.exports = {
  rootDir: __dirname,
  reporters: ['default', '<rootDir>/../../scripts/jest-summary-reporter.js'],
  testTimeout: 120000,
  projects: [
    { ...shared, displayName: 'rust-perf', testMatch: ['<rootDir>/src/**/*.spec.ts'], testPathIgnorePatterns: ['/node_modules/', ...DOCS_SPECS.map((f) => `<rootDir>/${f.replace(/\./g, '\\.')}$`)] },
    { ...shared, displayName: 'rust-perf-docs', testMatch: DOCS_SPECS.map((f) => `<rootDir>/${f}`) },
  ],
};
