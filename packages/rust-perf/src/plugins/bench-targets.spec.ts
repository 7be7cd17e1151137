import { atomizedBenchTargetName, atomizedBenchTargets, benchNamePart, dependencySourcesInput, otherBenchFiles, BENCH_TARGET_GROUP } from './bench-targets';
import type { CrateModel, TargetContext } from './crate-inputs';
import { normalizeOptions } from './options';

const crate = (benchFiles: Array<{ name: string; path: string }>, benches = benchFiles.map((f) => f.name)): CrateModel => ({
  name: 'market-data',
  project: 'market-data',
  root: 'rust/market-data',
  cargoRoot: 'rust',
  file: 'rust/market-data/Cargo.toml',
  bins: [],
  benches,
  benchFiles,
  productionProfile: false,
});
const context: TargetContext = { outputFolders: ['dist'], cli: 'node_modules/rust-perf/bin/rust-perf.js' };

describe('atomized bench target names', () => {
  it('keeps a name of letters, digits, - and _ as it is', () => {
    expect(atomizedBenchTargetName('bench', 'orderbook_bench')).toBe('bench--orderbook_bench');
    expect(atomizedBenchTargetName('criterion', 'Depth-2')).toBe('criterion--Depth-2');
  });

  it('[infer-bench-name-unsafe] turns characters Nx or a shell would split on into _ and appends a hash of the real name, so names stay distinct', () => {
    const names = ['a:b', 'a b', 'a_b', 'ordre·livre', 'a.b'].map(benchNamePart);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(new Set(names).size).toBe(names.length);
    expect(names[2]).toBe('a_b');
    expect(names[0]).toMatch(/^a_b-[0-9a-f]{8}$/);
    // Deterministic: the same bench gets the same target on every machine.
    expect(benchNamePart('a:b')).toBe(names[0]);
  });
});

describe('otherBenchFiles', () => {
  const files = [
    { name: 'orderbook_bench', path: 'benches/orderbook_bench.rs' },
    { name: 'depth', path: 'benches/depth/main.rs' },
    { name: 'legacy', path: 'perf/legacy.rs' },
  ];
  it('leaves out the other benches\' root files (a folder bench: its whole folder), never the bench\'s own', () => {
    expect(otherBenchFiles(crate(files), 'orderbook_bench')).toEqual(['benches/depth/**', 'perf/legacy.rs']);
    expect(otherBenchFiles(crate(files), 'depth')).toEqual(['benches/orderbook_bench.rs', 'perf/legacy.rs']);
  });

  it('keeps shared modules (benches/common/mod.rs is no bench target) and a libtest bench\'s file is excluded too', () => {
    const withLibtest = crate([...files, { name: 'old', path: 'benches/old.rs' }], ['orderbook_bench', 'depth', 'legacy']);
    expect(otherBenchFiles(withLibtest, 'legacy')).toEqual(['benches/orderbook_bench.rs', 'benches/depth/**', 'benches/old.rs']);
  });
});

