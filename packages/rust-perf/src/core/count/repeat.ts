// Counted numbers that say when they do not repeat. Each configuration is counted at least twice;
// the spread of one binary's counts is the evidence that the workload does the same work every run.
// A workload bounded by time, shared between threads or seeded from the clock or OS entropy does a
// different amount of work each run (OrderBook-rs's 5 s on 30 threads: two counts of one binary
// 10 % apart), and a change between two builds of it is not a result: no verdict is given then.
// Pure: the runner (count.ts) counts, this module judges and words.
import { formatCount } from './format';
import type { SimulatedCounts } from './cachegrind';

/** Counted runs of each configuration: two is the least that can show a count repeats. */
export const DEFAULT_COUNT_RUNS = 2;
export const MIN_COUNT_RUNS = 2;

/**
 * Above this spread (max − min over the median) of one binary's instructions the workload is not
 * fixed-work. The same floor as the counted benches': a std `HashMap` seeded per process moves a
 * count by 0.1–0.5 %, a time-bounded or multithreaded loop by whole percents; deterministic code
 * repeats to the instruction or within 0.01 % (market-data: 34 of 127 M).
 */
export const NOISE_FLOOR_PERCENT = 0.5;

/** Why a workload's count moves between runs of one binary, in the order they are met in practice. */
export const NOT_FIXED_WORK_CAUSES = 'a loop bounded by time (runs for N seconds, not N iterations), work shared between threads (the scheduler decides who does how much), or a seed from the clock or OS entropy (std `HashMap`\'s `RandomState`, `rand::thread_rng()`)';

/** How to give a fixed-work workload, for the message and the docs. */
export const FIXED_WORK_FIX = 'give the counted run a fixed iteration count on one thread with a fixed seed (`countArgs` in [package.metadata.rust-perf], e.g. `countArgs = ["--iterations", "100000", "--threads", "1", "--seed", "42"]`)';

export interface CountSpread {
  /** The counts in run order. */
  values: number[];
  min: number;
  max: number;
  median: number;
  /** (max − min) / median, in percent; 0 when every run counted the same. */
  spreadPercent: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export function countSpread(values: readonly number[]): CountSpread {
  if (values.length === 0) throw new Error('countSpread needs at least one count');
  const min = Math.min(...values);
  const max = Math.max(...values);
  const m = median(values);
  return { values: [...values], min, max, median: m, spreadPercent: m === 0 ? 0 : ((max - min) / m) * 100 };
}

/** The median of each count over repeated runs of one binary (the number a report shows). */
export function medianCounts(runs: readonly SimulatedCounts[]): SimulatedCounts {
  if (runs.length === 0) throw new Error('medianCounts needs at least one run');
  const pick = (f: (s: SimulatedCounts) => number) => Math.round(median(runs.map(f)));
  const events = Object.fromEntries(Object.keys(runs[0].events).map((k) => [k, pick((s) => s.events[k as keyof SimulatedCounts['events']])])) as SimulatedCounts['events'];
  return {
    instructions: pick((s) => s.instructions),
    l1Misses: pick((s) => s.l1Misses),
    llMisses: pick((s) => s.llMisses),
    branches: pick((s) => s.branches),
    branchMispredicts: pick((s) => s.branchMispredicts),
    estimatedCycles: pick((s) => s.estimatedCycles),
    events,
  };
}

export interface Repeatability {
  /** The counted runs of each binary. */
  runs: number;
  noiseFloorPercent: number;
  /** Every binary's instructions repeat within the noise floor. */
  fixedWork: boolean;
  /** The binary whose instructions moved most, and by how much. */
  worst: { name: string; spread: CountSpread };
}

/** Judges the workload from each binary's repeated instruction counts (name → counts in run order). */
export function judgeRepeats(byBinary: ReadonlyArray<{ name: string; instructions: readonly number[] }>, noiseFloorPercent = NOISE_FLOOR_PERCENT): Repeatability {
  if (byBinary.length === 0) throw new Error('judgeRepeats needs at least one counted binary');
  const spreads = byBinary.map((b) => ({ name: b.name, spread: countSpread(b.instructions) }));
  const worst = spreads.reduce((w, s) => (s.spread.spreadPercent > w.spread.spreadPercent ? s : w));
  const runs = Math.min(...byBinary.map((b) => b.instructions.length));
  return { runs, noiseFloorPercent, fixedWork: runs >= MIN_COUNT_RUNS && worst.spread.spreadPercent <= noiseFloorPercent, worst };
}

export function formatSpreadPercent(p: number): string {
  return `${p < 0.01 && p > 0 ? p.toPrecision(1) : p.toFixed(2)} %`;
}

/** `219.31 M – 241.88 M (10.29 %)`, or `127.33 M (×2, identical)` when every run counted the same. */
export function describeSpread(s: CountSpread): string {
  if (s.min === s.max) return `${formatCount(s.min)} (×${s.values.length}, identical)`;
  return `${formatCount(s.min)} – ${formatCount(s.max)} (${formatSpreadPercent(s.spreadPercent)})`;
}

/** One sentence on what the counts can be trusted for, printed before any change. */
export function describeRepeatability(r: Repeatability): string {
  const w = r.worst;
  if (r.runs < MIN_COUNT_RUNS) return `each binary counted once: nothing shows the counts repeat, so no verdict (count at least ${MIN_COUNT_RUNS} times)`;
  if (!r.fixedWork)
    return (
      `not fixed-work, no verdict: counts of one binary differ by ${formatSpreadPercent(w.spread.spreadPercent)} (${w.name}: ${describeSpread(w.spread)}), above the ${r.noiseFloorPercent} % noise floor. ` +
      `The workload does not do the same work every run; likely ${NOT_FIXED_WORK_CAUSES}. To compare builds by counted work, ${FIXED_WORK_FIX}`
    );
  return `fixed-work: counts of one binary repeat within ${formatSpreadPercent(w.spread.spreadPercent)} over ${r.runs} runs each (most: ${w.name}), under the ${r.noiseFloorPercent} % noise floor; a change outside both binaries' ranges is a verdict`;
}

export type CountChange =
  | { kind: 'verdict'; changePercent: number }
  /** The two ranges overlap: the change is no larger than one binary's own spread. */
  | { kind: 'within-spread'; changePercent: number }
  | { kind: 'no-verdict' };

/** The change from `base` to `value` (repeated counts of two binaries) when the workload is fixed-work. */
export function countChange(value: CountSpread, base: CountSpread, repeatability: Pick<Repeatability, 'fixedWork'>): CountChange {
  if (!repeatability.fixedWork) return { kind: 'no-verdict' };
  const changePercent = base.median === 0 ? 0 : ((value.median - base.median) / base.median) * 100;
  const apart = value.min > base.max || value.max < base.min;
  return apart || (value.min === value.max && base.min === base.max && value.min === base.min) ? { kind: 'verdict', changePercent } : { kind: 'within-spread', changePercent };
}

/** `(-23.0%)`, `(+0.1%, within the runs' spread)` or `(no verdict)`. */
export function describeChange(c: CountChange): string {
  if (c.kind === 'no-verdict') return '(no verdict)';
  const pct = `${c.changePercent >= 0 ? '+' : ''}${c.changePercent.toFixed(1)}%`;
  return c.kind === 'verdict' ? `(${pct})` : `(${pct}, within the runs' spread)`;
}
