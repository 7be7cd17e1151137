// The same-job gate's statistic: base and head measured in alternating rounds on one machine, compared
// round by round. Pure; the executor feeds per-round numbers in.
//
// Statistic: d_i = ln(head_i / base_i) for each round i. The change is the Hodges–Lehmann estimate
// (median of the Walsh averages (d_i + d_j) / 2, i ≤ j), its interval the exact Wilcoxon signed-rank
// confidence interval. Why: rounds are the unit that carries run-to-run noise (load on the other core,
// frequency, page placement), pairing cancels what drifts slowly across rounds, and the signed-rank
// interval needs no normality and no resampling, so it is exact even for 6–10 rounds, where a
// bootstrap is not. Logs make the change a ratio, symmetric for faster and slower.

/** One round: the metric measured on the base and on the head (same unit, lower is better). */
export interface PairedRound {
  base: number;
  head: number;
}

export interface PairedChange {
  rounds: number;
  /** Hodges–Lehmann estimate of the change, in percent (head vs base). */
  changePercent: number;
  lowerPercent: number;
  upperPercent: number;
  /** Achieved two-sided confidence of the interval (exact; small round counts cannot reach every level). */
  confidence: number;
  /** Medians of the per-round values, for display. */
  baseMedian: number;
  headMedian: number;
  /** wilcoxon: the signed-rank interval over rounds; range: every head run against every base run (deterministic counts). */
  interval?: 'wilcoxon' | 'range';
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** P(T ≤ t) for t = 0..n(n+1)/2, T the signed-rank statistic under the null (each sign equally likely). */
export function signedRankCdf(n: number): number[] {
  const max = (n * (n + 1)) / 2;
  let p = new Array<number>(max + 1).fill(0);
  p[0] = 1;
  for (let k = 1; k <= n; k++) {
    const next = new Array<number>(max + 1).fill(0);
    for (let t = 0; t <= max; t++) {
      if (p[t] === 0) continue;
      next[t] += p[t] / 2;
      if (t + k <= max) next[t + k] += p[t] / 2;
    }
    p = next;
  }
  const cdf: number[] = [];
  let acc = 0;
  for (const x of p) cdf.push((acc += x));
  return cdf;
}

/**
 * Hodges–Lehmann estimate with the exact Wilcoxon signed-rank interval over `d`.
 * The interval is [W_(k), W_(M+1-k)] of the M sorted Walsh averages, k the largest with P(T ≤ k-1) ≤ α/2.
 */
export function hodgesLehmann(d: readonly number[], confidence = 0.95): { estimate: number; lower: number; upper: number; confidence: number } {
  const n = d.length;
  if (n === 0) throw new Error('hodgesLehmann: no rounds');
  const walsh: number[] = [];
  for (let i = 0; i < n; i++) for (let j = i; j < n; j++) walsh.push((d[i] + d[j]) / 2);
  walsh.sort((a, b) => a - b);
  const cdf = signedRankCdf(n);
  const half = (1 - confidence) / 2;
  let k = 1;
  while (k < walsh.length / 2 && cdf[k] <= half + 1e-12) k++;
  return {
    estimate: median(walsh),
    lower: walsh[k - 1],
    upper: walsh[walsh.length - k],
    confidence: 1 - 2 * cdf[k - 1],
  };
}

export function pairedChange(rounds: readonly PairedRound[], confidence = 0.95): PairedChange {
  const bad = rounds.find((r) => !(r.base > 0) || !(r.head > 0));
  if (bad) throw new Error(`paired comparison needs positive values, got base ${bad.base}, head ${bad.head}`);
  const hl = hodgesLehmann(
    rounds.map((r) => Math.log(r.head / r.base)),
    confidence,
  );
  const pct = (x: number) => (Math.exp(x) - 1) * 100;
  return {
    rounds: rounds.length,
    changePercent: pct(hl.estimate),
    lowerPercent: pct(hl.lower),
    upperPercent: pct(hl.upper),
    confidence: hl.confidence,
    baseMedian: median(rounds.map((r) => r.base)),
    headMedian: median(rounds.map((r) => r.head)),
  };
}

/**
 * Counted work repeats to within hundredths of a percent, so it needs no rank statistics: the change is
 * median against median and the interval the range over every pairing of a head run with a base run.
 */
export function countedChange(base: readonly number[], head: readonly number[]): PairedChange {
  if (!base.length || !head.length || [...base, ...head].some((v) => !(v > 0))) throw new Error(`counted comparison needs positive counts, got base ${base.join(', ')} and head ${head.join(', ')}`);
  const pct = (h: number, b: number) => (h / b - 1) * 100;
  return {
    rounds: Math.min(base.length, head.length),
    changePercent: pct(median(head), median(base)),
    lowerPercent: pct(Math.min(...head), Math.max(...base)),
    upperPercent: pct(Math.max(...head), Math.min(...base)),
    confidence: 1,
    baseMedian: median(base),
    headMedian: median(head),
    interval: 'range',
  };
}

export function compareCounted(base: readonly number[], head: readonly number[], thresholdPercent: number): MetricComparison {
  const change = countedChange(base, head);
  return { metric: 'instructions', change, verdict: metricVerdict(change, thresholdPercent, COUNTED_NOISE_FLOOR_PERCENT), rounds: base.map((b, i) => ({ base: b, head: head[i] ?? NaN })) };
}

/**
 * The order of one round's two runs: base first in odd rounds, head first in even ones (ABBA), so a
 * steady drift (warming, a job starting on the other core) adds equally to both sides.
 */
export function roundOrder(round: number): ('base' | 'head')[] {
  return round % 2 === 0 ? ['base', 'head'] : ['head', 'base'];
}

/** Metrics in the order the gate trusts them: counted work decides when present, wall time otherwise. */
export const METRICS = {
  instructions: { label: 'instructions per iteration (counted)', unit: 'instr', counted: true },
  'wall-time': { label: 'wall time (fastest sample per iteration)', unit: 'ns', counted: false },
} as const;
export type MetricName = keyof typeof METRICS;
export const METRIC_PRIORITY: readonly MetricName[] = ['instructions', 'wall-time'];

export type MetricVerdict = 'regressed' | 'slower' | 'faster' | 'no significant change' | 'not enough rounds to decide';

/**
 * The least confidence a verdict may come from: below it one verdict in twenty or more would be wrong by
 * construction (3 rounds give at best 75%: one in four). Fewer rounds than that needs decide nothing.
 */
export const MIN_CONFIDENCE = 0.95;

/** The fewest rounds whose exact signed-rank interval reaches `confidence` (6 for 95%: 1 − 2/2⁶ = 96.9%). */
export function roundsNeeded(confidence = MIN_CONFIDENCE): number {
  let n = 1;
  while (1 - 2 / 2 ** n < confidence - 1e-12) n++;
  return n;
}

/**
 * Regressed: the whole interval lies above zero AND the estimate exceeds the threshold. The interval
 * keeps noise out (no change → false alarm at most (1 − confidence)/2 per benchmark); the threshold keeps
 * real but tiny changes from failing a build. Significant changes below the threshold are `slower`.
 * An interval below MIN_CONFIDENCE (too few rounds) decides nothing, whichever way it lies.
 */
export function metricVerdict(c: PairedChange, thresholdPercent: number, noiseFloorPercent = 0): MetricVerdict {
  if (c.confidence < MIN_CONFIDENCE - 1e-9) return 'not enough rounds to decide';
  if (c.lowerPercent > noiseFloorPercent) return c.changePercent > thresholdPercent ? 'regressed' : 'slower';
  if (c.upperPercent < -noiseFloorPercent) return 'faster';
  return 'no significant change';
}

/**
 * Counted work has no sampling interval to absorb run-to-run differences, so changes smaller than this are
 * noise: a program with a randomly seeded HashMap (the example's order book) moved by up to 0.41% per
 * iteration between A/A runs (bench/gate), and a comment-only change by 0.005% (the gate e2e).
 */
export const COUNTED_NOISE_FLOOR_PERCENT = 0.5;

/**
 * What each round contributes for wall time. fastest: the run's fastest criterion sample (time per
 * iteration); noise on a shared machine only ever adds time, so the fastest sample moves least (A/A runs
 * on the 2-core VM with a busy other core, measured in docs/bench-and-ci.md).
 * median: criterion's median, for code whose fast path is rare.
 */
export type WallStatistic = 'fastest' | 'median';
export const WALL_LABELS: Record<WallStatistic, string> = { fastest: METRICS['wall-time'].label, median: 'wall time (median per iteration)' };

export interface MetricComparison {
  metric: MetricName;
  /** Overrides METRICS[metric].label (wall time measured by criterion's median). */
  label?: string;
  change: PairedChange;
  verdict: MetricVerdict;
  /** The per-round values the change was computed from. */
  rounds: PairedRound[];
}

export type BenchVerdict = MetricVerdict | 'new' | 'removed' | 'not compared';

export interface BenchComparison {
  id: string;
  bench: string;
  /** compared: both sides ran; new: only in head; removed: only in base; error: no paired numbers (why in `note`). */
  status: 'compared' | 'new' | 'removed' | 'error';
  metrics: MetricComparison[];
  /** The metric whose verdict is the benchmark's (first of METRIC_PRIORITY present). */
  decidedBy?: MetricName;
  verdict: BenchVerdict;
  /** Head's median of the deciding metric when there is no base (new benchmarks). */
  headOnly?: { metric: MetricName; median: number };
  note?: string;
  /** Wall time: each round's criterion median with its 95% interval, per side (what a one-run-each comparison would see). */
  criterionRounds?: { base: { estimate: number; lower: number; upper: number }; head: { estimate: number; lower: number; upper: number } }[];
  /** Regressed benchmarks: the differential flamegraph (base vs head stacks), relative to the workspace root. */
  diffFlamegraph?: string;
  /** What the differential flamegraph shows first (the frames whose own time grew most), or why there is none. */
  diffNote?: string;
}

export function decide(id: string, bench: string, metrics: MetricComparison[]): BenchComparison {
  const sorted = [...metrics].sort((a, b) => METRIC_PRIORITY.indexOf(a.metric) - METRIC_PRIORITY.indexOf(b.metric));
  const first = sorted[0];
  if (!first) return { id, bench, status: 'error', metrics: [], verdict: 'not compared', note: 'no paired measurements' };
  return { id, bench, status: 'compared', metrics: sorted, decidedBy: first.metric, verdict: first.verdict };
}

export function compareMetric(metric: MetricName, rounds: readonly PairedRound[], thresholdPercent: number, label?: string): MetricComparison {
  const change = pairedChange(rounds);
  const m: MetricComparison = { metric, change, verdict: metricVerdict(change, thresholdPercent), rounds: [...rounds] };
  return label && label !== METRICS[metric].label ? { ...m, label } : m;
}

const labelOf = (m: MetricComparison) => m.label ?? METRICS[m.metric].label;

/** A verdict as printed: "not enough rounds to decide" says how many rounds would. */
export function verdictText(b: Pick<BenchComparison, 'verdict'>): string {
  return b.verdict === 'not enough rounds to decide' ? `${b.verdict} (needs ${roundsNeeded()})` : b.verdict;
}

function describeDiff(b: BenchComparison): string {
  return [b.diffFlamegraph ? `differential flamegraph: ${b.diffFlamegraph}` : undefined, b.diffNote].filter(Boolean).join('; ');
}

export interface PairedGate {
  failed: boolean;
  message: string;
}

export function formatMetric(metric: MetricName, value: number): string {
  if (metric === 'wall-time') {
    const abs = Math.abs(value);
    const [v, unit] = abs >= 1e9 ? [value / 1e9, 's'] : abs >= 1e6 ? [value / 1e6, 'ms'] : abs >= 1e3 ? [value / 1e3, 'µs'] : [value, 'ns'];
    return `${v.toPrecision(4)} ${unit}`;
  }
  return `${Math.round(value).toLocaleString('en-US')} ${METRICS[metric].unit}`;
}

const pct = (p: number) => `${p >= 0 ? '+' : ''}${p.toFixed(2)}%`;
export function formatInterval(c: PairedChange): string {
  if (c.interval === 'range') return `[${pct(c.lowerPercent)}, ${pct(c.upperPercent)}] (range, ${c.rounds} counted run(s) per side)`;
  return `[${pct(c.lowerPercent)}, ${pct(c.upperPercent)}] (${(c.confidence * 100).toFixed(1)}%, ${c.rounds} rounds)`;
}

/** One line per benchmark for the log and the failure message: names the benchmark, the change, its interval and the deciding metric. */
export function describeComparison(b: BenchComparison): string {
  if (b.status === 'new') return `${b.id}: new in head (no base to compare with)${b.headOnly ? `, ${formatMetric(b.headOnly.metric, b.headOnly.median)}` : ''}`;
  if (b.status === 'removed') return `${b.id}: removed in head (was in the base)`;
  if (b.status === 'error' || !b.decidedBy) return `${b.id}: not compared: ${b.note ?? 'no paired measurements'}`;
  const m = b.metrics[0];
  const rest = b.metrics
    .slice(1)
    .map((x) => `; ${labelOf(x)}: ${pct(x.change.changePercent)} ${formatInterval(x.change)}`)
    .join('');
  return (
    `${b.id}: ${verdictText(b)}, ${formatMetric(m.metric, m.change.baseMedian)} → ${formatMetric(m.metric, m.change.headMedian)}, ` +
    `change ${pct(m.change.changePercent)}, interval ${formatInterval(m.change)}, decided by ${labelOf(m)}${rest}`
  );
}

/**
 * The gate over every benchmark of a crate. Fails on a regression and on any benchmark that could not be
 * compared (a base that does not build is not a pass); new and removed benchmarks are reported, never failed.
 */
export type Thresholds = Partial<Record<MetricName, number>> & { 'wall-time': number };

const METRIC_WORDS: Record<MetricName, string> = { instructions: 'counted instructions', 'wall-time': 'wall time' };

/** Every threshold the decisions used, each named by its metric, so what is printed is what was applied. */
function describeThresholds(t: Thresholds, used: readonly MetricName[]): string {
  const names = METRIC_PRIORITY.filter((m) => used.includes(m) && t[m] !== undefined);
  return `by more than ${names.map((m) => `${t[m]}% in ${METRIC_WORDS[m]}`).join(' or ')}`;
}

export function pairedGate(comparisons: readonly BenchComparison[], thresholds: Thresholds): PairedGate {
  const regressed = comparisons.filter((b) => b.verdict === 'regressed');
  const errors = comparisons.filter((b) => b.status === 'error');
  const lines: string[] = [];
  const deciding = (bs: readonly BenchComparison[]) => [...new Set(bs.map((b) => b.decidedBy).filter((m): m is MetricName => !!m))];
  if (regressed.length) {
    lines.push(
      `${regressed.length} benchmark(s) regressed ${describeThresholds(thresholds, deciding(regressed))} against the base measured in this job (the whole interval is above zero):`,
      ...regressed.flatMap((b) => [`  ${describeComparison(b)}`, ...(b.diffFlamegraph || b.diffNote ? [`    ${describeDiff(b)}`] : [])]),
    );
  }
  if (errors.length) {
    lines.push(`${errors.length} benchmark(s) could not be compared, so the gate cannot pass:`, ...errors.map((b) => `  ${describeComparison(b)}`));
  }
  if (lines.length) return { failed: true, message: lines.join('\n') };
  const compared = comparisons.filter((b) => b.status === 'compared').length;
  const news = comparisons.filter((b) => b.status === 'new').length;
  const removed = comparisons.filter((b) => b.status === 'removed').length;
  const used = deciding(comparisons);
  const undecided = comparisons.filter((b) => b.verdict === 'not enough rounds to decide');
  const rounds = undecided[0]?.metrics[0]?.change.rounds;
  return {
    failed: false,
    message:
      `No regression ${describeThresholds(thresholds, used.length ? used : ['wall-time']).replace('by more than', 'above')} (${compared} benchmark(s) compared with the base in this job${news ? `, ${news} new` : ''}${removed ? `, ${removed} removed` : ''}).` +
      (undecided.length
        ? ` ${undecided.length} benchmark(s) not decided: ${rounds} round(s) cannot give a ${MIN_CONFIDENCE * 100}% interval, not enough rounds to decide (needs ${roundsNeeded()}: raise --rounds).`
        : ''),
  };
}

/** Table rows (terminal and step summary): base, head, change, interval, verdict per benchmark. */
export function comparisonRows(comparisons: readonly BenchComparison[]): string[][] {
  const header = ['benchmark', 'metric', 'base', 'head', 'change', 'interval', 'verdict'];
  const rows = comparisons.map((b) => {
    const m = b.metrics[0];
    if (!m) {
      const head = b.headOnly ? formatMetric(b.headOnly.metric, b.headOnly.median) : '';
      const verdict = b.status === 'error' ? `not compared: ${b.note ?? ''}` : b.verdict;
      return [b.id, b.headOnly ? METRICS[b.headOnly.metric].label : '', b.status === 'new' ? 'none' : '', head, '', '', verdict];
    }
    return [
      b.id,
      labelOf(m),
      formatMetric(m.metric, m.change.baseMedian),
      formatMetric(m.metric, m.change.headMedian),
      pct(m.change.changePercent),
      `${pct(m.change.lowerPercent)} … ${pct(m.change.upperPercent)}`,
      verdictText(b),
    ];
  });
  return [header, ...rows];
}

export interface ComparisonHeader {
  project: string;
  package: string;
  ref: string;
  baseCommit: string;
  headCommit: string;
  rounds: number;
  cpu?: number;
}

/** summary.md in compare mode: the table, what was compared with what, and the gate's message. */
export function renderComparisonMarkdown(h: ComparisonHeader, comparisons: readonly BenchComparison[], gateMessage: string): string {
  const rows = comparisonRows(comparisons);
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  return [
    `# Benchmarks: ${h.project} (head vs ${h.ref})`,
    '',
    `Package \`${h.package}\`: base ${h.baseCommit.slice(0, 12)} (${h.ref}) and head ${h.headCommit.slice(0, 12)} measured in this job, ` +
      `${h.rounds} alternating rounds${h.cpu !== undefined ? ` pinned to CPU ${h.cpu}` : ''}. Wall time (each round's value as the metric column says): Hodges–Lehmann estimate of the per-round ratio with an exact Wilcoxon signed-rank interval; counted instructions: median change with the range over runs.`,
    '',
    `| ${rows[0].map(escape).join(' | ')} |`,
    `| ${rows[0].map(() => '---').join(' | ')} |`,
    ...rows.slice(1).map((r) => `| ${r.map(escape).join(' | ')} |`),
    '',
    ...gateMessage.split('\n').map((l) => (l.startsWith('    ') ? `  - ${l.trim()}` : l.startsWith('  ') ? `- ${l.trim()}` : l)),
    '',
  ].join('\n');
}
