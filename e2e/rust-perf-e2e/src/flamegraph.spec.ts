// Issue 5: perf + inferno through Nx: an SVG (and folded stacks) naming the order book's functions.
import { createWorkspace, type TestWorkspace } from './harness';

describe('flamegraph', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());

  test('flamegraph renders an SVG with the order book functions', async () => {
    // The inferred target records the market-data binary; a short synthetic workload keeps perf.data small.
    const r = await ws.nx(['run', 'market-data:flamegraph', '--args=--synthetic', '--args=300000']);
    const out = r.stdout + r.stderr;
    expect(out).toMatch(/kernel\.perf_event_paranoid=/);
    expect(out).toMatch(/wrote dist\/flamegraph\/market-data\/market-data\.svg/);
    const svg = ws.read('dist/flamegraph/market-data/market-data.svg');
    expect(svg.startsWith('<?xml')).toBe(true);
    expect(svg).toContain('</svg>');
    expect(svg).toMatch(/market_data::book::OrderBook::\w+/);
    expect(ws.read('dist/flamegraph/market-data/market-data.folded')).toMatch(/market_data::.* \d+\n/);
  }, 1_200_000);
});