describe('atomizedBenchTargets', () => {
  const files = [
    { name: 'orderbook_bench', path: 'benches/orderbook_bench.rs' },
    { name: 'depth_bench', path: 'benches/depth_bench.rs' },
  ];
  const names = normalizeOptions(undefined);

  it('gives each criterion bench a cached target running only it, with the other bench files out of its inputs', () => {
    const { targets } = atomizedBenchTargets(crate(files), names, context);
    expect(Object.keys(targets)).toEqual(['bench--orderbook_bench', 'bench--depth_bench', 'bench-ci']);
    const one = targets['bench--depth_bench'];
    expect(one.executor).toBe('rust-perf:bench');
    expect(one.options).toEqual({ cargoRoot: 'rust', package: 'market-data', benches: ['depth_bench'], outputPath: 'dist/bench-ci/market-data/depth_bench' });
    expect(one.cache).toBe(true);
    expect(one.parallelism).toBe(false);
    expect(one.inputs).toEqual([
      '{projectRoot}/**/*',
      '!{projectRoot}/**/*.md',
      '!{projectRoot}/target/**',
      '!{projectRoot}/benches/orderbook_bench.rs',
      '^rustDependencySources',
      'rustWorkspace',
      { runtime: 'node node_modules/rust-perf/bin/rust-perf.js cpu-key rust' },
      { runtime: 'node node_modules/rust-perf/bin/rust-perf.js compare-refs' },
    ]);
    expect(one.outputs).toEqual(['{options.outputPath}']);
  });

  it('adds the bench-ci aggregate (nx:noop, params forwarded, nonAtomizedTarget) and one target group listing them', () => {
    const { targets, targetGroups } = atomizedBenchTargets(crate(files), names, context);
    expect(targets['bench-ci']).toMatchObject({
      executor: 'nx:noop',
      dependsOn: [
        { target: 'bench--orderbook_bench', params: 'forward' },
        { target: 'bench--depth_bench', params: 'forward' },
      ],
      metadata: { 'rust-perf': { nonAtomizedTarget: 'bench' }, technologies: ['rust'] },
    });
    expect(targetGroups).toEqual({ [BENCH_TARGET_GROUP]: ['bench-ci', 'bench--orderbook_bench', 'bench--depth_bench'] });
  });

  it('runs cargo on the package and writes under the Nx project name when the two differ (two Cargo roots, one package name)', () => {
    const { targets } = atomizedBenchTargets({ ...crate(files), name: 'service', project: 'apps-a-service' }, names, context);
    expect(targets['bench--depth_bench'].options).toMatchObject({ package: 'service', outputPath: 'dist/bench-ci/apps-a-service/depth_bench' });
    expect(targets['bench-ci'].metadata?.help?.command).toBe('npx nx run apps-a-service:bench-ci --help');
  });

  it('follows the plugin options: bench and bench-ci names, output root', () => {
    const renamed = normalizeOptions({ benchTargetName: 'criterion', benchCiTargetName: 'criterion-ci', outputRoot: 'out' });
    const { targets } = atomizedBenchTargets(crate(files), renamed, context);
    expect(Object.keys(targets)).toEqual(['criterion--orderbook_bench', 'criterion--depth_bench', 'criterion-ci']);
    expect(targets['criterion-ci'].metadata?.['rust-perf']).toEqual({ nonAtomizedTarget: 'criterion' });
    expect((targets['criterion--depth_bench'].options as { outputPath: string }).outputPath).toBe('out/bench-ci/market-data/depth_bench');
  });
});

describe('dependencySourcesInput', () => {
  it('is rustSources without any of the crate\'s bench targets: what a dependent crate is built from', () => {
    const files = [
      { name: 'orderbook_bench', path: 'benches/orderbook_bench.rs' },
      { name: 'depth', path: 'benches/depth/main.rs' },
    ];
    expect(dependencySourcesInput(crate(files), context)).toEqual({
      rustDependencySources: ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/target/**', '!{projectRoot}/benches/orderbook_bench.rs', '!{projectRoot}/benches/depth/**'],
    });
    expect(dependencySourcesInput(crate([]), context).rustDependencySources).toEqual(['{projectRoot}/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/target/**']);
  });
});

describe('plugin options for atomization', () => {
  it('validates atomizeBenches and keeps benchCiTargetName apart from the other names', () => {
    expect(normalizeOptions(undefined)).toMatchObject({ atomizeBenches: true, benchCiTargetName: 'bench-ci' });
    expect(normalizeOptions({ atomizeBenches: false }).atomizeBenches).toBe(false);
    expect(() => normalizeOptions({ atomizeBenches: 'no' as unknown as boolean })).toThrow('rust-perf plugin option atomizeBenches must be true or false');
    expect(() => normalizeOptions({ benchCiTargetName: 'bench' })).toThrow('rust-perf plugin options name two targets "bench"');
  });
});
