import { locateNx, NX_NOT_FOUND_FIX } from './nx-bin';

// package.json files as the installs lay them out (read from real installs: Nx 24.0.6's `bin.nx` is
// ./dist/bin/nx.js; `nx init --useDotNxInstallation` installs under .nx/installation/node_modules).
const NX24 = JSON.stringify({ name: 'nx', version: '24.0.6', bin: { nx: './dist/bin/nx.js', 'nx-cloud': './dist/bin/nx-cloud.js' } });
const notFound = (request: string): string => {
  throw new Error(`Cannot find module '${request}'`);
};

describe('locateNx: the nx that runs this task', () => {
  it('takes the package the running script belongs to (Nx forks tasks from its tasks-runner/fork.js)', () => {
    const files: Record<string, string> = { '/ws/.nx/installation/node_modules/nx/package.json': NX24, '/ws/.nx/installation/node_modules/nx/dist/src/tasks-runner/package.json': '{"name":"other"}' };
    const found = locateNx({ script: '/ws/.nx/installation/node_modules/nx/dist/src/tasks-runner/fork.js', root: '/ws', resolve: notFound, readFile: (f) => files[f] });
    expect(found).toEqual({ bin: '/ws/.nx/installation/node_modules/nx/dist/bin/nx.js' });
  });

  it("[perf-report-no-nx] Nx's own install (no package.json, no node_modules): .nx/installation, never advice to npm install", () => {
    const files: Record<string, string> = { '/ws/.nx/installation/node_modules/nx/package.json': NX24 };
    // A script of another package (jest, a node wrapper) stops at its node_modules folder.
    expect(locateNx({ script: '/usr/lib/node_modules/jest/bin/jest.js', root: '/ws', resolve: notFound, readFile: (f) => files[f] })).toEqual({ bin: '/ws/.nx/installation/node_modules/nx/dist/bin/nx.js' });
    const none = locateNx({ script: '/usr/lib/node_modules/jest/bin/jest.js', root: '/ws', resolve: notFound, readFile: () => undefined });
    expect(none).toEqual({ tried: ['the running script /usr/lib/node_modules/jest/bin/jest.js', '/ws/node_modules', 'beside rust-perf', '/ws/.nx/installation'] });
    expect(NX_NOT_FOUND_FIX).toContain('./nx run <project>:perf-report');
    expect(NX_NOT_FOUND_FIX).not.toMatch(/npm install|--save-dev/);
  });

  it("the workspace's node_modules first (npm, pnpm, yarn), then the nx beside the plugin (pnpm's store, Plug'n'Play)", () => {
    const files: Record<string, string> = { '/ws/node_modules/nx/package.json': NX24, '/store/nx@24/node_modules/nx/package.json': NX24 };
    const fromRoot = locateNx({ root: '/ws', resolve: (r, paths) => (paths ? `/ws/node_modules/${r}` : `/store/nx@24/node_modules/${r}`), readFile: (f) => files[f] });
    expect(fromRoot).toEqual({ bin: '/ws/node_modules/nx/dist/bin/nx.js' });
    const beside = locateNx({ root: '/ws', resolve: (r, paths) => (paths ? notFound(r) : `/store/nx@24/node_modules/${r}`), readFile: (f) => files[f] });
    expect(beside).toEqual({ bin: '/store/nx@24/node_modules/nx/dist/bin/nx.js' });
  });

  it('Nx 22 (bin/nx.js at the package root) and a package.json that is not nx are told apart', () => {
    const files: Record<string, string> = { '/ws/node_modules/nx/package.json': JSON.stringify({ name: 'nx', bin: { nx: './bin/nx.js' } }), '/x/package.json': '{"name":"x"}' };
    expect(locateNx({ script: '/x/fork.js', root: '/ws', resolve: (r) => `/ws/node_modules/${r}`, readFile: (f) => files[f] })).toEqual({ bin: '/ws/node_modules/nx/bin/nx.js' });
  });
});
