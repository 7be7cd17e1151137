import {
  compareCounted,
  comparisonRows,
  compareMetric,
  decide,
  describeComparison,
  hodgesLehmann,
  metricVerdict,
  pairedChange,
  pairedGate,
  roundsNeeded,
  WALL_LABELS,
  renderComparisonMarkdown,
  roundOrder,
  signedRankCdf,
  type BenchComparison,
  type PairedRound,
} from './paired';

// A deterministic stand-in for noise: a fixed pseudo-random sequence (xorshift), so tests never flake.
function noise(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000 - 0.5;
  };
}

function rounds(n: number, ratio: number, spread: number, seed = 7): PairedRound[] {
  const r = noise(seed);
  return Array.from({ length: n }, () => {
    const drift = 1 + r() * 0.2; // the machine's load moves both sides of a round together
    return { base: 1000 * drift * (1 + r() * spread), head: 1000 * ratio * drift * (1 + r() * spread) };
  });
}

describe('signed-rank distribution and Hodges–Lehmann interval', () => {
  it('matches the textbook exact null distribution', () => {
    // n = 10: P(T ≤ 8) = 25/1024 = 0.0244 is the two-sided 5% critical value in every table.
    const cdf = signedRankCdf(10);
    expect(cdf[8] * 1024).toBeCloseTo(25, 9);
    expect(cdf[9] * 1024).toBeCloseTo(33, 9); // 0.0322: just above 2.5 %
    expect(cdf[cdf.length - 1]).toBeCloseTo(1, 12);
    expect(signedRankCdf(3).map((p) => p * 8)).toEqual([1, 2, 3, 5, 6, 7, 8]);
  });

  it('uses the widest exact interval when few rounds cannot reach 95%', () => {
    const d = [0.1, 0.2, 0.3, 0.4, 0.5];
    const hl = hodgesLehmann(d);
    expect(hl.lower).toBeCloseTo(0.1);
    expect(hl.upper).toBeCloseTo(0.5);
    expect(hl.confidence).toBeCloseTo(1 - 2 / 32);
    expect(hl.estimate).toBeCloseTo(0.3);
  });

  it('reaches 95% at 10 rounds with the 9th Walsh averages from each end', () => {
    const d = Array.from({ length: 10 }, (_, i) => i);
    const hl = hodgesLehmann(d);
    expect(hl.confidence).toBeCloseTo(1 - 50 / 1024);
    expect(hl.lower).toBe(2); // 9th smallest of the 55 Walsh averages of 0..9
    expect(hl.upper).toBe(7);
  });

  it('reports the change in percent and the medians of each side', () => {
    const c = pairedChange([
      { base: 100, head: 110 },
      { base: 200, head: 220 },
      { base: 150, head: 165 },
      { base: 120, head: 132 },
      { base: 90, head: 99 },
      { base: 110, head: 121 },
    ]);
    expect(c.changePercent).toBeCloseTo(10);
    expect(c.lowerPercent).toBeCloseTo(10);
    expect(c.upperPercent).toBeCloseTo(10);
    expect(c.baseMedian).toBe(115);
    expect(c.rounds).toBe(6);
  });

  it('rejects non-positive values instead of producing NaN', () => {
    expect(() => pairedChange([{ base: 0, head: 1 }])).toThrow('positive');
  });
});

