import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchmarkSummary } from './summary';
import { cachingWarning, doneLine, missingBaselineWarning, noResultsNote, notesOnlySummary, nothingMeasuredError, timedBaseline, timedSummary, withTimedBaseline } from './timed-run';

const est = (x: number) => ({ estimate: x, lower: x * 0.99, upper: x * 1.01, unit: 'ns' as const });
const row = (id: string, ns: number): BenchmarkSummary => ({ id, bench: 'b', mean: est(ns), median: est(ns) });

describe('the timed run: baseline', () => {
  let root: string;
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-timed-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const summaryFile = (rel: string, ids: Record<string, number>) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const benchmarks = Object.entries(ids).map(([id, ns]) => row(id, ns));
    fs.writeFileSync(file, JSON.stringify({ schemaVersion: 1, project: 'p', package: 'p', createdAt: '', rustc: '', metric: 'wall', benchmarks }));
    return file;
  };

  it('reads a summary.json baseline, {projectName} replaced, before anything runs', () => {
    summaryFile('base/md/summary.json', { 'g/a': 100 });
    const { baseline, option } = timedBaseline({ baseline: 'base/{projectName}/summary.json' }, 'md', root);
    expect(option).toBe('base/md/summary.json');
    expect(baseline).toMatchObject({ kind: 'summary', source: 'base/md/summary.json' });
    expect(baseline?.kind === 'summary' && baseline.medians.get('g/a')?.estimate).toBe(100);
  });

  it('fails on a missing summary file, or warns and measures without one under baselineMissingOk', () => {
    expect(() => timedBaseline({ baseline: 'nope/summary.json' }, 'md', root)).toThrow(/baseline file .*nope\/summary\.json does not exist/);
    expect(timedBaseline({ baseline: 'nope/summary.json', baselineMissingOk: true }, 'md', root)).toEqual({
      warning: 'no baseline yet at nope/summary.json: measuring without comparison (baselineMissingOk).',
    });
  });

  it('takes a criterion baseline name, and refuses it with saveBaseline as criterion does', () => {
    expect(timedBaseline({ baseline: 'main' }, 'md', root)).toEqual({ baseline: { kind: 'criterion', name: 'main' }, option: 'main' });
    expect(() => timedBaseline({ baseline: 'main', saveBaseline: 'new' }, 'md', root)).toThrow(/cannot be combined/);
    expect(timedBaseline({}, 'md', root)).toEqual({});
  });

  it('compares a result with the summary baseline when it has the benchmark, and leaves new ones alone', () => {
    summaryFile('s.json', { 'g/a': 100 });
    const { baseline } = timedBaseline({ baseline: 's.json' }, 'md', root);
    const compared = withTimedBaseline(row('g/a', 120), baseline, 5);
    expect(compared.baseline).toMatchObject({ source: 's.json', changePercent: expect.closeTo(20, 6), regressed: true });
    expect(withTimedBaseline(row('g/new', 120), baseline, 5).baseline).toBeUndefined();
    expect(missingBaselineWarning([compared, row('g/new', 1)], 's.json')).toBe('no baseline for: g/new (new benchmarks, or not in s.json).');
    expect(missingBaselineWarning([compared], 's.json')).toBeUndefined();
  });

  it("reads a criterion baseline from criterion's folder of the benchmark, not for rows without one", () => {
    const dir = path.join(root, 'criterion');
    fs.mkdirSync(path.join(dir, 'g', 'a', 'main'), { recursive: true });
    const estimates = { mean: { point_estimate: 100, confidence_interval: { lower_bound: 99, upper_bound: 101 } }, median: { point_estimate: 100, confidence_interval: { lower_bound: 99, upper_bound: 101 } } };
    fs.writeFileSync(path.join(dir, 'g', 'a', 'main', 'estimates.json'), JSON.stringify(estimates));
    const baseline = { kind: 'criterion' as const, name: 'main' };
    expect(withTimedBaseline(row('g/a', 90), baseline, 5, { dir, directory: 'g/a' }).baseline).toMatchObject({ source: 'criterion:main', regressed: false });
    expect(withTimedBaseline(row('g/a', 90), baseline, 5).baseline).toBeUndefined();
    expect(withTimedBaseline(row('g/b', 90), baseline, 5, { dir, directory: 'g/b' }).baseline).toBeUndefined();
  });
});

describe('the timed run: messages and summary', () => {
  it('warns about caching on a timed target, not on an atomized one', () => {
    expect(cachingWarning('md', 'bench', { cache: true })).toMatch(/^rust-perf bench: caching is on for md:bench\. Timings are not deterministic/);
    expect(cachingWarning('md', 'bench--a', { cache: true, metadata: { 'rust-perf': { atomizedFrom: 'bench' } } })).toBeUndefined();
    expect(cachingWarning('md', 'bench', { cache: false })).toBeUndefined();
    expect(cachingWarning('md', 'bench', undefined)).toBeUndefined();
  });

  it('prints the median, its interval and the change from the baseline', () => {
    expect(doneLine(row('g/a', 1000))).toBe('done g/a: median 1.000 µs [990.0 ns – 1.010 µs]');
    const withBase = { ...row('g/a', 1100), baseline: { source: 's', median: est(1000), changePercent: 10, regressed: false } };
    expect(doneLine(withBase)).toBe('done g/a: median 1.100 µs [1.089 µs – 1.111 µs], 1.000 µs → 1.100 µs (+10.00%)');
  });

  it('notes a bench with no results, blaming the filter only when there is one', () => {
    expect(noResultsNote('simd', undefined, '/t/criterion')).toBe('bench simd: ran and reported no benchmarks (none are compiled in on this toolchain and these features); nothing to measure.');
    expect(noResultsNote('simd', '^x$', '/t/criterion')).toBe('bench simd: criterion reported no results in /t/criterion (does the filter "^x$" match any benchmark?)');
  });

  it('fails on nothing measured only when a filter selected nothing or no note explains it', () => {
    expect(nothingMeasuredError({ measured: 0, notes: ['simd: none'], withDivan: false, pkg: 'rand' })).toBeUndefined();
    expect(nothingMeasuredError({ measured: 0, filter: 'x', notes: ['simd: none'], withDivan: false, pkg: 'rand' })).toBe('no criterion results were produced for rand; nothing to summarize.');
    expect(nothingMeasuredError({ measured: 0, notes: [], withDivan: true, pkg: 'md' })).toBe('no criterion or divan results were produced for md; nothing to summarize.');
    expect(nothingMeasuredError({ measured: 2, filter: 'x', notes: [], withDivan: false, pkg: 'md' })).toBeUndefined();
  });

  it('writes notes only when there are some; a notes-only summary names its benches', () => {
    const base = { project: 'p', pkg: 'md', rustc: 'rustc 1.95.0', createdAt: '2026-01-01T00:00:00.000Z' };
    expect(timedSummary({ ...base, benchmarks: [row('g/a', 1)], notes: [] })).toEqual({ schemaVersion: 1, project: 'p', package: 'md', createdAt: base.createdAt, rustc: 'rustc 1.95.0', metric: 'wall', benchmarks: [row('g/a', 1)] });
    expect(timedSummary({ ...base, benchmarks: [], notes: ['n'] }).notes).toEqual(['n']);
    const notesOnly = notesOnlySummary({ ...base, notes: [], benches: ['t'] });
    expect(Object.keys(notesOnly)).toEqual(['schemaVersion', 'project', 'package', 'createdAt', 'rustc', 'metric', 'benchmarks', 'notes', 'benches']);
    expect(notesOnly).toMatchObject({ benchmarks: [], notes: [], benches: ['t'] });
  });
});
