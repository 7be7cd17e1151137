// Criterion benches through Nx: summary.json with real numbers, a baseline run, and the
// regression gate tripping on a deliberately slowed order book.
import { createWorkspace, type TestWorkspace } from './harness';

// Short criterion settings keep CI time low; one benchmark id via criterion's filter.
const FAST = ['--measurementTime=1', '--warmUpTime=0.5', '--sampleSize=10', '--filter=orderbook'];

interface Summary {
  schemaVersion: number;
  benchmarks: { id: string; median: { estimate: number; lower: number; upper: number }; baseline?: { changePercent: number; regressed: boolean } }[];
}

describe('bench', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());

  test('bench writes a summary, compares with a baseline and fails on a regression', async () => {
    const first = await ws.nx(['run', 'market-data:bench', ...FAST, '--saveBaseline=before']);
    expect(first.stdout + first.stderr).toMatch(/done orderbook\/add_cancel_match: median/);
    const summary = JSON.parse(ws.read('dist/bench/market-data/summary.json')) as Summary;
    expect(summary.schemaVersion).toBe(1);
    expect(summary.benchmarks.map((b) => b.id)).toEqual(['orderbook/add_cancel_match']);
    const m = summary.benchmarks[0].median;
    expect(m.estimate).toBeGreaterThan(0);
    expect(m.lower).toBeLessThanOrEqual(m.estimate);
    expect(m.upper).toBeGreaterThanOrEqual(m.estimate);
    expect(ws.read('dist/bench/market-data/summary.md')).toContain('| orderbook/add_cancel_match |');
    ws.write('before-summary.json', ws.read('dist/bench/market-data/summary.json'));

    // Second run against criterion's saved baseline prints the change.
    const second = await ws.nx(['run', 'market-data:bench', ...FAST, '--baseline=before']);
    expect(second.stdout + second.stderr).toMatch(/orderbook\/add_cancel_match: median .* → .* \([+-]\d+\.\d+%\)/);
    const compared = JSON.parse(ws.read('dist/bench/market-data/summary.json')) as Summary;
    expect(compared.benchmarks[0].baseline).toBeDefined();

    // Test-only patch: a busy loop in OrderBook::add makes every benchmark iteration several times slower.
    const book = ws.read('rust/market-data/src/book.rs');
    const patched = book.replace(/(pub fn add\([^{]*\{)/, '$1\n        for i in 0..2_000u32 { std::hint::black_box(i); }');
    expect(patched).not.toBe(book);
    ws.write('rust/market-data/src/book.rs', patched);
    const gated = await ws.nx(['run', 'market-data:bench', ...FAST, '--baseline=before-summary.json', '--failOnRegression=10'], { allowFailure: true });
    const out = gated.stdout + gated.stderr;
    expect(gated.exitCode).not.toBe(0);
    expect(out).toMatch(/regressed by more than 10%/);
    expect(out).toMatch(/orderbook\/add_cancel_match: .* → .* \(\+\d+\.\d+%/);
  }, 1_200_000);
});
