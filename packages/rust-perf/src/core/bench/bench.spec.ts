import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzedTitles, parseBenchmarkInfo, parseEstimates, parseSamplePerIteration, readCriterionBaseline, readRunResults, type Estimate } from './criterion/criterion';
import { JsonSyntaxError, parseJson } from './json';
import { benchTargets, cargoBenchArgs, criterionArgs, resolveBaseline, selectBenches, type MetadataPackage } from './plan';
import {
  changePercent,
  compareWith,
  formatNs,
  gate,
  isRegression,
  parseBaselineSummary,
  renderMarkdown,
  summarizeResult,
  throughputOf,
  type BenchSummary,
} from './summary';

const fixtures = path.join(__dirname, '__fixtures__');
const criterionDir = path.join(fixtures, 'criterion');
const read = (rel: string) => fs.readFileSync(path.join(fixtures, rel), 'utf8');
const est = (estimate: number, lower: number, upper: number): Estimate => ({ estimate, lower, upper, unit: 'ns' });

describe('criterion results (fixtures from a real criterion 0.5.1 run)', () => {
  it('parses estimates.json mean and median with their intervals', () => {
    const file = 'criterion/orderbook/add_cancel_match/new/estimates.json';
    const { mean, median } = parseEstimates(read(file), file);
    const raw = JSON.parse(read(file));
    expect(median).toEqual({
      estimate: raw.median.point_estimate,
      lower: raw.median.confidence_interval.lower_bound,
      upper: raw.median.confidence_interval.upper_bound,
      unit: 'ns',
    });
    expect(mean.estimate).toBe(raw.mean.point_estimate);
    expect(median.lower).toBeLessThanOrEqual(median.estimate);
    expect(median.estimate).toBeLessThanOrEqual(median.upper);
  });

  it('parses benchmark.json id, directory and declared throughput', () => {
    const info = parseBenchmarkInfo(read('criterion/orderbook/add_cancel_match/new/benchmark.json'), 'b.json');
    expect(info).toEqual({
      id: 'orderbook/add_cancel_match',
      title: 'orderbook/add_cancel_match',
      directory: 'orderbook/add_cancel_match',
      throughput: { kind: 'elements', perIteration: 5000 },
    });
  });

  it.each([
    ['{"Bytes":1024}', { kind: 'bytes', perIteration: 1024 }],
    ['{"BytesDecimal":1000}', { kind: 'bytes-decimal', perIteration: 1000 }],
    ['null', undefined],
  ])('throughput %s', (throughput, expected) => {
    const text = `{"group_id":"g","function_id":null,"value_str":null,"throughput":${throughput},"full_id":"g","directory_name":"g","title":"g"}`;
    expect(parseBenchmarkInfo(text, 'b.json').throughput).toEqual(expected);
  });

  it('rejects files that are not criterion output, naming the file', () => {
    expect(() => parseEstimates('{"mean":{}}', '/x/estimates.json')).toThrow('/x/estimates.json: expected "mean"');
    expect(() => parseBenchmarkInfo('{}', '/x/benchmark.json')).toThrow('/x/benchmark.json: expected "full_id"');
    expect(() => parseEstimates('{"mean":', '/x/estimates.json')).toThrow('/x/estimates.json:1:9: invalid JSON');
  });

  it('finds the analyzed benchmark titles in criterion progress output', () => {
    expect(analyzedTitles(read('run-save-baseline.stderr'))).toEqual(['orderbook/add_cancel_match', 'parse/feed_json', 'parse/feed_json_and_apply']);
    expect(analyzedTitles('\x1b[32mBenchmarking a: b: Analyzing\x1b[0m\rBenchmarking c\n')).toEqual(['a: b']);
    expect(analyzedTitles('Benchmarking x: Warming up for 3.0000 s\n')).toEqual([]);
  });

  it('reads only the benchmarks this run reported, in the order they ran', () => {
    const all = readRunResults({ criterionDir });
    expect(all.map((r) => r.id).sort()).toEqual(['orderbook/add_cancel_match', 'parse/feed_json', 'parse/feed_json_and_apply']);
    const one = readRunResults({ criterionDir, titles: ['parse/feed_json', 'orderbook/add_cancel_match'] });
    expect(one.map((r) => r.id)).toEqual(['parse/feed_json', 'orderbook/add_cancel_match']);
  });

  it('reads each sample\'s time per iteration from sample.json, fastest first, where criterion wrote one', () => {
    const [book] = readRunResults({ criterionDir, titles: ['orderbook/add_cancel_match'] });
    // iters 4, 8, …, 40 with their total times: the 10th sample (19,158,344 ns / 40) is the fastest.
    expect(book.perIteration).toHaveLength(10);
    expect(book.perIteration![0]).toBeCloseTo(19_158_344 / 40, 6);
    expect(book.perIteration![9]).toBeCloseTo(10_055_923 / 12, 6);
    expect([...book.perIteration!].sort((a, b) => a - b)).toEqual(book.perIteration);
    expect(readRunResults({ criterionDir, titles: ['parse/feed_json'] })[0].perIteration).toBeUndefined();
    expect(() => parseSamplePerIteration('{"iters":[1,2],"times":[5]}', '/x/sample.json')).toThrow('/x/sample.json: expected "iters" and "times" arrays of the same, non-zero length');
    expect(() => parseSamplePerIteration('{"iters":[0],"times":[5]}', '/x/sample.json')).toThrow('/x/sample.json: sample 0: expected a positive iteration count');
  });

  it('ignores result directories older than the run (stale ids must not leak)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-crit-'));
    try {
      fs.cpSync(criterionDir, dir, { recursive: true });
      const old = new Date(Date.now() - 3600_000);
      for (const id of ['parse/feed_json', 'parse/feed_json_and_apply']) fs.utimesSync(path.join(dir, id, 'new', 'estimates.json'), old, old);
      expect(readRunResults({ criterionDir: dir, since: Date.now() - 60_000 }).map((r) => r.id)).toEqual(['orderbook/add_cancel_match']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads a named criterion baseline, and nothing when it does not exist', () => {
    const main = readCriterionBaseline(criterionDir, 'orderbook/add_cancel_match', 'main');
    const raw = JSON.parse(read('criterion/orderbook/add_cancel_match/main/estimates.json'));
    expect(main?.estimate).toBe(raw.median.point_estimate);
    expect(readCriterionBaseline(criterionDir, 'orderbook/add_cancel_match', 'nope')).toBeUndefined();
  });

  it('agrees with criterion on the change of the median (change/estimates.json)', () => {
    const [now] = readRunResults({ criterionDir, titles: ['orderbook/add_cancel_match'] });
    const main = readCriterionBaseline(criterionDir, now.directory, 'main')!;
    const criterionChange = JSON.parse(read('criterion/orderbook/add_cancel_match/change/estimates.json')).median.point_estimate;
    // criterion's change is the bootstrap estimate of the relative change; the ratio of medians is close to it.
    expect(changePercent(main, now.median) / 100).toBeCloseTo(criterionChange, 1);
  });
});

