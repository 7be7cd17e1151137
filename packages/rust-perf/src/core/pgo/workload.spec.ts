import { benchWorkloadArgs, benchWorkloadEnv, DEFAULT_BENCH_PROFILE_TIME, describeEntry, describeWorkload } from './workload';

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
