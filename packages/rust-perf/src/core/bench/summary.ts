// The bench summary (summary.json / summary.md), baseline comparison and the regression gate.
// All pure: the executor feeds criterion's results in and writes what comes out.
import type { CriterionResult, CriterionThroughput, Estimate } from './criterion/criterion';
import { parseJson } from './json';
import type { BenchKind } from './kinds/detect';

export interface ThroughputSummary {
  unit: 'elements/s' | 'bytes/s';
  perIteration: number;
  /** Throughput at the median time; lower/upper come from the median's interval (upper time → lower throughput). */
  median: { estimate: number; lower: number; upper: number };
}

export interface BaselineComparison {
  /** `criterion:<name>` or the path of the summary.json compared against */
  source: string;
  median: Estimate;
  changePercent: number;
  regressed: boolean;
}

export interface BenchmarkSummary {
  id: string;
  bench: string;
  mean: Estimate;
  median: Estimate;
  throughput?: ThroughputSummary;
  baseline?: BaselineComparison;
  /** Which kind of bench measured it (absent: criterion). Latency rows are one statistic of a program's runs. */
  kind?: BenchKind;
  /** Latency rows: the statistic (p50, p99, p99.9, max, …); median/lower/upper are over `runs`. */
  statistic?: string;
  /** Latency rows: the statistic's value in each run, in nanoseconds. */
  runs?: number[];
  /** Set for a divan bench (core/bench/divan/divan.ts): lower/upper are then its fastest and slowest sample, not a confidence interval. */
  harness?: 'divan';
  /** divan: the fastest sample per iteration (ns), its sample count and total iterations. */
  fastest?: number;
  samples?: number;
  iterations?: number;
}

export interface BenchSummary {
  schemaVersion: 1;
  project: string;
  package: string;
  createdAt: string;
  rustc: string;
  /** What the benchmarks (and the gate) measured: wall time. Counted runs write "instructions" (counted.ts). */
  metric?: 'wall';
  benchmarks: BenchmarkSummary[];
  /** What was not measured and why (a libtest bench on stable, a bench with no benchmarks on this toolchain). */
  notes?: string[];
}

export function throughputOf(t: CriterionThroughput, median: Estimate): ThroughputSummary {
  const perSecond = (ns: number) => (t.perIteration * 1e9) / ns;
  return {
    unit: t.kind === 'elements' ? 'elements/s' : 'bytes/s',
    perIteration: t.perIteration,
    median: { estimate: perSecond(median.estimate), lower: perSecond(median.upper), upper: perSecond(median.lower) },
  };
}

export function summarizeResult(result: CriterionResult, bench: string): BenchmarkSummary {
  const s: BenchmarkSummary = { id: result.id, bench, mean: result.mean, median: result.median };
  if (result.throughput) s.throughput = throughputOf(result.throughput, result.median);
  return s;
}

export function changePercent(oldMedian: Estimate, newMedian: Estimate): number {
  return ((newMedian.estimate - oldMedian.estimate) / oldMedian.estimate) * 100;
}

/**
 * The gate: slower by more than `thresholdPercent` AND the confidence intervals do not overlap
 * (new lower bound above old upper bound), so noise inside the intervals never fails a build.
 */
export function isRegression(oldMedian: Estimate, newMedian: Estimate, thresholdPercent: number): boolean {
  return changePercent(oldMedian, newMedian) > thresholdPercent && newMedian.lower > oldMedian.upper;
}

export function isImprovement(oldMedian: Estimate, newMedian: Estimate, thresholdPercent: number): boolean {
  return changePercent(oldMedian, newMedian) < -thresholdPercent && newMedian.upper < oldMedian.lower;
}

export function compareWith(
  current: BenchmarkSummary,
  oldMedian: Estimate,
  source: string,
  thresholdPercent: number,
): BenchmarkSummary {
  return {
    ...current,
    baseline: {
      source,
      median: oldMedian,
      changePercent: changePercent(oldMedian, current.median),
      regressed: isRegression(oldMedian, current.median, thresholdPercent),
    },
  };
}

