import { benchTasksFromGraph, mergeShardSummaries, parseCosts, readShardSummary, splitShards, ShardInputError, type BenchTask } from './shards';
import { JsonSyntaxError } from '../json';

const task = (project: string, bench: string): BenchTask => ({ project, target: `bench--${bench}`, bench });

describe('benchTasksFromGraph', () => {
  const graph = JSON.stringify({
    graph: {
      nodes: {
        'market-data': {
          data: {
            targets: {
              'bench--orderbook_bench': { executor: 'rust-perf:bench', options: { benches: ['orderbook_bench'], outputPath: 'dist/bench-ci/market-data/orderbook_bench' } },
              'bench--depth': { executor: 'rust-perf:bench', options: { benches: ['depth'] } },
              'bench-ci': { executor: 'nx:noop', dependsOn: [{ target: 'bench--orderbook_bench', projects: 'self', params: 'forward' }, { target: 'bench--depth', params: 'forward' }, '^build'] },
            },
          },
        },
        common: { data: { targets: { 'bench--codec_bench': { executor: 'rust-perf:bench', options: { benches: ['codec_bench'] } }, 'bench-ci': { dependsOn: ['bench--codec_bench'] } } } },
        'no-benches': { data: { targets: { doctor: {} } } },
      },
    },
  });

  it('follows each project\'s bench-ci dependsOn to its atomized targets, sorted', () => {
    expect(benchTasksFromGraph(graph, 'graph.json', ['market-data', 'common', 'no-benches'], 'bench-ci')).toEqual([
      { project: 'common', target: 'bench--codec_bench', bench: 'codec_bench' },
      { project: 'market-data', target: 'bench--depth', bench: 'depth' },
      { project: 'market-data', target: 'bench--orderbook_bench', bench: 'orderbook_bench', outputPath: 'dist/bench-ci/market-data/orderbook_bench' },
    ]);
    expect(benchTasksFromGraph(graph, 'graph.json', ['common'], 'bench-ci')).toHaveLength(1);
  });

  it('names the file and line of a broken graph, and says how to write one', () => {
    expect(() => benchTasksFromGraph('{"graph": {', 'g.json', [], 'bench-ci')).toThrow(JsonSyntaxError);
    expect(() => benchTasksFromGraph('{}', 'g.json', [], 'bench-ci')).toThrow('g.json: not an Nx project graph (no graph.nodes); write it with `npx nx graph --file=g.json`.');
  });
});

