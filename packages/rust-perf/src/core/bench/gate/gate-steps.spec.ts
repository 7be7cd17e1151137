import { criterionResult as result } from './__fixtures__/results';
import {
  brokenBaseComparisons,
  buildFailure,
  changedMessage,
  unchangedMessage,
  foldCounted,
  processFailure,
  compareSettings,
  countedGroups,
  countedPlan,
  countedSideBuilds,
  countingWanted,
  failedBaseComparisons,
  headOnlyComparisons,
  headSummaries,
  removedComparisons,
  roundDone,
  roundPlan,
} from './gate-steps';
import type { BenchComparison } from './paired';
import { countedBenchBuildRun } from '../counted/counted-run';
import { cargoBuildArgv } from '../../cargo/build';


describe('the same-job gate\'s settings', () => {
  it('uses the defaults (5% wall, 1% counted, 30 rounds, fastest sample, short criterion runs) unless the options set them', () => {
    expect(compareSettings({})).toEqual({
      thresholds: { 'wall-time': 5, instructions: 1 },
      rounds: 30,
      statistic: 'fastest',
      criterion: { warmUpTime: 0.1, measurementTime: 0.25, sampleSize: 10, filter: undefined },
    });
    const s = compareSettings({ failOnRegression: 2, failOnCountedRegression: 0.5, rounds: 4, wallStatistic: 'median', sampleSize: 20, filter: 'add' });
    expect(s.thresholds).toEqual({ 'wall-time': 2, instructions: 0.5 });
    expect([s.rounds, s.statistic, s.criterion.sampleSize, s.criterion.warmUpTime, s.criterion.filter]).toEqual([4, 'median', 20, 0.1, 'add']);
  });

  it('rejects a cross-run baseline beside compareRef', () => {
    expect(() => compareSettings({ baseline: 'main' })).toThrow('cannot be combined with "baseline" or "saveBaseline"');
    expect(() => compareSettings({ saveBaseline: 'x' })).toThrow('cannot be combined');
  });
});

describe('the timed plan', () => {
  it('lists rounds × benches × sides, alternating which side runs first', () => {
    const plan = roundPlan(2, ['a', 'b']);
    expect(plan).toEqual([
      { round: 0, steps: [{ bench: 'a', side: 'base' }, { bench: 'a', side: 'head' }, { bench: 'b', side: 'base' }, { bench: 'b', side: 'head' }] },
      { round: 1, steps: [{ bench: 'a', side: 'head' }, { bench: 'a', side: 'base' }, { bench: 'b', side: 'head' }, { bench: 'b', side: 'base' }] },
    ]);
    expect(roundDone(1, 2)).toBe('round 2/2 done (head then base)');
    expect(roundPlan(0, ['a'])).toEqual([]);
  });
});

describe('what a broken base, new and removed benches become', () => {
  it('reports each bench of a broken base as not compared, with the first line of why', () => {
    expect(brokenBaseComparisons(['a'], 'the base does not build:\nerror[E0425]')).toEqual([{ id: 'a', bench: 'a', status: 'error', metrics: [], verdict: 'not compared', note: 'the base does not build:' }]);
    expect(failedBaseComparisons(new Map([['b', "the base's b failed: x\ny"]]))).toEqual([{ id: 'b', bench: 'b', status: 'error', metrics: [], verdict: 'not compared', note: "the base's b failed: x\ny" }]);
  });

  it('marks a head-only bench\'s benchmarks new with their wall value, and a base-only bench removed', () => {
    expect(headOnlyComparisons('n', [result('n/x', 100, 40)], 'fastest').map((c) => [c.id, c.verdict, c.headOnly])).toEqual([['n/x', 'new', { metric: 'wall-time', median: 40 }]]);
    expect(headOnlyComparisons('n', [result('n/x', 100, 40)], 'median')[0].headOnly?.median).toBe(100);
    expect(removedComparisons(['old'])).toEqual([{ id: 'old (bench target)', bench: 'old', status: 'removed', metrics: [], verdict: 'removed' }]);
  });
});