export class BaselineFileError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'BaselineFileError';
  }
}

function checkEstimate(raw: unknown, file: string, where: string): Estimate {
  const r = raw as Partial<Estimate> | undefined;
  if (!r || typeof r.estimate !== 'number' || typeof r.lower !== 'number' || typeof r.upper !== 'number' || r.estimate <= 0) {
    throw new BaselineFileError(file, `${where} must be {estimate, lower, upper} with positive numbers (nanoseconds)`);
  }
  return { estimate: r.estimate, lower: r.lower, upper: r.upper, unit: 'ns' };
}

/** Parses a previous summary.json used as a baseline: id → median. Errors name the file and the field. */
export function parseBaselineSummary(text: string, file: string): Map<string, Estimate> {
  const raw = parseJson(text, file) as { schemaVersion?: unknown; metric?: unknown; benchmarks?: unknown };
  if (!raw || typeof raw !== 'object' || raw.schemaVersion !== 1) {
    throw new BaselineFileError(file, 'not a rust-perf bench summary (expected "schemaVersion": 1)');
  }
  if (raw.metric !== undefined && raw.metric !== 'wall') {
    throw new BaselineFileError(file, `its benchmarks are counted ${String(raw.metric)}, this run measures wall time; compare like with like: make the baseline without --metric=instructions, or run this one with it`);
  }
  if (!Array.isArray(raw.benchmarks)) throw new BaselineFileError(file, '"benchmarks" must be an array');
  const medians = new Map<string, Estimate>();
  raw.benchmarks.forEach((b: { id?: unknown; median?: unknown }, i: number) => {
    if (typeof b?.id !== 'string') throw new BaselineFileError(file, `benchmarks[${i}].id must be a string`);
    medians.set(b.id, checkEstimate(b.median, file, `benchmarks[${i}].median`));
  });
  return medians;
}

export interface GateResult<T = BenchmarkSummary> {
  failed: boolean;
  offenders: T[];
  message: string;
}

/** How one kind of baseline comparison words its gate: the metric, the rule that called a regression, a line per offender. */
export interface GateWording<T> {
  /** Appended to the threshold, e.g. " in counted instructions"; empty for wall time. */
  metric: string;
  rule: string;
  line: (b: T) => string;
}

/** The cross-run gate over any metric's summaries: fails when a benchmark's comparison with its baseline says regressed. */
export function baselineGate<T extends { id: string; baseline?: { regressed: boolean } }>(
  benchmarks: readonly T[],
  thresholdPercent: number | undefined,
  wording: GateWording<T>,
): GateResult<T> {
  if (thresholdPercent === undefined) return { failed: false, offenders: [], message: '' };
  const offenders = benchmarks.filter((b) => b.baseline?.regressed);
  if (offenders.length === 0) {
    const compared = benchmarks.filter((b) => b.baseline).length;
    return { failed: false, offenders, message: `No regression above ${thresholdPercent}%${wording.metric} (${compared} of ${benchmarks.length} benchmark(s) compared).` };
  }
  const lines = offenders.map((b) => `  ${wording.line(b)}`);
  return {
    failed: true,
    offenders,
    message: `${offenders.length} benchmark(s) regressed by more than ${thresholdPercent}%${wording.metric} (${wording.rule}):\n${lines.join('\n')}`,
  };
}

export function gate(benchmarks: readonly BenchmarkSummary[], thresholdPercent: number | undefined): GateResult {
  return baselineGate(benchmarks, thresholdPercent, {
    metric: '',
    rule: 'median, non-overlapping 95% intervals',
    line: (b) =>
      `${b.id}: ${formatNs(b.baseline!.median.estimate)} → ${formatNs(b.median.estimate)} (${formatPercent(b.baseline!.changePercent)}; ` +
      `intervals [${formatNs(b.baseline!.median.lower)}, ${formatNs(b.baseline!.median.upper)}] vs [${formatNs(b.median.lower)}, ${formatNs(b.median.upper)}])`,
  });
}

