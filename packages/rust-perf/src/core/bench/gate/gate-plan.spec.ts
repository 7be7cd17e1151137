import { criterionResult as result } from './__fixtures__/results';
import { comparisonSummary, pinnedCpu, recordRound, tasksetCpus, wallComparisons, withCounted, type RoundTable } from './gate-plan';

describe('the same-job gate\'s rounds', () => {
  it('pairs each round\'s fastest samples per benchmark and decides by wall time', () => {
    const table: RoundTable = new Map();
    for (let r = 0; r < 6; r++) {
      recordRound(table, 'base', r, 'orderbook_bench', [result('orderbook/add', 200, 100)]);
      recordRound(table, 'head', r, 'orderbook_bench', [result('orderbook/add', 260, 120 + r)]);
    }
    const [c] = wallComparisons(table, 6, 'fastest', 5);
    expect(c).toMatchObject({ id: 'orderbook/add', bench: 'orderbook_bench', status: 'compared', decidedBy: 'wall-time', verdict: 'regressed' });
    expect(c.metrics[0].rounds).toEqual([0, 1, 2, 3, 4, 5].map((r) => ({ base: 100, head: 120 + r })));
    expect(c.metrics[0].label).toBeUndefined();
    expect(c.criterionRounds).toHaveLength(6);
  });

  it('falls back to criterion\'s median (and says so in the label) when a run has no samples', () => {
    const table: RoundTable = new Map();
    for (let r = 0; r < 6; r++) {
      recordRound(table, 'base', r, 'b', [result('x', 100, r === 2 ? undefined : 50)]);
      recordRound(table, 'head', r, 'b', [result('x', 100, 50)]);
    }
    const [c] = wallComparisons(table, 6, 'fastest', 5);
    expect(c.metrics[0].label).toBe('wall time (median per iteration)');
    expect(c.metrics[0].rounds[0]).toEqual({ base: 100, head: 100 });
    expect(c.verdict).toBe('no significant change');
  });

  it('reports a benchmark only the head ran as new, one only the base ran as removed, and skips benches whose base failed', () => {
    const table: RoundTable = new Map();
    recordRound(table, 'head', 0, 'b', [result('only-head', 10, 9)]);
    recordRound(table, 'base', 0, 'b', [result('only-base', 10, 9)]);
    recordRound(table, 'base', 0, 'broken', [result('broken/x', 10, 9)]);
    recordRound(table, 'head', 0, 'broken', [result('broken/x', 10, 9)]);
    expect(wallComparisons(table, 1, 'fastest', 5, new Set(['broken'])).map((c) => [c.id, c.status, c.verdict, c.headOnly?.median])).toEqual([
      ['only-head', 'new', 'new', 9],
      ['only-base', 'removed', 'removed', undefined],
    ]);
  });

  it('lets counted instructions decide when both sides\' counts repeat, else says why', () => {
    const table: RoundTable = new Map();
    for (let r = 0; r < 6; r++) {
      recordRound(table, 'base', r, 'b', [result('x', 100, 50)]);
      recordRound(table, 'head', r, 'b', [result('x', 100, 50)]);
    }
    const [wall] = wallComparisons(table, 6, 'fastest', 5);
    const counted = withCounted(wall, [1000, 1000], [1060, 1060], 1);
    expect(counted).toMatchObject({ decidedBy: 'instructions', verdict: 'regressed' });
    expect('metrics' in counted && counted.metrics.map((m) => m.metric)).toEqual(['instructions', 'wall-time']);
    expect(withCounted(wall, [], [1060, 1060], 1)).toEqual({ reason: 'no counted runs on both sides' });
    // Counts that do not repeat never decide, however far apart the sides are.
    expect(withCounted(wall, [1000, 1100], [2000, 2000], 1)).toMatchObject({ reason: expect.stringMatching(/^its counts do not repeat \(base 1,000, 1,100, spread 9\.52%/) });
  });
});

describe('CPU pinning', () => {
  it('reads taskset\'s affinity list and pins to the last CPU when there are several', () => {
    expect(tasksetCpus("pid 4242's current affinity list: 0-3,6\n")).toEqual([0, 1, 2, 3, 6]);
    expect(pinnedCpu(tasksetCpus("pid 1's current affinity list: 0,1"))).toBe(1);
    expect(pinnedCpu(tasksetCpus("pid 1's current affinity list: 0"))).toBeUndefined();
    expect(tasksetCpus('taskset: failed')).toEqual([]);
  });
});

describe('comparisonSummary', () => {
  it('records the benches it covered, its elapsed time (0.1 s) and the gate, as the shard merge reads them', () => {
    const run = { project: 'md', package: 'market-data', ref: 'main', baseCommit: 'b'.repeat(40), headCommit: 'h'.repeat(40), rounds: 3, rustc: 'rustc 1.95.0', benches: ['orderbook_bench'], elapsedSeconds: 12.345 };
    const s = comparisonSummary(run, [], [], { failed: true, message: 'regressed' }, '2026-12-03T00:00:00.000Z');
    expect(s).toEqual({
      schemaVersion: 1,
      project: 'md',
      package: 'market-data',
      createdAt: '2026-12-03T00:00:00.000Z',
      rustc: 'rustc 1.95.0',
      benches: ['orderbook_bench'],
      elapsedSeconds: 12.3,
      benchmarks: [],
      comparison: { ref: 'main', baseCommit: 'b'.repeat(40), headCommit: 'h'.repeat(40), rounds: 3, cpu: null, verdict: 'fail', message: 'regressed', benchmarks: [] },
    });
  });
});
