// The counted bench mode for CI. `--metric=instructions` counts a benchmark's routine
// under callgrind (criterion --test, x86-64-v3 build) several times; a no-change run passes the
// gate against a saved counted baseline, and a few percent more work in OrderBook::add fails it.
import { createWorkspace, type TestWorkspace } from './harness';

// One bench, one benchmark id; three counted runs per side.
const COUNTED = ['--metric=instructions', '--countRuns=3', '--filter=^orderbook/add_cancel_match$'];

interface CountedSummary {
  schemaVersion: number;
  metric: string;
  gate?: { metric: string; thresholdPercent: number };
  benchmarks: {
    id: string;
    metric: string;
    median: { estimate: number; lower: number; upper: number; unit: string };
    counted: { runs: number[]; spreadPercent: number; deterministic: boolean; cpu: string };
    baseline?: { metric: string; changePercent: number; allowedPercent: number; regressed: boolean };
  }[];
}

describe('bench, counted', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());

  test('a counted run passes against its own baseline and fails on ≥ 2 % more instructions', async () => {
    const first = await ws.nx(['run', 'market-data:bench', ...COUNTED]);
    expect(first.stdout + first.stderr).toMatch(/done orderbook\/add_cancel_match: [\d,]+ instructions \(spread \d+\.\d+% over 3 runs\)/);
    const base = JSON.parse(ws.read('dist/bench/market-data/summary.json')) as CountedSummary;
    expect(base.metric).toBe('instructions');
    expect(base.benchmarks.map((b) => b.id)).toEqual(['orderbook/add_cancel_match']);
    const b0 = base.benchmarks[0];
    expect(b0.counted.runs).toHaveLength(3);
    expect(b0.counted.cpu).toBe('x86-64-v3');
    expect(b0.median.unit).toBe('instructions');
    // The routine only (criterion's start-up is ~44 M instructions; the routine ~5.7 M): collection is toggled.
    expect(b0.median.estimate).toBeGreaterThan(1e6);
    expect(b0.median.estimate).toBeLessThan(3e7);
    // The runs agree far more closely than wall time does (measured 0.2–0.5 %: OrderBook's std HashMap seeds
    // its hasher per process), below the 1 % gate used here; `deterministic` is the 0.5 % rule.
    // The order book's maps hash with fixed keys (common::FixedHashMap): its runs agree within the 0.5 %.
    expect(b0.counted.spreadPercent).toBeLessThanOrEqual(0.5);
    expect(b0.counted.deterministic).toBe(true);
    ws.write('counted-baseline.json', ws.read('dist/bench/market-data/summary.json'));

    // No change: passes a 1 % gate (wall time on this machine moves by far more than 1 %).
    const same = await ws.nx(['run', 'market-data:bench', ...COUNTED, '--baseline=counted-baseline.json', '--failOnRegression=1']);
    expect(same.stdout + same.stderr).toMatch(/No regression above 1% in counted instructions \(1 of 1 benchmark\(s\) compared\)/);
    const compared = JSON.parse(ws.read('dist/bench/market-data/summary.json')) as CountedSummary;
    expect(compared.gate).toEqual({ metric: 'instructions', thresholdPercent: 1 });
    expect(compared.benchmarks[0].baseline).toMatchObject({ metric: 'instructions', regressed: false });
    expect(Math.abs(compared.benchmarks[0].baseline!.changePercent)).toBeLessThan(0.5);

    // A wall-time run cannot use the counted baseline.
    const mixed = await ws.nx(['run', 'market-data:bench', '--filter=orderbook', '--sampleSize=10', '--measurementTime=1', '--warmUpTime=0.5', '--baseline=counted-baseline.json'], { allowFailure: true });
    expect(mixed.exitCode).not.toBe(0);
    expect(mixed.stdout + mixed.stderr).toMatch(/counted-baseline\.json: its benchmarks are counted instructions, this run measures wall time/);

    // RUST_PERF_SLOW_COUNTED compiles 40 extra loop iterations into every OrderBook::add (the example's test-only hook).
    const slow = await ws.nx(['run', 'market-data:bench', ...COUNTED, '--baseline=counted-baseline.json', '--failOnRegression=1'], {
      allowFailure: true,
      env: { RUST_PERF_SLOW_COUNTED: '1' },
    });
    const out = slow.stdout + slow.stderr;
    expect(slow.exitCode).not.toBe(0);
    expect(out).toMatch(/1 benchmark\(s\) regressed by more than 1% in counted instructions/);
    expect(out).toMatch(/orderbook\/add_cancel_match: [\d,]+ → [\d,]+ instructions \(\+\d+\.\d+%; allowed 1\.00%/);
    const gated = JSON.parse(ws.read('dist/bench/market-data/summary.json')) as CountedSummary;
    const change = gated.benchmarks[0].baseline!.changePercent;
    expect(change).toBeGreaterThanOrEqual(2);
    expect(gated.benchmarks[0].baseline!.regressed).toBe(true);
    expect(gated.gate?.metric).toBe('instructions');
  }, 1_500_000);
});
