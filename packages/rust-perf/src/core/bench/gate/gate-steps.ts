// The same-job gate's decisions, pure: its settings from the options, the rounds × benches × sides it
// runs in that order, what a broken base or a failed base run turns into, the counted runs it makes per
// bench, and how new and removed benches join the comparisons. executors/bench/compare.ts runs the
// processes these list and prints; gate-plan.ts folds the recorded rounds into comparisons.
import * as path from 'node:path';
import type { CriterionResult } from '../criterion/criterion';
import { roundOrder, type BenchComparison, type MetricName, type WallStatistic } from './paired';
import { roundValue, wallValue, withCounted, type Side } from './gate-plan';
import { summarizeResult, type BenchmarkSummary } from '../summary';
import type { CountedBenchBuild } from '../counted/counted-run';

/** Percent; with paired rounds the interval keeps noise out, so the threshold only filters tiny real changes. */
export const DEFAULT_COMPARE_THRESHOLD = 5;
/** Percent for counted instructions: they repeat to hundredths of a percent, so a small real change is visible. */
export const DEFAULT_COUNTED_THRESHOLD = 1;
/**
 * Many short rounds rather than a few long ones: a shared machine's speed changes over seconds, so base
 * and head runs a fraction of a second apart see the same machine, and 30 pairs narrow the interval
 * (A/A measurements in docs/bench-and-ci.md). Used unless the options set them.
 */
export const DEFAULT_ROUNDS = 30;
export const COMPARE_CRITERION = { warmUpTime: 0.1, measurementTime: 0.25, sampleSize: 10 } as const;
/** Counted runs per benchmark and side: two show whether the counts repeat (counts that do not, never decide). */
export const COUNTED_REPEATS = 2;

export interface CompareOptions {
  baseline?: string;
  saveBaseline?: string;
  failOnRegression?: number;
  failOnCountedRegression?: number;
  rounds?: number;
  wallStatistic?: WallStatistic;
  warmUpTime?: number;
  measurementTime?: number;
  sampleSize?: number;
  filter?: string;
}

export interface CompareSettings {
  thresholds: Record<MetricName, number>;
  rounds: number;
  statistic: WallStatistic;
  /** What criterion is told on every timed run (the executor turns it into argv with criterionArgs). */
  criterion: { warmUpTime: number; measurementTime: number; sampleSize: number; filter?: string };
}

/** The gate's settings: the options where set, else the defaults above. Throws on a combination it cannot honour. */
export function compareSettings(o: CompareOptions): CompareSettings {
  if (o.baseline || o.saveBaseline) {
    throw new Error('"compareRef" measures the base in this job; it cannot be combined with "baseline" or "saveBaseline" (the cross-run comparison).');
  }
  return {
    thresholds: { 'wall-time': o.failOnRegression ?? DEFAULT_COMPARE_THRESHOLD, instructions: o.failOnCountedRegression ?? DEFAULT_COUNTED_THRESHOLD },
    rounds: o.rounds ?? DEFAULT_ROUNDS,
    statistic: o.wallStatistic ?? 'fastest',
    criterion: {
      warmUpTime: o.warmUpTime ?? COMPARE_CRITERION.warmUpTime,
      measurementTime: o.measurementTime ?? COMPARE_CRITERION.measurementTime,
      sampleSize: o.sampleSize ?? COMPARE_CRITERION.sampleSize,
      filter: o.filter,
    },
  };
}

/** One round of the timed plan: each bench both sides have, each side in the round's order (roundOrder). */
export interface PlannedRound {
  round: number;
  steps: { bench: string; side: Side }[];
}

/** The timed plan: rounds × benches × sides, in the order they run. A bench whose base failed skips its later steps. */
export function roundPlan(rounds: number, benches: readonly string[]): PlannedRound[] {
  return Array.from({ length: rounds }, (_, round) => ({ round, steps: benches.flatMap((bench) => roundOrder(round).map((side) => ({ bench, side }))) }));
}

/** The log line after a round. */
export const roundDone = (round: number, rounds: number): string => `round ${round + 1}/${rounds} done (${roundOrder(round).join(' then ')})`;

/** A base that cannot be read or built: each bench both sides have is reported, none compared. */
export function brokenBaseComparisons(benches: readonly string[], error: string): BenchComparison[] {
  return benches.map((bench) => ({ id: bench, bench, status: 'error', metrics: [], verdict: 'not compared', note: error.split('\n')[0] }));
}

/** Benches whose base run failed in some round (bench → why): reported, none compared. */
export function failedBaseComparisons(failed: ReadonlyMap<string, string>): BenchComparison[] {
  return [...failed].map(([bench, error]) => ({ id: bench, bench, status: 'error', metrics: [], verdict: 'not compared', note: error }));
}

/** A bench only the head has: each of its benchmarks new, with the head's one run as its value. */
export function headOnlyComparisons(bench: string, results: readonly CriterionResult[], statistic: WallStatistic): BenchComparison[] {
  return results.map((res) => ({ id: res.id, bench, status: 'new', metrics: [], verdict: 'new', headOnly: { metric: 'wall-time', median: wallValue(roundValue(res), statistic) } }));
}

/** Benches only the base has. */
export function removedComparisons(benches: readonly string[]): BenchComparison[] {
  return benches.map((bench) => ({ id: `${bench} (bench target)`, bench, status: 'removed', metrics: [], verdict: 'removed' }));
}

/** Counting is asked for (on unless `counted: false`) and possible (the base built). */
export const countingWanted = (counted: boolean | undefined, baseError: string | undefined): boolean => counted !== false && !baseError;

