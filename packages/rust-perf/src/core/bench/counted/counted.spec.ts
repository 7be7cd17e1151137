import * as fs from 'node:fs';
import * as path from 'node:path';
import { ToolNotFoundError } from '../../process/run';
import {
  callgrindBenchArgs,
  compareCounted,
  countedGate,
  countedTableRows,
  criterionListArgs,
  criterionTestArgs,
  DETERMINISTIC_SPREAD_PERCENT,
  noisyWarning,
  parseCountedBaseline,
  parseCountedRun,
  parseCriterionList,
  renderCountedMarkdown,
  spreadPercent,
  summarizeCounted,
  type CountedBenchSummary,
} from './counted';
import { countBenches } from './counted-run';
import { BaselineFileError, parseBaselineSummary } from '../summary';

const fixtures = path.join(__dirname, '__fixtures__');
const read = (name: string) => fs.readFileSync(path.join(fixtures, name), 'utf8');
const runsOf = (xs: number[]) => xs.map((instructions) => ({ instructions, estimatedCycles: instructions * 2 }));

describe('counted bench argv', () => {
  it('counts only inside criterion\'s Bencher::iter*, with the fixed cache geometry', () => {
    const args = callgrindBenchArgs('/tmp/cg.out');
    expect(args).toEqual(
      expect.arrayContaining(['--tool=callgrind', '--collect-atstart=no', '--toggle-collect=criterion::bencher::Bencher*::iter*', '--I1=32768,8,64', '--LL=8388608,16,64', '--callgrind-out-file=/tmp/cg.out']),
    );
    expect(criterionTestArgs('orderbook/add_cancel_match')).toEqual(['--bench', '--test', '--exact', 'orderbook/add_cancel_match']);
    expect(criterionListArgs()).toEqual(['--bench', '--list']);
    expect(criterionListArgs('^parse/')).toEqual(['--bench', '--list', '^parse/']);
  });

  it('reads benchmark ids from the real `--list` output of the example\'s orderbook_bench', () => {
    expect(parseCriterionList(read('list.txt'))).toEqual(['orderbook/add_cancel_match', 'parse/feed_json', 'parse/feed_json_and_apply']);
  });

  it('reads instructions from a real callgrind output file of one benchmark', () => {
    // callgrind --toggle-collect over `orderbook_bench --bench --test --exact orderbook/add_cancel_match` (valgrind 3.19).
    const r = parseCountedRun(read('callgrind.add_cancel_match.out'), 'callgrind.out');
    expect(r.instructions).toBe(3_530_513);
    // L1 hits + 5 × LL hits + 35 × RAM: (3,530,513 + 700,790 + 502,244 − 6,000) + 5 × (6,000 − 51) + 35 × 51
    expect(r.estimatedCycles).toBe(4_727_547 + 5 * 5_949 + 35 * 51);
  });
});

