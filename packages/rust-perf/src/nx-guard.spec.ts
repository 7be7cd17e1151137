// The guard every entry point imports first: silent on the workspace's supported Nx, one clear
// error (before @nx/devkit loads) on another.
const load = (nxVersion: string) =>
  jest.isolateModules(() => {
    jest.doMock('nx/package.json', () => ({ version: nxVersion }));
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the guard runs on load; each case loads it afresh
    require('./nx-guard');
  });

afterEach(() => jest.dontMock('nx/package.json'));

describe('nx-guard', () => {
  it('loads quietly under a supported Nx', () => {
    expect(() => load('24.0.6')).not.toThrow();
    expect(() => load('22.7.12')).not.toThrow();
  });

  it('throws the supported range under Nx 21 or 25', () => {
    expect(() => load('21.6.11')).toThrow(/^rust-perf \S+ supports Nx 22, 23 or 24 \(peerDependencies nx ">=22\.0\.0 <25\.0\.0"\); this workspace runs nx 21\.6\.11/);
    expect(() => load('25.0.0')).toThrow(/this workspace runs nx 25\.0\.0/);
  });
});