export function formatNs(ns: number): string {
  const abs = Math.abs(ns);
  const [value, unit] = abs >= 1e9 ? [ns / 1e9, 's'] : abs >= 1e6 ? [ns / 1e6, 'ms'] : abs >= 1e3 ? [ns / 1e3, 'µs'] : [ns, 'ns'];
  return `${value.toPrecision(4)} ${unit}`;
}

export function formatPercent(p: number): string {
  return `${p >= 0 ? '+' : ''}${p.toFixed(2)}%`;
}

export function formatThroughput(t: ThroughputSummary): string {
  const v = t.median.estimate;
  const prefix = v >= 1e9 ? ['G', 1e9] : v >= 1e6 ? ['M', 1e6] : v >= 1e3 ? ['K', 1e3] : ['', 1];
  const unit = t.unit === 'elements/s' ? 'elem/s' : 'B/s';
  return `${(v / (prefix[1] as number)).toPrecision(4)} ${prefix[0]}${unit}`;
}

function verdict(b: BenchmarkSummary): string {
  if (!b.baseline) return '';
  if (b.baseline.regressed) return 'regressed';
  if (isImprovement(b.baseline.median, b.median, 0)) return 'improved';
  if (b.median.lower > b.baseline.median.upper) return 'slower';
  return 'no significant change';
}

/** Rows shared by the terminal table and summary.md. */
export function tableRows(benchmarks: readonly BenchmarkSummary[]): string[][] {
  const hasBaseline = benchmarks.some((b) => b.baseline);
  const header = ['benchmark', 'median [95% CI]', 'mean', 'throughput'];
  if (hasBaseline) header.push('baseline median', 'change', 'verdict');
  const rows = benchmarks.map((b) => {
    const row = [
      b.id,
      `${formatNs(b.median.estimate)} [${formatNs(b.median.lower)} – ${formatNs(b.median.upper)}]${b.runs ? ` (${b.runs.length} runs)` : ''}`,
      formatNs(b.mean.estimate),
      b.throughput ? formatThroughput(b.throughput) : '',
    ];
    if (hasBaseline) {
      row.push(
        b.baseline ? formatNs(b.baseline.median.estimate) : 'none',
        b.baseline ? formatPercent(b.baseline.changePercent) : '',
        verdict(b),
      );
    }
    return row;
  });
  return [header, ...rows];
}

export function renderTextTable(rows: readonly string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => [...r[c]].length)));
  return rows.map((r) => r.map((cell, c) => cell + ' '.repeat(widths[c] - [...cell].length)).join('  ').trimEnd()).join('\n');
}

export function renderMarkdown(summary: BenchSummary): string {
  const rows = tableRows(summary.benchmarks);
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const lines = [
    `# Benchmarks: ${summary.project}`,
    '',
    `Package \`${summary.package}\`, ${summary.rustc}, ${summary.createdAt}. ${
      summary.benchmarks.length && summary.benchmarks.every((b) => b.kind === 'latency')
        ? 'Latency programs: each statistic over runs.'
        : `Times are criterion's estimates per iteration with 95% confidence intervals${summary.benchmarks.some((b) => b.harness === 'divan') ? "; divan benchmarks show divan's median per iteration with [fastest – slowest sample] (divan reports no interval)" : ''}.`
    }`,
    '',
    ...(summary.benchmarks.length
      ? [`| ${rows[0].map(escape).join(' | ')} |`, `| ${rows[0].map(() => '---').join(' | ')} |`, ...rows.slice(1).map((r) => `| ${r.map(escape).join(' | ')} |`)]
      : ['No benchmarks were measured (the notes below say why).']),
    '',
  ];
  const sources = [...new Set(summary.benchmarks.map((b) => b.baseline?.source).filter((s): s is string => !!s))];
  if (sources.length) lines.push(`Baseline: ${sources.join(', ')}`, '');
  if (summary.benchmarks.some((b) => b.kind === 'latency')) lines.push('Latency programs (`<bench>/<statistic>` rows): the median over runs, in brackets the lowest and highest run.', '');
  if (summary.notes?.length) lines.push('Notes:', '', ...summary.notes.map((n) => `- ${n}`), '');
  return lines.join('\n');
}