describe('paired verdicts', () => {
  it('sees a 3% slowdown through 10% load drift that moves both sides of each round', () => {
    const c = pairedChange(rounds(10, 1.03, 0.01));
    expect(c.lowerPercent).toBeGreaterThan(0);
    expect(c.changePercent).toBeGreaterThan(2);
    expect(c.changePercent).toBeLessThan(4);
    expect(metricVerdict(c, 5)).toBe('slower');
    expect(metricVerdict(c, 2)).toBe('regressed');
  });

  it('calls no change on A/A rounds (many seeds: a false alarm needs every sign to agree)', () => {
    let alarms = 0;
    for (let seed = 1; seed <= 200; seed++) if (metricVerdict(pairedChange(rounds(8, 1, 0.02, seed)), 0) === 'regressed') alarms++;
    expect(alarms).toBeLessThanOrEqual(10); // ≤ 2.5 % expected; 5 % allowed
  });

  it('calls a faster head faster, never regressed', () => {
    expect(metricVerdict(pairedChange(rounds(8, 0.9, 0.01)), 0)).toBe('faster');
  });

  it('labels wall time by the statistic each round contributed', () => {
    const fastest = compareMetric('wall-time', rounds(8, 1.0, 0.05), 5);
    const med = compareMetric('wall-time', rounds(8, 1.0, 0.05), 5, WALL_LABELS.median);
    expect(fastest.label).toBeUndefined();
    expect(describeComparison(decide('a', 'b', [fastest]))).toMatch(/decided by wall time \(fastest sample per iteration\)$/);
    expect(describeComparison(decide('a', 'b', [med]))).toMatch(/decided by wall time \(median per iteration\)$/);
    expect(comparisonRows([decide('a', 'b', [med])])[1][1]).toBe('wall time (median per iteration)');
  });

  it('decides by counted work first and says so', () => {
    const wall = compareMetric('wall-time', rounds(8, 1.0, 0.05), 5);
    const counted = compareMetric('instructions', rounds(8, 1.08, 0), 5);
    const b = decide('orderbook/add_cancel_match', 'orderbook_bench', [wall, counted]);
    expect(b.decidedBy).toBe('instructions');
    expect(b.verdict).toBe('regressed');
    expect(describeComparison(b)).toMatch(/^orderbook\/add_cancel_match: regressed, .* instr → .* instr, change \+8\.\d\d%, interval \[\+8\.\d\d%, \+8\.\d\d%\] \(\d+\.\d%, 8 rounds\), decided by instructions per iteration \(counted\); wall time/);
    expect(decide('x', 'b', [wall]).decidedBy).toBe('wall-time');
  });
});