describe('gate arithmetic', () => {
  // old median 100 ns [95, 105]
  const old = est(100, 95, 105);
  it.each([
    ['slower beyond threshold, intervals apart', est(120, 115, 125), 10, true],
    ['slower beyond threshold, intervals overlap', est(120, 104, 140), 10, false],
    ['intervals apart but change equals threshold exactly', est(110, 106, 114), 10, false],
    ['intervals apart, just above threshold', est(110.01, 106, 114), 10, true],
    ['intervals touch (new lower == old upper)', est(130, 105, 150), 10, false],
    ['faster', est(50, 45, 55), 10, false],
    ['threshold 0, slower and apart', est(101, 105.5, 106), 0, true],
    ['threshold 0, no change', est(100, 95, 105), 0, false],
    ['large threshold not reached', est(140, 130, 150), 50, false],
  ])('%s', (_name, now, threshold, expected) => {
    expect(isRegression(old, now, threshold)).toBe(expected);
  });

  it('computes the change of the medians in percent', () => {
    expect(changePercent(old, est(125, 0, 0))).toBeCloseTo(25);
    expect(changePercent(old, est(80, 0, 0))).toBeCloseTo(-20);
  });

  const bench = (id: string, median: Estimate) => ({ id, bench: 'b', mean: median, median });
  it('fails and names each offender with old → new and the percent', () => {
    const compared = [
      compareWith(bench('fast/one', est(101, 99, 103)), old, 'criterion:main', 10),
      compareWith(bench('slow/one', est(150, 140, 160)), old, 'criterion:main', 10),
      bench('new/one', est(10, 9, 11)),
    ];
    const result = gate(compared, 10);
    expect(result.failed).toBe(true);
    expect(result.offenders.map((b) => b.id)).toEqual(['slow/one']);
    expect(result.message).toContain('slow/one: 100.0 ns → 150.0 ns (+50.00%');
    expect(result.message).not.toContain('fast/one');
  });

  it('passes when nothing regressed, and is off without a threshold', () => {
    const compared = [compareWith(bench('a', est(104, 100, 108)), old, 's', 10)];
    expect(gate(compared, 10)).toMatchObject({ failed: false, message: 'No regression above 10% (1 of 1 benchmark(s) compared).' });
    const slow = [compareWith(bench('a', est(500, 400, 600)), old, 's', 0)];
    expect(gate(slow, undefined).failed).toBe(false);
  });
});