/** The compared benchmarks grouped by bench target, in comparison order: each group is counted together. */
export function countedGroups(comparisons: readonly BenchComparison[]): Map<string, BenchComparison[]> {
  const byBench = new Map<string, BenchComparison[]>();
  for (const c of comparisons) if (c.status === 'compared') byBench.set(c.bench, [...(byBench.get(c.bench) ?? []), c]);
  return byBench;
}

/** Where one side's bench is built: its Cargo workspace, cargo's target dir there, and the features its timed build got. */
export interface CountedSide {
  cargoRoot: string;
  targetDir: string;
  features: readonly string[];
}

/**
 * The counted builds of one bench, one per side: the build `--metric=instructions` counts
 * (countedBenchBuildRun: profile bench, x86-64-v3, target dir <target>/rust-perf/count/bench), not the
 * timed binaries, so the gate's count of an iteration is the counted mode's count. The head's lands in
 * the counted mode's own target dir, so each reuses the other's build.
 */
export function countedSideBuilds(pkg: string, bench: string, sides: Record<Side, CountedSide>): Record<Side, CountedBenchBuild> {
  const one = (s: CountedSide): CountedBenchBuild => ({ cargoRoot: s.cargoRoot, package: pkg, bench, targetDir: s.targetDir, features: s.features });
  return { base: one(sides.base), head: one(sides.head) };
}

/** One counted run: one benchmark's routine, one iteration, on one side (core/bench/counted/counted-run.ts countRoutineOnce). */
export interface CountedStep {
  side: Side;
  id: string;
}

/**
 * The counted runs of one bench, in order: COUNTED_REPEATS rounds, each counting every benchmark on the
 * base then the head. Each run counts one iteration inside criterion's `Bencher::iter*` (callgrind's
 * toggle, as `--metric=instructions` does), so nothing is subtracted and short routines count exactly.
 */
export function countedPlan(ids: readonly string[]): CountedStep[] {
  return Array.from({ length: COUNTED_REPEATS }, () => ids.flatMap((id) => (['base', 'head'] as const).map((side) => ({ side, id })))).flat();
}

/** The head's last result per benchmark as summary.json's `benchmarks`, each with the bench it came from. */
export function headSummaries(headResults: ReadonlyMap<string, CriterionResult>, comparisons: readonly BenchComparison[]): BenchmarkSummary[] {
  return [...headResults.values()].map((r) => summarizeResult(r, comparisons.find((c) => c.id === r.id)?.bench ?? ''));
}

/** Counted instructions of one iteration per benchmark id, per side, one entry per run. */
export type CountedRuns = Record<Side, Map<string, number[]>>;

/**
 * One bench's counted runs folded into its comparisons: counted instructions decide where each side's runs
 * repeat; the others keep wall time, with the log line saying why.
 */
export function foldCounted(list: readonly BenchComparison[], counts: CountedRuns, thresholdPercent: number): { next: BenchComparison[]; notes: string[] } {
  const next: BenchComparison[] = [];
  const notes: string[] = [];
  for (const c of list) {
    const folded = withCounted(c, counts.base.get(c.id) ?? [], counts.head.get(c.id) ?? [], thresholdPercent);
    if ('reason' in folded) {
      notes.push(`counted work for ${c.id}: ${folded.reason}; wall time decides`);
      next.push(c);
    } else next.push(folded);
  }
  return { next, notes };
}

/** Why a bench or build process failed, as the gate reports it: its command, how it ended, stderr's last lines. */
export function processFailure(r: { command: string; exitCode: number | null; signal?: string | null; stderr: string }, lastLines: number): string {
  const lines = r.stderr.trim().split('\n');
  const tail = lines.slice(-lastLines);
  // A Rust panic's own message comes before its backtrace, so the last lines alone would name only frames.
  let at = -1;
  lines.forEach((l, i) => {
    if (/^thread '.*?'(?: \(\d+\))? panicked at /.test(l)) at = i;
  });
  const panic = at >= 0 && at < lines.length - lastLines ? lines.slice(at, at + 3) : [];
  const upTo = panic.findIndex((l, i) => i > 0 && /^(stack backtrace:|note: )/.test(l));
  const shown = upTo > 0 ? panic.slice(0, upTo) : panic;
  return `\`${r.command}\` ${r.signal ? `was ended by ${r.signal}` : `exited with code ${r.exitCode}`}: ${[...shown, ...(shown.length ? ['…'] : []), ...tail].join(' / ')}`;
}

/** A failed `cargo bench --no-run`: the command, where, and cargo's error lines (at most 6). */
export function buildFailure(r: { command: string; exitCode: number | null; signal?: string | null; stderr: string }, cargoRoot: string): string {
  const tail = r.stderr.trim().split('\n').filter((l) => /^(error|warning: build failed)/.test(l) || /^\s+-->/.test(l)).slice(0, 6).join('\n');
  return `\`${r.command}\` (in ${cargoRoot}) exited with code ${r.exitCode ?? r.signal}${tail ? `:\n${tail}` : ''}`;
}

/** Nothing the crate is built from changed since the base: the gate passes without running a bench. */
export const unchangedMessage = (pkg: string, ref: string, baseCommit: string): string =>
  `${pkg}: nothing it is built from changed since ${ref} (${baseCommit.slice(0, 12)}): its benches were not rerun.`;

/** The changed files that make the gate run, the first three named (relative to the repository top). */
export function changedMessage(pkg: string, touching: readonly string[], top: string): string {
  const shown = touching.slice(0, 3).map((f) => path.relative(top, f));
  return `${touching.length} changed file(s) affect ${pkg}: ${shown.join(', ')}${touching.length > 3 ? ', …' : ''}`;
}