describe('paired gate', () => {
  const regressed = decide('orderbook/add_cancel_match', 'orderbook_bench', [compareMetric('wall-time', rounds(8, 1.2, 0.01), 5)]);
  const same = decide('parse/feed_json', 'orderbook_bench', [compareMetric('wall-time', rounds(8, 1, 0.01), 5)]);
  const added: BenchComparison = { id: 'router/new', bench: 'router_bench', status: 'new', metrics: [], verdict: 'new', headOnly: { metric: 'wall-time', median: 1234 } };
  const removed: BenchComparison = { id: 'router/old', bench: 'router_bench', status: 'removed', metrics: [], verdict: 'removed' };

  it('fails naming the benchmark, the change and its interval', () => {
    const g = pairedGate([regressed, same], { 'wall-time': 5 });
    expect(g.failed).toBe(true);
    expect(g.message).toMatch(/1 benchmark\(s\) regressed by more than 5%/);
    expect(g.message).toMatch(/orderbook\/add_cancel_match: regressed, .* → .*, change \+\d+\.\d\d%, interval \[\+\d+\.\d\d%, \+\d+\.\d\d%\]/);
    expect(g.message).not.toContain('parse/feed_json');
  });

  it('points at the differential flamegraph of a regressed benchmark, in the message and the step summary', () => {
    const withDiff: BenchComparison = { ...regressed, diffFlamegraph: 'dist/bench/md/diff/orderbook_add_cancel_match.diff.svg', diffNote: 'own time grown most: spin 0.0% → 30.0% of samples' };
    const g = pairedGate([withDiff, same], { 'wall-time': 5 });
    expect(g.message.split('\n')[2]).toBe('    differential flamegraph: dist/bench/md/diff/orderbook_add_cancel_match.diff.svg; own time grown most: spin 0.0% → 30.0% of samples');
    const md = renderComparisonMarkdown({ project: 'md', package: 'market-data', ref: 'main', baseCommit: 'a'.repeat(40), headCommit: 'b'.repeat(40), rounds: 8 }, [withDiff, same], g.message);
    expect(md).toMatch(/\n- orderbook\/add_cancel_match: regressed, [^\n]*\n  - differential flamegraph: dist\/bench\/md\/diff\/orderbook_add_cancel_match\.diff\.svg; own time/);
    const noPerf: BenchComparison = { ...regressed, diffNote: 'no differential flamegraph: perf was not found on PATH' };
    expect(pairedGate([noPerf], { 'wall-time': 5 }).message).toContain('\n    no differential flamegraph: perf was not found on PATH');
  });

  it('[exec-compare-not-enough-rounds] decides nothing from fewer rounds than a 95% interval needs: a comment-only change never fails at --rounds=3', () => {
    expect(roundsNeeded()).toBe(6);
    // Three rounds all slower (the busy-machine case: +1.4%, +14.9%, +54%): the best interval 3 rounds allow is 75%.
    const three = [{ base: 2.082e6, head: 2.111e6 }, { base: 2.082e6, head: 2.392e6 }, { base: 2.082e6, head: 3.208e6 }];
    const m = compareMetric('wall-time', three, 5);
    expect(m.change.confidence).toBeCloseTo(0.75);
    expect(m.change.lowerPercent).toBeGreaterThan(0);
    expect(m.verdict).toBe('not enough rounds to decide');
    const b = decide('router/parse_fix', 'router_bench', [m]);
    expect(describeComparison(b)).toMatch(/^router\/parse_fix: not enough rounds to decide \(needs 6\), /);
    const g = pairedGate([b], { 'wall-time': 5 });
    expect(g.failed).toBe(false);
    expect(g.message).toContain('1 benchmark(s) not decided: 3 round(s) cannot give a 95% interval, not enough rounds to decide (needs 6: raise --rounds).');
    // Six rounds reach 96.9%: the same slowdown is decided.
    const six = compareMetric('wall-time', [...three, ...three], 5);
    expect(six.change.confidence).toBeGreaterThanOrEqual(0.95);
    expect(six.verdict).toBe('regressed');
  });

  it('reports new and removed benchmarks without failing', () => {
    const g = pairedGate([same, added, removed], { 'wall-time': 5, instructions: 1 });
    expect(g).toEqual({ failed: false, message: 'No regression above 5% in wall time (1 benchmark(s) compared with the base in this job, 1 new, 1 removed).' });
    const rows = comparisonRows([same, added, removed]);
    expect(rows[0]).toEqual(['benchmark', 'metric', 'base', 'head', 'change', 'interval', 'verdict']);
    expect(rows[2]).toEqual(['router/new', 'wall time (fastest sample per iteration)', 'none', '1.234 µs', '', '', 'new']);
    expect(rows[3][6]).toBe('removed');
  });

  it('fails when a benchmark could not be compared (never a silent pass)', () => {
    const broken: BenchComparison = { id: 'orderbook_bench', bench: 'orderbook_bench', status: 'error', metrics: [], verdict: 'not compared', note: 'the base does not build' };
    const g = pairedGate([broken], { 'wall-time': 5 });
    expect(g.failed).toBe(true);
    expect(g.message).toContain('orderbook_bench: not compared: the base does not build');
  });

  it('compares counted work by its range over runs and says which thresholds applied', () => {
    const counted = compareCounted([1_000_000, 1_000_040], [1_021_000, 1_021_020], 1);
    expect(counted.verdict).toBe('regressed');
    expect(counted.change.lowerPercent).toBeCloseTo(2.096, 2);
    const b = decide('orderbook/add_cancel_match', 'orderbook_bench', [compareMetric('wall-time', rounds(8, 1.0, 0.02), 5), counted]);
    expect(describeComparison(b)).toMatch(/change \+2\.10%, interval \[\+2\.10%, \+2\.10%\] \(range, 2 counted run\(s\) per side\), decided by instructions per iteration \(counted\)/);
    expect(pairedGate([b], { 'wall-time': 5, instructions: 1 }).message).toMatch(/^1 benchmark\(s\) regressed by more than 1% in counted instructions against the base/);
    expect(compareCounted([1000, 1000], [1000, 1000], 1).verdict).toBe('no significant change');
    // Measured in the gate e2e: a comment-only change counted 31,142,246 → 31,140,799 (−0.005%): noise, not "faster".
    expect(compareCounted([31_142_246, 31_142_250], [31_140_799, 31_140_801], 1).verdict).toBe('no significant change');
    expect(compareCounted([1_000_000, 1_000_000], [1_007_000, 1_007_000], 1).verdict).toBe('slower');
  });

  it('alternates which side runs first', () => {
    expect([0, 1, 2, 3].map(roundOrder)).toEqual([
      ['base', 'head'],
      ['head', 'base'],
      ['base', 'head'],
      ['head', 'base'],
    ]);
  });
});
