// A latency program's runs folded into the bench summary's rows: one row per statistic
// (`<bench>/p99.9`), its median over runs with the spread (min–max over runs) as its interval, so
// baselines, the cross-run gate and the summary read latency programs as they read criterion benchmarks.
import { median } from '../gate/paired';
import type { BenchmarkSummary } from '../summary';
import { LATENCY_STATS, type LatencyStat, type LatencyValues } from './latency-output';

/** Runs of a latency program when the `runs` option is not set: enough for a spread, few enough for CI. */
export const DEFAULT_LATENCY_RUNS = 3;

export const latencyId = (bench: string, stat: LatencyStat): string => `${bench}/${stat}`;

/** Rows for the statistics every run reported (one that some runs lack is left out, with a note). */
export function latencyRows(bench: string, runs: readonly LatencyValues[]): { rows: BenchmarkSummary[]; notes: string[] } {
  const rows: BenchmarkSummary[] = [];
  const notes: string[] = [];
  for (const stat of LATENCY_STATS) {
    const values = runs.map((r) => r[stat]).filter((v): v is number => v !== undefined);
    if (values.length === 0) continue;
    if (values.length < runs.length) {
      notes.push(`bench ${bench}: ${stat} was reported by ${values.length} of ${runs.length} runs; left out`);
      continue;
    }
    const estimate = median(values);
    const lower = Math.min(...values);
    const upper = Math.max(...values);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    rows.push({
      id: latencyId(bench, stat),
      bench,
      kind: 'latency',
      statistic: stat,
      runs: values,
      median: { estimate, lower, upper, unit: 'ns' },
      mean: { estimate: mean, lower, upper, unit: 'ns' },
    });
  }
  return { rows, notes };
}

/** The one-line log of a finished latency program. */
export function describeLatencyRows(bench: string, rows: readonly BenchmarkSummary[], format: (ns: number) => string): string {
  const parts = rows.filter((r) => ['p50', 'p99', 'p99.9', 'max'].includes(r.statistic ?? '')).map((r) => `${r.statistic} ${format(r.median.estimate)} [${format(r.median.lower)} – ${format(r.median.upper)}]`);
  return `done ${bench}: ${parts.join(', ')} (median [min – max] of ${rows[0]?.runs?.length ?? 0} run(s))`;
}
