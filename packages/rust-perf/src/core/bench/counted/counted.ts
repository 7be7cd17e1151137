// Counted benches: a criterion bench's routine counted under callgrind instead of timed,
// so CI can gate on a number that repeats. Pure: argv, parsing, the summary shape, the comparison
// and the gate; counted-run.ts builds and runs.
//
// What is counted: criterion in `--test` mode runs each benchmark's routine once; callgrind starts
// with collection off and switches it on only inside criterion's `Bencher::iter*` (the routine and
// its batched setup), so criterion's own start-up (89 % of the whole process) does not dilute a change.
import { CACHE_GEOMETRY, parseCachegrind, simulatedCounts } from '../../count/cachegrind';
import { parseJson } from '../json';
import { BaselineFileError, baselineGate, formatPercent, type GateResult } from '../summary';

/** criterion 0.5's `Bencher::iter`, `iter_batched`, `iter_batched_ref`, `iter_custom`, … (callgrind's function-name glob). */
export const CRITERION_ROUTINE_TOGGLE = 'criterion::bencher::Bencher*::iter*';
/** Repeated counted runs of a benchmark must agree within this (max − min over median) to be called deterministic. */
export const DETERMINISTIC_SPREAD_PERCENT = 0.5;
export const DEFAULT_COUNT_RUNS = 3;

/** callgrind with the routine toggle and the fixed cache geometry (so parseCachegrind reads its output and the counts do not depend on the host). */
export function callgrindBenchArgs(outFile: string): string[] {
  return [
    '--tool=callgrind',
    '--collect-atstart=no',
    `--toggle-collect=${CRITERION_ROUTINE_TOGGLE}`,
    '--cache-sim=yes',
    '--branch-sim=yes',
    ...CACHE_GEOMETRY,
    `--callgrind-out-file=${outFile}`,
  ];
}

/** The bench executable's own argv to run one benchmark's routine once (criterion's test mode, exact id). */
export function criterionTestArgs(id: string): string[] {
  return ['--bench', '--test', '--exact', id];
}

/** The bench executable's argv listing its benchmark ids (optionally through criterion's regex filter). */
export function criterionListArgs(filter?: string): string[] {
  return ['--bench', '--list', ...(filter ? [filter] : [])];
}

/** Benchmark ids from criterion's `--list` output (`<id>: benchmark` per line). */
export function parseCriterionList(stdout: string): string[] {
  const ids: string[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(.*): benchmark$/.exec(line.trimEnd());
    if (m) ids.push(m[1]);
  }
  return ids;
}

/** Instructions (and estimated cycles) of one callgrind run, from its output file. */
export function parseCountedRun(text: string, file: string): { instructions: number; estimatedCycles: number } {
  const s = simulatedCounts(parseCachegrind(text, file));
  return { instructions: s.instructions, estimatedCycles: s.estimatedCycles };
}

export interface CountEstimate {
  /** Median of the runs. */
  estimate: number;
  /** Smallest run. */
  lower: number;
  /** Largest run. */
  upper: number;
  unit: 'instructions';
}

export interface CountedDetail {
  /** Instructions of each counted run, in order. */
  runs: number[];
  /** (max − min) / median × 100 over the runs. */
  spreadPercent: number;
  /** Whether the runs agree within DETERMINISTIC_SPREAD_PERCENT. */
  deterministic: boolean;
  /** Median estimated cycles (cachegrind's formula; see ESTIMATED_CYCLES_FORMULA), for reading only: the gate uses instructions. */
  estimatedCycles: number;
  tool: 'callgrind';
  toggle: string;
  /** The CPU level the bench executable was built for (counted builds are x86-64-v3). */
  cpu: string;
}

export interface CountedBaselineComparison {
  source: string;
  metric: 'instructions';
  median: CountEstimate;
  changePercent: number;
  /** The threshold this benchmark was gated at: max(the gate's threshold, both sides' spreads). */
  allowedPercent: number;
  regressed: boolean;
}

/** One benchmark in summary.json, the same shape as a timed one (`median` with lower/upper), in instructions. */
export interface CountedBenchmarkSummary {
  id: string;
  bench: string;
  metric: 'instructions';
  mean: CountEstimate;
  median: CountEstimate;
  counted: CountedDetail;
  baseline?: CountedBaselineComparison;
}

