import { SYSTEM_ALLOCATOR_FEATURE } from '../allocator/allocator';
import type { CachegrindTotals, SimulatedCounts } from '../count/cachegrind';
import { COUNT_CPU } from '../count/counted-build';
import { ALL_CONFIGURATIONS, buildSpec, chooseConfigurations, countedColumns, groupCountedBuilds, reportConfiguration, type BuildContext } from './configurations';
import { CONFIGURATION_EXECUTORS, CONFIGURATION_INPUTS } from './plan';

// perf-report's configurations are rows of data; these pin each row's build to what the executor's
// per-configuration branches built before the table.
const ctx: BuildContext = { pgoProfile: 'release', host: 'x86_64-unknown-linux-gnu', profileUse: () => '/t/pgo.profdata' };
const use = ['-Cprofile-use=/t/pgo.profdata', '-Cllvm-args=-pgo-warn-missing-function'];
const spec = (name: string, c: BuildContext = ctx) => buildSpec(reportConfiguration(name), c);

describe('perf-report configurations', () => {
  it('lists every configuration in report order', () => {
    expect(ALL_CONFIGURATIONS).toEqual(['dev', 'release', 'release+system-alloc', 'release+native', 'release+fat-lto', 'pgo', 'pgo+native', 'pgo+bolt', 'thp']);
  });

  it('builds each row as its profile, rustflags, target, features and environment say', () => {
    expect(spec('dev')).toEqual({ profile: 'dev', addRustflags: [] });
    expect(spec('release')).toEqual({ profile: 'release', addRustflags: [] });
    expect(spec('release+system-alloc')).toEqual({ profile: 'release', addRustflags: [], features: [SYSTEM_ALLOCATOR_FEATURE] });
    expect(spec('release+native')).toEqual({ profile: 'release', addRustflags: ['-Ctarget-cpu=native'] });
    expect(spec('release+fat-lto')).toEqual({ profile: 'release', addRustflags: [], extraEnv: { CARGO_PROFILE_RELEASE_LTO: 'fat' } });
    expect(spec('pgo')).toEqual({ profile: 'release', addRustflags: use, target: ctx.host });
    expect(spec('pgo+native', { ...ctx, pgoProfile: 'fast' })).toEqual({ profile: 'fast', addRustflags: [...use, '-Ctarget-cpu=native'], target: ctx.host });
  });

  it('reads the PGO profile only for rows with a PGO step', () => {
    const never: BuildContext = { ...ctx, profileUse: () => { throw new Error('profile read'); } };
    for (const name of ['dev', 'release', 'release+system-alloc', 'release+native', 'release+fat-lto']) expect(() => spec(name, never)).not.toThrow();
    expect(() => spec('pgo', never)).toThrow('profile read');
  });

  it('keeps the target executors plan.ts runs, and pgo+native\'s input', () => {
    expect(CONFIGURATION_EXECUTORS).toEqual({ release: 'rust-perf:build-release', 'release+native': 'rust-perf:build-native', pgo: 'rust-perf:build-pgo', 'pgo+bolt': 'rust-perf:build-bolt', thp: 'rust-perf:build-release' });
    expect(CONFIGURATION_INPUTS).toEqual({ 'pgo+native': 'rust-perf:pgo-profile' });
  });

  it('describes each row from the run (allocator, PGO profile)', () => {
    expect(reportConfiguration('release').describe({ hasAllocator: true, pgoProfile: 'release' })).toBe("the release profile as configured (rust-perf:init tunes it), with rust-perf:allocator's #[global_allocator]");
    expect(reportConfiguration('release').describe({ hasAllocator: false, pgoProfile: 'release' })).toBe('the release profile as configured (rust-perf:init tunes it)');
    expect(reportConfiguration('pgo+native').describe({ hasAllocator: false, pgoProfile: 'fast' })).toBe('profile-guided with -C target-cpu=native (fast profile)');
  });

  it('chooses every row but the opt-in ones by default, and the allocator row only with its feature', () => {
    expect(chooseConfigurations(undefined, true, 'add it')).toEqual({ wanted: ['dev', 'release', 'release+system-alloc', 'release+native', 'release+fat-lto', 'pgo', 'pgo+native'] });
    expect(chooseConfigurations(undefined, false, 'add it')).toEqual({ wanted: ['dev', 'release', 'release+native', 'release+fat-lto', 'pgo', 'pgo+native'], note: 'no release+system-alloc: add it' });
    expect(chooseConfigurations(['thp', 'release'], false, 'add it')).toEqual({ wanted: ['thp', 'release'] });
    expect(() => chooseConfigurations(['release+system-alloc'], false, 'Cargo.toml has no feature')).toThrow('Cargo.toml has no feature');
    expect(() => chooseConfigurations(['release', 'o3', 'lto'], true, '')).toThrow('unknown configuration(s) o3, lto; choose from dev, release, release+system-alloc, release+native, release+fat-lto, pgo, pgo+native, pgo+bolt, thp');
  });

  it('says why the rows counted work cannot describe have no counted columns', () => {
    expect(reportConfiguration('pgo+bolt').notCounted).toContain(`no rebuild at ${COUNT_CPU} to count`);
    expect(reportConfiguration('thp').notCounted).toContain('does not see TLB misses or page faults');
    expect(reportConfiguration('release').notCounted).toBeUndefined();
  });

  it('counts release+native with release: at the counted CPU level they are one build', () => {
    const names = ['dev', 'release', 'release+native', 'pgo', 'pgo+native'];
    const groups = groupCountedBuilds(names.map((n) => [n, spec(n)]));
    expect(groups.map((g) => g.configs)).toEqual([['dev'], ['release', 'release+native'], ['pgo', 'pgo+native']]);
    expect(groups[1].first).toBe('release');
  });

  it('turns a counted run into the counted columns, and a failed one into its reason', () => {
    expect(countedColumns(undefined)).toEqual({});
    expect(countedColumns({ result: { counted: false, command: 'app', reason: 'valgrind: Unrecognised instruction' } })).toEqual({ counted: { notCounted: 'valgrind: Unrecognised instruction' } });
    // events: cachegrind's raw totals, which the counted columns do not read.
    const run = (instructions: number): SimulatedCounts => ({ instructions, l1Misses: 7, llMisses: 3, branches: 50, branchMispredicts: 5, estimatedCycles: instructions + 100, events: {} as CachegrindTotals });
    const result = { counted: true as const, command: 'app', simulated: run(1000), heap: { allocations: 4, bytesAllocated: 64, peakHeapBytes: 32 }, valgrindVersion: 'valgrind-3.19.0', durationMs: 900, runs: [run(1000), run(1001)] };
    expect(countedColumns({ result, sameBinaryAs: 'release' })).toEqual({
      counted: {
        instructions: 1000,
        estimatedCycles: 1100,
        branchMispredicts: 5,
        llMisses: 3,
        l1Misses: 7,
        allocations: 4,
        bytesAllocated: 64,
        peakHeapBytes: 32,
        sameBinaryAs: 'release',
        runs: { instructions: [1000, 1001], estimatedCycles: [1100, 1101], branchMispredicts: [5, 5], llMisses: [3, 3] },
      },
    });
  });
});
