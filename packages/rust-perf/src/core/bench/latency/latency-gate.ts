// The same-job gate for latency programs: each percentile of base and head over alternating rounds
// (one run of each side per round), compared round by round with paired.ts's statistic (Hodges–Lehmann
// estimate, exact Wilcoxon signed-rank interval). A regression only when the whole interval lies above
// zero and the estimate exceeds the threshold. Pure: the runner feeds each round's values in.
import { type LatencyStat, type LatencyValues } from './latency-output';
import { latencyId } from './latency-summary';
import { metricVerdict, pairedChange, type BenchComparison, type MetricComparison, type PairedChange, type PairedRound } from '../gate/paired';

/** The percentiles the gate decides on (max and min are one sample each: reported, never gated). */
export const GATED_STATS: readonly LatencyStat[] = ['p50', 'p90', 'p99', 'p99.9', 'p99.99'];

/**
 * Confidence of each percentile's interval. Up to five percentiles are gated per program, so 99 % each
 * keeps the chance of any false alarm on an unchanged program at or below 5 % (Bonferroni): the gate's
 * "≥ 95 % confidence" holds for the program as a whole, not only per line.
 */
export const LATENCY_CONFIDENCE = 0.99;

/** Rounds when `rounds` is not set: 8 is the fewest whose signed-rank interval reaches 99 %; 10 leaves room for ties. */
export const DEFAULT_LATENCY_ROUNDS = 10;

/** The fewest rounds whose exact signed-rank interval can reach `confidence` (all rounds one way: 2 / 2^n). */
export function roundsNeeded(confidence: number): number {
  let n = 1;
  while (2 / 2 ** n > 1 - confidence + 1e-12) n++;
  return n;
}

export interface LatencyRounds {
  base: LatencyValues[];
  head: LatencyValues[];
}

function change(rounds: readonly PairedRound[]): PairedChange {
  // A percentile of 0 ns (a timer coarser than the routine) would make the log ratio infinite: 1 ns floor.
  return pairedChange(rounds.map((r) => ({ ...r, base: Math.max(r.base, 1), head: Math.max(r.head, 1) })), LATENCY_CONFIDENCE);
}

/** One comparison per percentile both sides reported in every round; too few rounds is a note, never a verdict. */
export function latencyComparisons(bench: string, rounds: LatencyRounds, thresholdPercent: number): BenchComparison[] {
  const n = Math.min(rounds.base.length, rounds.head.length);
  const needed = roundsNeeded(LATENCY_CONFIDENCE);
  const out: BenchComparison[] = [];
  for (const stat of GATED_STATS) {
    const paired: PairedRound[] = [];
    for (let i = 0; i < n; i++) {
      const base = rounds.base[i][stat];
      const head = rounds.head[i][stat];
      if (base !== undefined && head !== undefined) paired.push({ base, head });
    }
    if (paired.length === 0) continue;
    const id = latencyId(bench, stat);
    if (paired.length < n) {
      out.push({ id, bench, status: 'error', metrics: [], verdict: 'not compared', note: `${stat} was reported in ${paired.length} of ${n} rounds` });
      continue;
    }
    const c = change(paired);
    const enough = c.confidence >= LATENCY_CONFIDENCE - 1e-9;
    const metric: MetricComparison = {
      metric: 'wall-time',
      label: `latency ${stat} (one run per side and round)`,
      change: c,
      verdict: enough ? metricVerdict(c, thresholdPercent) : 'no significant change',
      rounds: paired,
    };
    const comparison: BenchComparison = { id, bench, status: 'compared', metrics: [metric], decidedBy: 'wall-time', verdict: metric.verdict };
    if (!enough) comparison.note = `not enough rounds to decide: ${paired.length} rounds reach ${(c.confidence * 100).toFixed(1)} %, ${needed} are needed for ${LATENCY_CONFIDENCE * 100} %`;
    out.push(comparison);
  }
  return out;
}

/** A latency program that printed nothing recognizable on either side: compared on its exit code only. */
export function exitCodeOnly(bench: string, note: string): BenchComparison {
  return { id: bench, bench, status: 'compared', metrics: [], verdict: 'no significant change', note };
}