export interface CountedBenchSummary {
  schemaVersion: 1;
  project: string;
  package: string;
  createdAt: string;
  rustc: string;
  /** Which number the benchmarks (and the gate) use: counted instructions. */
  metric: 'instructions';
  valgrind: string;
  /** Set when a gate ran: the metric and threshold it used. */
  gate?: { metric: 'instructions'; thresholdPercent: number };
  benchmarks: CountedBenchmarkSummary[];
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

export function spreadPercent(runs: readonly number[]): number {
  const m = median(runs);
  return m === 0 ? 0 : ((Math.max(...runs) - Math.min(...runs)) / m) * 100;
}

export function summarizeCounted(
  id: string,
  bench: string,
  runs: ReadonlyArray<{ instructions: number; estimatedCycles: number }>,
  cpu: string,
): CountedBenchmarkSummary {
  if (runs.length === 0) throw new Error(`no counted runs of ${id}`);
  const instr = runs.map((r) => r.instructions);
  const spread = spreadPercent(instr);
  const lower = Math.min(...instr);
  const upper = Math.max(...instr);
  return {
    id,
    bench,
    metric: 'instructions',
    mean: { estimate: instr.reduce((a, b) => a + b, 0) / instr.length, lower, upper, unit: 'instructions' },
    median: { estimate: median(instr), lower, upper, unit: 'instructions' },
    counted: {
      runs: instr,
      spreadPercent: spread,
      deterministic: spread <= DETERMINISTIC_SPREAD_PERCENT,
      estimatedCycles: median(runs.map((r) => r.estimatedCycles)),
      tool: 'callgrind',
      toggle: CRITERION_ROUTINE_TOGGLE,
      cpu,
    },
  };
}

export interface CountedBaselineEntry {
  median: CountEstimate;
  spreadPercent: number;
}

/**
 * Reads an earlier counted summary.json: id → median and spread. A wall-time summary is refused
 * (nanoseconds and instructions do not compare); errors name the file and the field.
 */
export function parseCountedBaseline(text: string, file: string): Map<string, CountedBaselineEntry> {
  const raw = parseJson(text, file) as { schemaVersion?: unknown; metric?: unknown; benchmarks?: unknown };
  if (!raw || typeof raw !== 'object' || raw.schemaVersion !== 1) throw new BaselineFileError(file, 'not a rust-perf bench summary (expected "schemaVersion": 1)');
  if (raw.metric !== 'instructions') {
    throw new BaselineFileError(
      file,
      `its benchmarks are ${raw.metric === undefined || raw.metric === 'wall' ? 'wall time (nanoseconds)' : `"${String(raw.metric)}"`}, this run counts instructions; compare like with like: make the baseline with --metric=instructions`,
    );
  }
  if (!Array.isArray(raw.benchmarks)) throw new BaselineFileError(file, '"benchmarks" must be an array');
  const out = new Map<string, CountedBaselineEntry>();
  raw.benchmarks.forEach((b: { id?: unknown; median?: Partial<CountEstimate>; counted?: { spreadPercent?: unknown } }, i: number) => {
    if (typeof b?.id !== 'string') throw new BaselineFileError(file, `benchmarks[${i}].id must be a string`);
    const m = b.median;
    if (!m || typeof m.estimate !== 'number' || typeof m.lower !== 'number' || typeof m.upper !== 'number' || m.estimate <= 0) {
      throw new BaselineFileError(file, `benchmarks[${i}].median must be {estimate, lower, upper} with positive numbers (instructions)`);
    }
    const spread = b.counted?.spreadPercent;
    if (typeof spread !== 'number' || spread < 0) throw new BaselineFileError(file, `benchmarks[${i}].counted.spreadPercent must be a number ≥ 0`);
    out.set(b.id, { median: { estimate: m.estimate, lower: m.lower, upper: m.upper, unit: 'instructions' }, spreadPercent: spread });
  });
  return out;
}

/**
 * The counted gate: more instructions than the baseline by more than max(threshold, either side's
 * own run-to-run spread), AND every new run above every old run (the ranges do not overlap, as the
 * wall-time gate asks of its confidence intervals). A benchmark whose counts wander (a HashMap with
 * random keys) is gated at its own spread instead of failing on noise.
 */
export function compareCounted(current: CountedBenchmarkSummary, old: CountedBaselineEntry, source: string, thresholdPercent: number): CountedBenchmarkSummary {
  const changePercent = ((current.median.estimate - old.median.estimate) / old.median.estimate) * 100;
  const allowedPercent = Math.max(thresholdPercent, old.spreadPercent, current.counted.spreadPercent);
  return {
    ...current,
    baseline: {
      source,
      metric: 'instructions',
      median: old.median,
      changePercent,
      allowedPercent,
      regressed: changePercent > allowedPercent && current.median.lower > old.median.upper,
    },
  };
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Benchmarks whose counted runs disagree by more than DETERMINISTIC_SPREAD_PERCENT, as one warning (empty when all agree). */
export function noisyWarning(benchmarks: readonly CountedBenchmarkSummary[]): string {
  const noisy = benchmarks.filter((b) => !b.counted.deterministic);
  if (noisy.length === 0) return '';
  const lines = noisy.map((b) => `  ${b.id}: runs ${b.counted.runs.map(formatCount).join(', ')} (spread ${b.counted.spreadPercent.toFixed(2)}%)`);
  return (
    `${noisy.length} benchmark(s) are not deterministic enough to count (their ${noisy[0].counted.runs.length} counted runs differ by more than ${DETERMINISTIC_SPREAD_PERCENT}%):\n${lines.join('\n')}\n` +
    `  They are gated at their own spread, so only a change larger than it fails. Make the routine deterministic (e.g. a fixed-seed hasher instead of std's RandomState), or gate them on wall time (leave them out with --filter).`
  );
}

export type CountedGateResult = GateResult<CountedBenchmarkSummary>;

export function countedGate(benchmarks: readonly CountedBenchmarkSummary[], thresholdPercent: number | undefined): CountedGateResult {
  return baselineGate(benchmarks, thresholdPercent, {
    metric: ' in counted instructions',
    rule: 'callgrind, routine only; median of the runs, ranges apart',
    line: (b) => {
      const base = b.baseline!;
      return (
        `${b.id}: ${formatCount(base.median.estimate)} → ${formatCount(b.median.estimate)} instructions (${formatPercent(base.changePercent)}; allowed ${base.allowedPercent.toFixed(2)}%; ` +
        `runs [${formatCount(base.median.lower)} – ${formatCount(base.median.upper)}] vs [${formatCount(b.median.lower)} – ${formatCount(b.median.upper)}])`
      );
    },
  });
}

function verdict(b: CountedBenchmarkSummary): string {
  if (!b.baseline) return '';
  if (b.baseline.regressed) return 'regressed';
  if (b.baseline.changePercent < -b.baseline.allowedPercent && b.median.upper < b.baseline.median.lower) return 'improved';
  return 'no significant change';
}

/** Rows for the terminal table and summary.md. */
export function countedTableRows(benchmarks: readonly CountedBenchmarkSummary[]): string[][] {
  const hasBaseline = benchmarks.some((b) => b.baseline);
  const header = ['benchmark', 'instructions (median)', 'runs spread', 'est. cycles'];
  if (hasBaseline) header.push('baseline', 'change', 'allowed', 'verdict');
  const rows = benchmarks.map((b) => {
    const row = [b.id, formatCount(b.median.estimate), `${b.counted.spreadPercent.toFixed(2)}%${b.counted.deterministic ? '' : ' (noisy)'}`, formatCount(b.counted.estimatedCycles)];
    if (hasBaseline) {
      row.push(
        b.baseline ? formatCount(b.baseline.median.estimate) : 'none',
        b.baseline ? formatPercent(b.baseline.changePercent) : '',
        b.baseline ? `${b.baseline.allowedPercent.toFixed(2)}%` : '',
        verdict(b),
      );
    }
    return row;
  });
  return [header, ...rows];
}

export function renderCountedMarkdown(summary: CountedBenchSummary): string {
  const rows = countedTableRows(summary.benchmarks);
  const escape = (s: string) => s.replace(/\|/g, '\\|');
  const runs = summary.benchmarks[0]?.counted.runs.length ?? 0;
  const lines = [
    `# Benchmarks (counted): ${summary.project}`,
    '',
    `Package \`${summary.package}\`, ${summary.rustc}, ${summary.valgrind}, ${summary.createdAt}. Instructions of each benchmark's routine (${summary.benchmarks.some((b) => b.counted.toggle !== CRITERION_ROUTINE_TOGGLE) ? "criterion's or divan's" : 'criterion'} --test, one iteration) under callgrind, median of ${runs} run(s); built for ${summary.benchmarks[0]?.counted.cpu ?? '?'}.`,
    '',
    `| ${rows[0].map(escape).join(' | ')} |`,
    `| ${rows[0].map(() => '---').join(' | ')} |`,
    ...rows.slice(1).map((r) => `| ${r.map(escape).join(' | ')} |`),
    '',
  ];
  const sources = [...new Set(summary.benchmarks.map((b) => b.baseline?.source).filter((s): s is string => !!s))];
  if (sources.length) lines.push(`Baseline: ${sources.join(', ')}`, '');
  return lines.join('\n');
}
