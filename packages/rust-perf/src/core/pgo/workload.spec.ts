import { benchEntryArgs, benchWorkloadArgs, countedEntry, noCountedEntry, benchWorkloadEnv, DEFAULT_BENCH_PROFILE_TIME, describeEntry, describeWorkload, divanWorkloadArgs, resolveWorkload, type PackageInfo } from './workload';

describe('workload display', () => {
  it('quotes arguments as a shell would need them, for display only', () => {
    expect(describeEntry({ bin: 'rg', args: ['fn main', '--glob', '*.rs', "it's"] })).toBe(`rg 'fn main' --glob '*.rs' 'it'\\''s'`);
    expect(describeEntry({ bench: 'codec_bench', args: ['codec/encode json'] })).toBe(`bench codec_bench --bench 'codec/encode json'`);
    expect(describeEntry({ command: ['node', 'scripts/drive.js', '--n=10'] })).toBe('node scripts/drive.js --n=10');
  });
  it('prints one entry per line, never joined with a pipe', () => {
    const text = describeWorkload([{ bin: 'a', args: ['x'] }, { command: ['b', 'y z'] }]);
    expect(text).toBe("    a x\n    b 'y z'");
    expect(text).not.toContain(' | ');
  });
});

describe('bench workloads are bounded [exec-bench-workload-bounded]', () => {
  it('adds criterion --profile-time by default, keeps an entry\'s own, and 0 means the full run', () => {
    expect(benchWorkloadArgs([], undefined, true)).toEqual(['--bench', '--profile-time', String(DEFAULT_BENCH_PROFILE_TIME)]);
    expect(benchWorkloadArgs(['codec/'], 1.5, true)).toEqual(['--bench', '--profile-time', '1.5', 'codec/']);
    expect(benchWorkloadArgs(['--profile-time', '10'], 2, true)).toEqual(['--bench', '--profile-time', '10']);
    expect(benchWorkloadArgs(['--profile-time=10'], 2, true)).toEqual(['--bench', '--profile-time=10']);
    expect(benchWorkloadArgs([], 0, true)).toEqual(['--bench']);
    // Only criterion knows the flag: another harness gets its args unchanged.
    expect(benchWorkloadArgs(['x'], undefined, false)).toEqual(['--bench', 'x']);
  });
  it('sends criterion\'s files to the instrumented target dir', () => {
    expect(benchWorkloadEnv('/w/target/rust-perf/pgo/app/instrumented')).toEqual({ CRITERION_HOME: '/w/target/rust-perf/pgo/app/instrumented/criterion' });
  });
});

describe('latency programs as the PGO workload', () => {
  // OrderBook-rs's shape: no binary, one criterion suite, latency programs, one bench with required-features, and a libtest bench.
  const pkg: PackageInfo = {
    name: 'orderbook-rs',
    manifestPath: '/r/Cargo.toml',
    metadata: null,
    bins: [],
    benches: ['benches', 'add_only_hdr', 'alloc_count', 'old_bench'],
    usesCriterion: true,
    benchKinds: { benches: 'criterion', add_only_hdr: 'latency', alloc_count: 'latency', old_bench: 'libtest' },
    benchesWithRequiredFeatures: ['alloc_count'],
  };
  it('runs the criterion benches and latency programs, not libtest benches nor benches that need features', () => {
    const w = resolveWorkload(undefined, pkg);
    expect(w.entries).toEqual([{ bench: 'benches', args: [] }, { bench: 'add_only_hdr', args: [] }]);
    expect(w.source).toBe('the criterion benches and latency programs of orderbook-rs');
  });
  it('a latency program gets --bench as from cargo bench, and none of criterion\'s flags', () => {
    expect(benchWorkloadArgs([], undefined, true, 'latency')).toEqual(['--bench']);
    expect(benchWorkloadArgs([], undefined, true, 'criterion')).toEqual(['--bench', '--profile-time', String(DEFAULT_BENCH_PROFILE_TIME)]);
  });
  it('only libtest benches: no workload, with the message saying what to add', () => {
    expect(() => resolveWorkload(undefined, { ...pkg, benches: ['old_bench'] })).toThrow(/has no workload/);
  });
});

describe('what --count counts', () => {
  // OrderBook-rs's shape again: a library, so its workload is a criterion suite and latency programs.
  const pkg: PackageInfo = {
    name: 'orderbook-rs',
    manifestPath: '/r/Cargo.toml',
    metadata: null,
    bins: [],
    benches: ['benches', 'add_only_hdr', 'mixed_70_20_10_hdr'],
    usesCriterion: true,
    benchKinds: { benches: 'criterion', add_only_hdr: 'latency', mixed_70_20_10_hdr: 'latency' },
  };
  it('a library with latency programs counts the first one, run with --bench as cargo bench runs it', () => {
    const w = resolveWorkload(undefined, pkg);
    expect(countedEntry(w.entries, pkg)).toEqual({ kind: 'bench', name: 'add_only_hdr', args: ['--bench'] });
  });
  it('a binary entry comes first, with its args and env', () => {
    const entries = [{ bench: 'add_only_hdr', args: [] }, { bin: 'replay', args: ['--n', '1000'], env: { SEED: '7' } }];
    expect(countedEntry(entries, pkg)).toEqual({ kind: 'bin', name: 'replay', args: ['--n', '1000'], env: { SEED: '7' } });
  });
  it('criterion benches alone: nothing to count, and the error says what would be', () => {
    expect(countedEntry([{ bench: 'benches', args: [] }], pkg)).toBeUndefined();
    expect(noCountedEntry('the criterion benches of orderbook-rs').message).toBe(
      '--count needs a workload entry that runs a binary ({ bin, args }) or a latency program ({ bench } whose own main does fixed work); the criterion benches of orderbook-rs has none (criterion and divan benches run for a time, so their counts would not repeat)',
    );
  });
});

describe('divan benches as a workload', () => {
  const pkg: PackageInfo = { name: 'dv', manifestPath: '/w/dv/Cargo.toml', metadata: null, bins: [], benches: ['speed', 'crit'], usesCriterion: true, divanBenches: ['speed'] };
  it('bounds each divan benchmark with --max-time, never criterion\'s --profile-time', () => {
    expect(divanWorkloadArgs([], undefined)).toEqual(['--bench', '--max-time', String(DEFAULT_BENCH_PROFILE_TIME)]);
    expect(divanWorkloadArgs(['checksum'], 1)).toEqual(['--bench', '--max-time', '1', 'checksum']);
    expect(divanWorkloadArgs(['--max-time=9'], 1)).toEqual(['--bench', '--max-time=9']);
    expect(divanWorkloadArgs([], 0)).toEqual(['--bench']);
  });
  it('picks the harness per bench in a package with both', () => {
    expect(benchEntryArgs({ bench: 'speed' }, 2, pkg)).toEqual(['--bench', '--max-time', '2']);
    expect(benchEntryArgs({ bench: 'crit' }, 2, pkg)).toEqual(['--bench', '--profile-time', '2']);
  });
  it('names both kinds when the workload is the package\'s benches', () => {
    expect(resolveWorkload(undefined, pkg).source).toBe('the criterion and divan benches of dv');
    expect(resolveWorkload(undefined, { ...pkg, benches: ['speed'] }).source).toBe('the divan benches of dv');
  });
});