describe('summary', () => {
  it('derives throughput from the median time (upper time bound → lower throughput bound)', () => {
    const t = throughputOf({ kind: 'elements', perIteration: 5000 }, est(1e6, 0.5e6, 2e6));
    expect(t).toEqual({ unit: 'elements/s', perIteration: 5000, median: { estimate: 5e6, lower: 2.5e6, upper: 1e7 } });
  });

  it('renders a markdown table with the baseline columns when compared', () => {
    const [r] = readRunResults({ criterionDir, titles: ['orderbook/add_cancel_match'] });
    const b = compareWith(summarizeResult(r, 'orderbook_bench'), est(r.median.estimate / 2, r.median.lower / 2, r.median.upper / 2), 'old.json', 10);
    const summary: BenchSummary = { schemaVersion: 1, project: 'market-data', package: 'market-data', createdAt: 'T', rustc: 'rustc 1.95.0', benchmarks: [b] };
    const md = renderMarkdown(summary);
    expect(md).toContain('| benchmark | median [95% CI] | mean | throughput | baseline median | change | verdict |');
    expect(md).toContain(`| orderbook/add_cancel_match | ${formatNs(r.median.estimate)} [`);
    expect(md).toContain('| +100.00% | regressed |');
    expect(md).toContain('Baseline: old.json');
  });

  it('formats times in the unit criterion would use', () => {
    expect([formatNs(12.345), formatNs(351952), formatNs(8.4e6), formatNs(2.5e9)]).toEqual(['12.35 ns', '352.0 µs', '8.400 ms', '2.500 s']);
  });
});

describe('baseline summary.json', () => {
  const good = JSON.stringify({ schemaVersion: 1, benchmarks: [{ id: 'a/b', median: est(10, 9, 11) }] });
  it('reads id → median', () => {
    expect(parseBaselineSummary(good, 's.json').get('a/b')).toEqual(est(10, 9, 11));
  });
  it.each([
    ['{\n  "schemaVersion": 1,\n  "benchmarks": [\n    {"id": "x",}\n  ]\n}', '/b/summary.json:4:16: invalid JSON: expected a property name, found "}"'],
    ['{"schemaVersion": 2, "benchmarks": []}', '/b/summary.json: not a rust-perf bench summary'],
    ['{"schemaVersion": 1}', '/b/summary.json: "benchmarks" must be an array'],
    ['{"schemaVersion": 1, "benchmarks": [{"id": "x", "median": {"estimate": "1"}}]}', '/b/summary.json: benchmarks[0].median must be'],
    ['', '/b/summary.json:1:1: invalid JSON: unexpected end of file'],
  ])('reports malformed baselines with the file (%#)', (text, message) => {
    expect(() => parseBaselineSummary(text, '/b/summary.json')).toThrow(message);
  });
  it('reports JSON syntax errors as JsonSyntaxError with line and column', () => {
    try {
      parseJson('[1,\n 2,,]', 'f.json');
      throw new Error('no error');
    } catch (e) {
      expect(e).toBeInstanceOf(JsonSyntaxError);
      expect(e).toMatchObject({ line: 2, column: 4 });
    }
  });
});