describe('the counted plan', () => {
  it('counts only when asked (default on) and the base built', () => {
    expect(countingWanted(undefined, undefined)).toBe(true);
    expect(countingWanted(false, undefined)).toBe(false);
    expect(countingWanted(true, 'the base does not build')).toBe(false);
  });

  it('groups compared benchmarks by bench and counts each benchmark on the base then the head, twice, nothing subtracted', () => {
    const c = (id: string, bench: string, status: BenchComparison['status']): BenchComparison => ({ id, bench, status, metrics: [], verdict: 'no significant change' });
    const groups = countedGroups([c('a/1', 'a', 'compared'), c('b/1', 'b', 'compared'), c('a/2', 'a', 'compared'), c('a/3', 'a', 'new')]);
    expect([...groups].map(([b, l]) => [b, l.map((x) => x.id)])).toEqual([['a', ['a/1', 'a/2']], ['b', ['b/1']]]);
    expect(countedPlan(['x/1', 'x.2'])).toEqual([
      { side: 'base', id: 'x/1' },
      { side: 'head', id: 'x/1' },
      { side: 'base', id: 'x.2' },
      { side: 'head', id: 'x.2' },
      { side: 'base', id: 'x/1' },
      { side: 'head', id: 'x/1' },
      { side: 'base', id: 'x.2' },
      { side: 'head', id: 'x.2' },
    ]);
  });
});

describe('headSummaries', () => {
  it('summarizes the head\'s last result per benchmark under the bench its comparison names', () => {
    const head = new Map([['a/1', result('a/1', 100, 90)], ['z', result('z', 5)]]);
    const s = headSummaries(head, [{ id: 'a/1', bench: 'a', status: 'compared', metrics: [], verdict: 'no significant change' }]);
    expect(s.map((b) => [b.id, b.bench])).toEqual([['a/1', 'a'], ['z', '']]);
  });
});

describe('folding counted runs and reporting failures', () => {
  const wall: BenchComparison = {
    id: 'x',
    bench: 'b',
    status: 'compared',
    metrics: [{ metric: 'wall-time', rounds: [], verdict: 'no significant change' } as unknown as BenchComparison['metrics'][number]],
    decidedBy: 'wall-time',
    verdict: 'no significant change',
  };

  it('[exec-compare-counts-not-repeat] lets counted instructions decide where each side\'s counts repeat, and notes why not elsewhere', () => {
    const other = { ...wall, id: 'y' };
    const counts = { base: new Map([['x', [1000, 1000]], ['y', [1000, 1020]]]), head: new Map([['x', [1060, 1060]], ['y', [1000, 1000]]]) };
    const { next, notes } = foldCounted([wall, other], counts, 1);
    expect(next.map((c) => [c.id, c.decidedBy, c.verdict])).toEqual([['x', 'instructions', 'regressed'], ['y', 'wall-time', 'no significant change']]);
    expect(next[1]).toBe(other);
    expect(notes).toEqual([
      'counted work for y: its counts do not repeat (base 1,000, 1,020, spread 1.98%; head 1,000, 1,000, spread 0.00%; more than 0.5%: the routine is not deterministic, e.g. randomly seeded); wall time decides',
    ]);
  });

  it('names the command, how it ended and the last lines of stderr; a build failure keeps cargo\'s error lines', () => {
    expect(processFailure({ command: 'bench a', exitCode: 101, signal: null, stderr: 'one\ntwo\nthree\nfour\n' }, 3)).toBe('`bench a` exited with code 101: two / three / four');
    expect(processFailure({ command: 'bench a', exitCode: null, signal: 'SIGKILL', stderr: 'x' }, 3)).toBe('`bench a` was ended by SIGKILL: x');
    // The shape of a Rust panic under RUST_BACKTRACE: the message sits above a long backtrace.
    const panicked = [
      "thread 'main' (4242) panicked at benches/order_book/hdr_common.rs:39:30:",
      'record: ValueOutOfRangeResizeDisabled',
      'stack backtrace:',
      '   0: std::panicking::begin_panic_handler',
      '   5: add_only_hdr::main',
      '             at ./benches/order_book/add_only_hdr.rs:28:9',
      'note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.',
    ].join('\n');
    expect(processFailure({ command: 'add_only_hdr', exitCode: 101, signal: null, stderr: panicked }, 2)).toBe(
      "`add_only_hdr` exited with code 101: thread 'main' (4242) panicked at benches/order_book/hdr_common.rs:39:30: / record: ValueOutOfRangeResizeDisabled / … /              at ./benches/order_book/add_only_hdr.rs:28:9 / note: Some details are omitted, run with `RUST_BACKTRACE=full` for a verbose backtrace.",
    );
    const stderr = '   Compiling md v0.1.0\nerror[E0425]: cannot find value `y`\n  --> benches/a.rs:3:5\nwarning: build failed, waiting for other jobs to finish...\n';
    expect(buildFailure({ command: 'cargo bench --no-run', exitCode: 101, signal: null, stderr }, '/ws/rust')).toBe(
      '`cargo bench --no-run` (in /ws/rust) exited with code 101:\nerror[E0425]: cannot find value `y`\n  --> benches/a.rs:3:5\nwarning: build failed, waiting for other jobs to finish...',
    );
    expect(buildFailure({ command: 'c', exitCode: null, signal: 'SIGTERM', stderr: '' }, '/r')).toBe('`c` (in /r) exited with code SIGTERM');
  });
});