describe('splitShards', () => {
  const tasks = ['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((b) => task('md', b));

  it('splits equally (by count) when no cost was measured, deterministically', () => {
    const plan = splitShards(tasks, 3);
    expect(plan.balance).toBe('equal');
    expect(plan.assignments.map((a) => a.tasks.map((t) => t.bench))).toEqual([['a', 'd', 'g'], ['b', 'e'], ['c', 'f']]);
    expect(splitShards([...tasks].reverse(), 3)).toEqual({ ...plan, expected: [...tasks].reverse() });
  });

  it('balances on measured costs: longest first onto the least-loaded shard; every task on exactly one shard', () => {
    const costs = { 'md:a': 60, 'md:b': 30, 'md:c': 30, 'md:d': 20, 'md:e': 10, 'md:f': 10, 'md:g': 10 };
    const plan = splitShards(tasks, 3, costs);
    expect(plan.balance).toBe('measured');
    expect(plan.assignments.map((a) => [a.tasks.map((t) => t.bench), a.cost])).toEqual([
      [['a'], 60],
      [['b', 'd', 'g'], 60],
      [['c', 'e', 'f'], 50],
    ]);
    const all = plan.assignments.flatMap((a) => a.tasks.map((t) => t.bench)).sort();
    expect(all).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('gives a bench without a measured cost the median of the known ones, and refuses a bad shard count', () => {
    const plan = splitShards(tasks.slice(0, 3), 2, { 'md:a': 100, 'md:b': 10 });
    expect(plan.balance).toBe('partly measured');
    expect(plan.assignments.map((a) => a.cost)).toEqual([100, 20]);
    expect(() => splitShards(tasks, 0)).toThrow(ShardInputError);
    expect(() => splitShards(tasks, 1.5)).toThrow('the number of shards must be a whole number of at least 1, got 1.5.');
  });

  it('reads costs as the merge writes them, ignoring values that are no duration', () => {
    expect(parseCosts('{"costs": {"md:a": 12.5, "md:b": -1, "md:c": "x"}}', 'c.json')).toEqual({ 'md:a': 12.5 });
    expect(() => parseCosts('{"md:a": 1}', 'c.json')).toThrow('c.json: expected {"costs"');
  });
});

describe('mergeShardSummaries', () => {
  const comparison = (id: string, verdict: string, change = 0.01) => ({
    id,
    bench: id.split('/')[0],
    status: 'compared',
    verdict,
    decidedBy: 'instructions',
    metrics: [{ metric: 'instructions', verdict, rounds: [], change: { baseMedian: 1000, headMedian: 1000 * (1 + change / 100), changePercent: change, lowerPercent: change, upperPercent: change, rounds: 2, interval: 'range', confidence: 1 } }],
  });
  const summaryText = (project: string, bench: string, verdict: 'pass' | 'fail', comparisons: unknown[], elapsedSeconds = 10, rounds = 30) =>
    JSON.stringify({
      schemaVersion: 1,
      project,
      benches: [bench],
      elapsedSeconds,
      comparison: { ref: 'main', baseCommit: 'b'.repeat(40), headCommit: 'h'.repeat(40), rounds, verdict, message: verdict === 'fail' ? `1 benchmark(s) regressed by more than 1%:\n  ${bench}/x: regressed` : 'No regression', benchmarks: comparisons },
    });
  const expected = [task('common', 'codec_bench'), task('market-data', 'orderbook_bench'), task('execution-engine', 'router_bench')];
  const all = [
    readShardSummary(summaryText('common', 'codec_bench', 'pass', [comparison('codec_bench/encode', 'no significant change')], 12), 'shard-1/common/summary.json'),
    readShardSummary(summaryText('market-data', 'orderbook_bench', 'fail', [comparison('orderbook_bench/insert', 'regressed', 5.1)], 30), 'shard-2/md/summary.json'),
    readShardSummary(summaryText('execution-engine', 'router_bench', 'pass', [comparison('router_bench/route', 'no significant change')], 8), 'shard-3/ee/summary.json'),
  ];

  it('fails when one part regressed, naming it, keeps every benchmark\'s verdict and the measured costs', () => {
    const merged = mergeShardSummaries(expected, all);
    expect(merged.failed).toBe(true);
    expect(merged.missing).toEqual([]);
    expect(merged.verdicts).toEqual({ 'common/codec_bench/encode': 'no significant change', 'market-data/orderbook_bench/insert': 'regressed', 'execution-engine/router_bench/route': 'no significant change' });
    expect(merged.message).toContain('market-data:orderbook_bench: 1 benchmark(s) regressed by more than 1%:');
    expect(merged.costs).toEqual({ 'common:codec_bench': 12, 'market-data:orderbook_bench': 30, 'execution-engine:router_bench': 8 });
    expect(merged.markdown).toContain('| market-data | orderbook_bench/insert | instructions per iteration (counted) |');
  });

  it('[exec-bench-summary-missing] fails when a bench reported nothing, naming the missing targets; passes when all parts passed', () => {
    const ok = all.filter((s) => s.project !== 'market-data');
    const merged = mergeShardSummaries(expected, ok);
    expect(merged.failed).toBe(true);
    expect(merged.missing.map((t) => t.target)).toEqual(['bench--orderbook_bench']);
    expect(merged.message).toBe('1 of 3 expected bench(es) reported no summary, so the gate cannot pass (a shard failed before writing it, or never reported):\n  market-data:bench--orderbook_bench (cargo bench -p … --bench orderbook_bench)');
    const passing = mergeShardSummaries([expected[0], expected[2]], ok);
    expect(passing.failed).toBe(false);
    expect(passing.message).toBe('No regression in 2 bench target(s) from 2 summary file(s) (2 benchmark(s) compared with the base on their own runner).');
  });

  it('records costs only from benches that ran: a bench not rerun (0 rounds) took no measurement', () => {
    const notRerun = readShardSummary(summaryText('common', 'codec_bench', 'pass', [], 0.1, 0), 'shard-1/common/summary.json');
    expect(notRerun.ran).toBe(false);
    const merged = mergeShardSummaries(expected, [notRerun, ...all.slice(1)]);
    expect(merged.costs).toEqual({ 'market-data:orderbook_bench': 30, 'execution-engine:router_bench': 8 });
  });

  it('reports a bench that ran on two runners and keeps the worse verdict', () => {
    const again = readShardSummary(summaryText('common', 'codec_bench', 'fail', [comparison('codec_bench/encode', 'regressed', 3)]), 'shard-3/common/summary.json');
    const merged = mergeShardSummaries(expected, [...all, again]);
    expect(merged.duplicated).toEqual(['common:codec_bench']);
    expect(merged.verdicts['common/codec_bench/encode']).toBe('regressed');
  });

  it('[exec-bench-summary-bad-file] refuses a file that is not an atomized compareRef summary, naming it', () => {
    expect(() => readShardSummary('{"project": "md", "benchmarks": []}', 'dist/bench/md/summary.json')).toThrow('dist/bench/md/summary.json: not a summary.json of an atomized bench run with compareRef');
    expect(() => readShardSummary('{"project": "md",\n  "benches": [', 'shards/md/summary.json')).toThrow(/^shards\/md\/summary\.json:2:\d+: invalid JSON/);
  });
});