describe('bench selection and argv', () => {
  const pkg = (targets: [string, string][], manifest = '/ws/md/Cargo.toml'): MetadataPackage => ({
    name: 'md',
    manifest_path: manifest,
    targets: targets.map(([name, kind]) => ({ name, kind: [kind] })),
    dependencies: [{ name: 'criterion', kind: 'dev' }],
  });
  const manifest = '[package]\nname = "md"\n\n[[bench]]\nname = "crit"\nharness = false\n\n[[bench]]\nname = "lt"\n';

  it('takes harness from the manifest; cargo defaults to libtest', () => {
    expect(benchTargets(pkg([['md', 'lib'], ['crit', 'bench'], ['lt', 'bench'], ['auto', 'bench']]), manifest)).toEqual([
      { name: 'crit', harness: false },
      { name: 'lt', harness: true },
      { name: 'auto', harness: true },
    ]);
  });

  it('runs every criterion bench and explains the skipped libtest ones', () => {
    const p = pkg([['crit', 'bench'], ['lt', 'bench']]);
    const sel = selectBenches(p, benchTargets(p, manifest), undefined);
    expect(sel.run).toEqual(['crit']);
    expect(sel.skipped[0]).toContain('/ws/md/Cargo.toml: skipping bench `lt`: it uses the libtest harness');
  });

  it.each([
    [['lt'], 'bench `lt` uses the libtest harness (harness = true)'],
    [['nope'], 'package `md` has no bench target `nope` (bench targets: crit, lt)'],
  ])('refuses requested bench %j', (requested, message) => {
    const p = pkg([['crit', 'bench'], ['lt', 'bench']]);
    expect(() => selectBenches(p, benchTargets(p, manifest), requested)).toThrow(message);
  });

  it('fails clearly for a package with only libtest benches or none', () => {
    const p = pkg([['lt', 'bench']]);
    expect(() => selectBenches(p, benchTargets(p, manifest), undefined)).toThrow('has only libtest benches (lt)');
    const none = pkg([['md', 'lib']]);
    expect(() => selectBenches(none, [], undefined)).toThrow('has no bench targets');
  });

  it('builds one cargo bench per bench with criterion flags after --', () => {
    const extra = criterionArgs({ saveBaseline: 'main', warmUpTime: 0.5, measurementTime: 1, sampleSize: 10, filter: 'orderbook' });
    expect(cargoBenchArgs('market-data', 'orderbook_bench', extra)).toEqual([
      'bench', '-p', 'market-data', '--bench', 'orderbook_bench', '--',
      '--save-baseline', 'main', '--warm-up-time', '0.5', '--measurement-time', '1', '--sample-size', '10', 'orderbook',
    ]);
    expect(criterionArgs({ baseline: 'main' })).toEqual(['--baseline', 'main']);
    expect(criterionArgs({})).toEqual([]);
  });

  it('asks criterion for no plots unless plots are wanted, before the positional filter', () => {
    expect(criterionArgs({ sampleSize: 10, noplot: true, filter: 'shuffle' })).toEqual(['--sample-size', '10', '--noplot', 'shuffle']);
    expect(criterionArgs({ noplot: false })).toEqual([]);
  });

  it('tells a summary.json baseline from a criterion baseline name', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-base-'));
    try {
      fs.writeFileSync(path.join(dir, 'prev'), '{}');
      fs.mkdirSync(path.join(dir, 'main'));
      expect(resolveBaseline('main', dir)).toEqual({ kind: 'criterion', name: 'main' });
      expect(resolveBaseline('prev', dir)).toEqual({ kind: 'summary', file: path.join(dir, 'prev') });
      expect(resolveBaseline('dist/x/summary.json', dir)).toEqual({ kind: 'summary', file: path.join(dir, 'dist/x/summary.json') });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