describe('what the gate says about the changed files', () => {
  it('names the unchanged crate with the short base commit, or the first three changed files', () => {
    expect(unchangedMessage('market-data', 'main', 'abcdef0123456789')).toBe('market-data: nothing it is built from changed since main (abcdef012345): its benches were not rerun.');
    expect(changedMessage('md', ['/r/a.rs', '/r/src/b.rs'], '/r')).toBe('2 changed file(s) affect md: a.rs, src/b.rs');
    expect(changedMessage('md', ['/r/a', '/r/b', '/r/c', '/r/d'], '/r')).toBe('4 changed file(s) affect md: a, b, c, …');
  });
});

describe('the gate counts the binary --metric=instructions counts', () => {
  // The gate once counted its timed binaries (no target-cpu: x86-64) while --metric=instructions counted an
  // x86-64-v3 build: rand's shuffle_10 read 1,098 in one and 1,075 in the other. One build plan for both.
  const sides = {
    head: { cargoRoot: '/ws/rust', targetDir: '/ws/rust/target', features: ['simd'] },
    base: { cargoRoot: '/data/compare/base/rust', targetDir: '/ws/rust/target/rust-perf-base', features: [] },
  };
  const builds = countedSideBuilds('market-data', 'codec', sides);

  it("builds the head exactly as the counted mode does, in the counted mode's own target dir", () => {
    const counted = countedBenchBuildRun({ cargoRoot: '/ws/rust', package: 'market-data', bench: 'codec', targetDir: '/ws/rust/target', features: ['simd'] });
    expect(countedBenchBuildRun(builds.head)).toEqual(counted);
    expect(counted.targetDir).toBe('/ws/rust/target/rust-perf/count/bench');
    expect(counted.addRustflags).toEqual(['-Ctarget-cpu=x86-64-v3']);
    expect(cargoBuildArgv({ ...counted.args, json: true })).toEqual([
      'build', '--profile', 'bench', '-p', 'market-data', '--features', 'simd', '--bench', 'codec', '--message-format=json-render-diagnostics',
    ]);
  });

  it('builds the base with the same profile and rustflags, in its own workspace and target dir', () => {
    const base = countedBenchBuildRun(builds.base);
    const head = countedBenchBuildRun(builds.head);
    expect(base.addRustflags).toEqual(head.addRustflags);
    expect(base.args).toEqual({ package: 'market-data', profile: 'bench', benches: ['codec'] });
    expect(base.cargoRoot).toBe('/data/compare/base/rust');
    expect(base.targetDir).toBe('/ws/rust/target/rust-perf-base/rust-perf/count/bench');
  });
});
