// The same-job gate's plan and bookkeeping, pure: what each round records per side, how the rounds
// become per-benchmark comparisons (wall time), how counted runs replace the deciding metric, which
// CPU to pin to, and the summary.json the run publishes. executors/bench/compare.ts runs the
// processes in this order and prints; everything it decides comes from here.
import type { CriterionResult, Estimate } from '../criterion/criterion';
import { compareCounted, compareMetric, decide, median, WALL_LABELS, type BenchComparison, type ComparisonHeader, type PairedRound, type WallStatistic } from './paired';
import type { BenchmarkSummary } from '../summary';
import { DETERMINISTIC_SPREAD_PERCENT, spreadPercent } from '../counted/counted';

export type Side = 'base' | 'head';

/** One side's run in one round: criterion's median (with its interval) and the fastest sample per iteration. */
export interface RoundValue {
  median: Estimate;
  fastest?: number;
}
export const roundValue = (res: CriterionResult): RoundValue => ({ median: res.median, fastest: res.perIteration?.[0] });
/** The run's wall-time value: its fastest sample, or criterion's median (asked for, or no sample.json). */
export const wallValue = (v: RoundValue, statistic: WallStatistic): number => (statistic === 'fastest' && v.fastest !== undefined ? v.fastest : v.median.estimate);

/** Per benchmark id: its bench target and each side's value per round (a hole where a run had no result). */
export type RoundTable = Map<string, { bench: string; base: (RoundValue | undefined)[]; head: (RoundValue | undefined)[] }>;

export function recordRound(table: RoundTable, side: Side, round: number, bench: string, results: readonly CriterionResult[]): void {
  for (const res of results) {
    const entry = table.get(res.id) ?? { bench, base: [], head: [] };
    entry[side][round] = roundValue(res);
    table.set(res.id, entry);
  }
}

/**
 * Wall-time comparisons from the rounds: the rounds where both sides have a value are paired; the fastest
 * sample where criterion wrote every run's samples, else its median (and the label says which). A benchmark
 * only the head ran is new; one only the base ran is removed. Benches in `skip` (their base failed) are left out.
 */
export function wallComparisons(table: RoundTable, rounds: number, statistic: WallStatistic, thresholdPercent: number, skip: ReadonlySet<string> = new Set()): BenchComparison[] {
  const out: BenchComparison[] = [];
  for (const [id, e] of table) {
    if (skip.has(e.bench)) continue;
    const both: { base: RoundValue; head: RoundValue }[] = [];
    for (let r = 0; r < rounds; r++) if (e.base[r] && e.head[r]) both.push({ base: e.base[r]!, head: e.head[r]! });
    const runs = [...e.base, ...e.head].filter((v): v is RoundValue => v !== undefined);
    const used: WallStatistic = statistic === 'fastest' && runs.every((v) => v.fastest !== undefined) ? 'fastest' : 'median';
    const value = (v: RoundValue) => wallValue(v, used);
    const paired: PairedRound[] = both.map((x) => ({ base: value(x.base), head: value(x.head) }));
    const headValues = e.head.filter((v): v is RoundValue => v !== undefined).map(value);
    // criterionRounds: each round's criterion medians with their intervals, kept so the old one-run-each rule can be evaluated on the same runs (bench/gate).
    const criterionRounds = both.map((x) => ({ base: x.base.median, head: x.head.median }));
    if (paired.length) out.push({ ...decide(id, e.bench, [compareMetric('wall-time', paired, thresholdPercent, WALL_LABELS[used])]), criterionRounds });
    else if (headValues.length) out.push({ id, bench: e.bench, status: 'new', metrics: [], verdict: 'new', headOnly: { metric: 'wall-time', median: median(headValues) } });
    else out.push({ id, bench: e.bench, status: 'removed', metrics: [], verdict: 'removed' });
  }
  return out;
}

/**
 * One benchmark's counted runs (instructions of one iteration, per run) added as the deciding metric, or
 * why not: a side without counts, or counts that do not repeat (a randomly seeded routine: its two runs of
 * one side differ by more than DETERMINISTIC_SPREAD_PERCENT), which must never decide.
 */
export function withCounted(c: BenchComparison, base: readonly number[], head: readonly number[], thresholdPercent: number): BenchComparison | { reason: string } {
  if (!base.length || !head.length || [...base, ...head].some((v) => !(v > 0))) return { reason: 'no counted runs on both sides' };
  const spreads = { base: spreadPercent(base), head: spreadPercent(head) };
  if (spreads.base > DETERMINISTIC_SPREAD_PERCENT || spreads.head > DETERMINISTIC_SPREAD_PERCENT) {
    const runs = (xs: readonly number[]) => xs.map((x) => Math.round(x).toLocaleString('en-US')).join(', ');
    return {
      reason:
        `its counts do not repeat (base ${runs(base)}, spread ${spreads.base.toFixed(2)}%; head ${runs(head)}, spread ${spreads.head.toFixed(2)}%; ` +
        `more than ${DETERMINISTIC_SPREAD_PERCENT}%: the routine is not deterministic, e.g. randomly seeded)`,
    };
  }
  return { ...decide(c.id, c.bench, [...c.metrics, compareCounted(base, head, thresholdPercent)]), criterionRounds: c.criterionRounds };
}

/** `taskset -cp <pid>` output ("pid 12's current affinity list: 0-3,6") → the CPUs, in order. */
export function tasksetCpus(stdout: string): number[] {
  const list = /:\s*([\d,-]+)\s*$/.exec(stdout.trim())?.[1];
  if (!list) return [];
  return list.split(',').flatMap((part) => {
    const [a, b] = part.split('-').map(Number);
    return b === undefined ? [a] : Array.from({ length: b - a + 1 }, (_, i) => a + i);
  });
}

/** The CPU both sides are pinned to: the last one this process may use, when it may use more than one. */
export const pinnedCpu = (cpus: readonly number[]): number | undefined => (cpus.length > 1 ? cpus[cpus.length - 1] : undefined);

export interface CompareRun extends ComparisonHeader {
  rustc: string;
  /** The bench targets this run covered: the shard merge checks them against its plan. */
  benches: readonly string[];
  elapsedSeconds: number;
}

/** summary.json of a compareRef run. The head's last round as `benchmarks` keeps it usable as a cross-run baseline too. */
export function comparisonSummary(run: CompareRun, comparisons: readonly BenchComparison[], benchmarks: readonly BenchmarkSummary[], gate: { failed: boolean; message: string }, createdAt: string): Record<string, unknown> {
  return {
    schemaVersion: 1,
    project: run.project,
    package: run.package,
    createdAt,
    rustc: run.rustc,
    // Which bench targets this run covered and how long it took: the merge checks the first, the shard split balances on the second.
    benches: [...run.benches],
    elapsedSeconds: Math.round(run.elapsedSeconds * 10) / 10,
    benchmarks: [...benchmarks],
    comparison: {
      ref: run.ref,
      baseCommit: run.baseCommit,
      headCommit: run.headCommit,
      rounds: run.rounds,
      cpu: run.cpu ?? null,
      verdict: gate.failed ? 'fail' : 'pass',
      message: gate.message,
      benchmarks: [...comparisons],
    },
  };
}