describe('counted summary and gate', () => {
  it('summarizes runs as median with min/max and the spread', () => {
    const s = summarizeCounted('orderbook/add_cancel_match', 'orderbook_bench', runsOf([5_663_373, 5_655_041, 5_660_000]), 'x86-64-v3');
    expect(s.median).toEqual({ estimate: 5_660_000, lower: 5_655_041, upper: 5_663_373, unit: 'instructions' });
    expect(s.counted.spreadPercent).toBeCloseTo(((5_663_373 - 5_655_041) / 5_660_000) * 100, 6);
    expect(s.counted.deterministic).toBe(true);
    expect(spreadPercent([100, 100, 100])).toBe(0);
  });

  it('fails a deterministic benchmark 2 % slower at a 1 % threshold, passes one 0.3 % slower', () => {
    const old = summarizeCounted('a', 'b', runsOf([1_000_000, 1_000_100, 1_000_050]), 'x86-64-v3');
    const entry = { median: old.median, spreadPercent: old.counted.spreadPercent };
    const slower = compareCounted(summarizeCounted('a', 'b', runsOf([1_020_000, 1_020_100, 1_020_050]), 'x86-64-v3'), entry, 'base.json', 1);
    expect(slower.baseline).toMatchObject({ regressed: true, allowedPercent: 1, metric: 'instructions' });
    expect(slower.baseline!.changePercent).toBeCloseTo(2, 1);
    const same = compareCounted(summarizeCounted('a', 'b', runsOf([1_003_000, 1_003_100, 1_003_050]), 'x86-64-v3'), entry, 'base.json', 0.1);
    expect(same.baseline!.regressed).toBe(true); // 0.3 % > 0.1 %, ranges apart: a counted gate can be that tight
    expect(compareCounted(summarizeCounted('a', 'b', runsOf([1_003_000, 1_003_100, 1_003_050]), 'x86-64-v3'), entry, 'base.json', 1).baseline!.regressed).toBe(false);
    const gate = countedGate([slower], 1);
    expect(gate.failed).toBe(true);
    expect(gate.message).toMatch(/1 benchmark\(s\) regressed by more than 1% in counted instructions/);
    expect(gate.message).toContain('a: 1,000,050 → 1,020,050 instructions (+2.00%; allowed 1.00%; runs [1,000,000 – 1,000,100] vs [1,020,000 – 1,020,100])');
    expect(countedGate([same], undefined)).toEqual({ failed: false, offenders: [], message: '' });
  });

  // Real spreads measured on the example (docs/bench-and-ci.md): parse/feed_json fills a std HashMap with random keys.
  it('[exec-bench-count-noisy] names a benchmark whose runs disagree and gates it at its own spread', () => {
    const noisy = summarizeCounted('parse/feed_json', 'orderbook_bench', runsOf([25_386_674, 25_799_465, 25_512_000]), 'x86-64-v3');
    const steady = summarizeCounted('orderbook/add_cancel_match', 'orderbook_bench', runsOf([5_655_041, 5_663_373, 5_660_000]), 'x86-64-v3');
    expect(noisy.counted.spreadPercent).toBeGreaterThan(DETERMINISTIC_SPREAD_PERCENT);
    expect(noisy.counted.deterministic).toBe(false);
    const warning = noisyWarning([steady, noisy]);
    expect(warning).toMatch(/^1 benchmark\(s\) are not deterministic enough to count \(their 3 counted runs differ by more than 0.5%\):\n {2}parse\/feed_json: runs 25,386,674, 25,799,465, 25,512,000 \(spread 1\.62%\)/);
    expect(warning).toContain('gate them on wall time');
    expect(noisyWarning([steady])).toBe('');
    // 1.2 % more than the old median, inside its own 1.62 % spread: not a regression at a 1 % gate.
    const entry = { median: noisy.median, spreadPercent: noisy.counted.spreadPercent };
    const drift = compareCounted(summarizeCounted('parse/feed_json', 'orderbook_bench', runsOf([25_818_000, 25_820_000, 25_822_000]), 'x86-64-v3'), entry, 'b.json', 1);
    expect(drift.baseline!.changePercent).toBeGreaterThan(1);
    expect(drift.baseline!.allowedPercent).toBeCloseTo(noisy.counted.spreadPercent, 6);
    expect(drift.baseline!.regressed).toBe(false);
    expect(countedTableRows([drift])[1]).toEqual(['parse/feed_json', '25,820,000', '0.02%', '51,640,000', '25,512,000', '+1.21%', '1.62%', 'no significant change']);
  });

  it('writes a summary.json that reads back as a counted baseline, and markdown naming the metric', () => {
    const b = summarizeCounted('orderbook/add_cancel_match', 'orderbook_bench', runsOf([5_655_041, 5_663_373, 5_660_000]), 'x86-64-v3');
    const summary: CountedBenchSummary = { schemaVersion: 1, project: 'market-data', package: 'market-data', createdAt: '2026-11-30T00:00:00Z', rustc: 'rustc 1.95.0', metric: 'instructions', valgrind: 'valgrind-3.19.0', benchmarks: [b] };
    const back = parseCountedBaseline(JSON.stringify(summary), 'summary.json');
    expect(back.get('orderbook/add_cancel_match')).toEqual({ median: b.median, spreadPercent: b.counted.spreadPercent });
    expect(renderCountedMarkdown(summary)).toContain('| orderbook/add_cancel_match | 5,660,000 | 0.15% | 11,320,000 |');
  });

  it('[exec-bench-metric-mismatch] refuses a baseline of the other metric, naming the file', () => {
    const wall = JSON.stringify({ schemaVersion: 1, metric: 'wall', benchmarks: [{ id: 'a', median: { estimate: 10, lower: 9, upper: 11 } }] });
    const legacyWall = JSON.stringify({ schemaVersion: 1, benchmarks: [] });
    const counted = JSON.stringify({ schemaVersion: 1, metric: 'instructions', benchmarks: [] });
    expect(() => parseCountedBaseline(wall, 'prev.json')).toThrow(new BaselineFileError('prev.json', 'its benchmarks are wall time (nanoseconds), this run counts instructions; compare like with like: make the baseline with --metric=instructions'));
    expect(() => parseCountedBaseline(legacyWall, 'prev.json')).toThrow(/prev\.json: its benchmarks are wall time/);
    expect(() => parseBaselineSummary(counted, 'prev.json')).toThrow(/^prev\.json: its benchmarks are counted instructions, this run measures wall time/);
    expect(parseBaselineSummary(wall, 'prev.json').get('a')?.estimate).toBe(10);
    expect(() => parseCountedBaseline(JSON.stringify({ schemaVersion: 1, metric: 'instructions', benchmarks: [{ id: 'a', median: { estimate: 1, lower: 1, upper: 1 } }] }), 'p.json')).toThrow(
      'p.json: benchmarks[0].counted.spreadPercent must be a number ≥ 0',
    );
  });
});

describe('counted runs', () => {
  it('[exec-bench-count-valgrind-missing] names the missing valgrind and the package that provides it, before running anything', async () => {
    const started = Date.now();
    const err = await countBenches({ exe: '/nonexistent/bench', bench: 'b', cwd: __dirname, runs: 1, valgrind: '/nonexistent/valgrind' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToolNotFoundError);
    expect((err as Error).message).toBe('/nonexistent/valgrind was not found on PATH. Fix: apt-get install valgrind');
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
