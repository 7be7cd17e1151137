// Reads what criterion (0.4/0.5) writes under `<target-dir>/criterion/<id>/<new|baseline>/`.
// Criterion always writes the current run to `new/` (and copies it to `<name>/` with --save-baseline),
// so `new/` plus the set of ids reported in this run is the truth about this run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseJson } from '../json';

/** A point estimate with its 95 % confidence interval, in nanoseconds. */
export interface Estimate {
  estimate: number;
  lower: number;
  upper: number;
  unit: 'ns';
}

export type CriterionThroughput =
  | { kind: 'elements'; perIteration: number }
  | { kind: 'bytes'; perIteration: number }
  | { kind: 'bytes-decimal'; perIteration: number };

export interface CriterionResult {
  /** criterion's full id, e.g. `orderbook/add_cancel_match` */
  id: string;
  title: string;
  directory: string;
  mean: Estimate;
  median: Estimate;
  throughput?: CriterionThroughput;
  /** Each sample's time per iteration (ns, sample.json), fastest first; absent when criterion wrote no sample.json. */
  perIteration?: number[];
}

export class CriterionResultError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = 'CriterionResultError';
  }
}

function toEstimate(raw: unknown, file: string, key: string): Estimate {
  const r = raw as { point_estimate?: unknown; confidence_interval?: { lower_bound?: unknown; upper_bound?: unknown } } | undefined;
  const estimate = r?.point_estimate;
  const lower = r?.confidence_interval?.lower_bound;
  const upper = r?.confidence_interval?.upper_bound;
  if (typeof estimate !== 'number' || typeof lower !== 'number' || typeof upper !== 'number') {
    throw new CriterionResultError(file, `expected "${key}" with point_estimate and confidence_interval.{lower_bound,upper_bound}`);
  }
  return { estimate, lower, upper, unit: 'ns' };
}

/** Parses estimates.json: mean and median (criterion stores nanoseconds per iteration). */
export function parseEstimates(text: string, file: string): { mean: Estimate; median: Estimate } {
  const raw = parseJson(text, file) as Record<string, unknown>;
  return { mean: toEstimate(raw?.mean, file, 'mean'), median: toEstimate(raw?.median, file, 'median') };
}

/** sample.json (`iters`, `times` in ns, one entry per sample): each sample's time per iteration, fastest first. */
export function parseSamplePerIteration(text: string, file: string): number[] {
  const raw = parseJson(text, file) as { iters?: unknown; times?: unknown };
  const iters = raw?.iters;
  const times = raw?.times;
  if (!Array.isArray(iters) || !Array.isArray(times) || iters.length !== times.length || iters.length === 0) {
    throw new CriterionResultError(file, 'expected "iters" and "times" arrays of the same, non-zero length (is this criterion\'s sample.json?)');
  }
  return times
    .map((t, i) => {
      const n = iters[i];
      if (typeof t !== 'number' || typeof n !== 'number' || !(n > 0) || !(t >= 0)) throw new CriterionResultError(file, `sample ${i}: expected a positive iteration count and a time, got ${JSON.stringify(n)}, ${JSON.stringify(t)}`);
      return t / n;
    })
    .sort((a, b) => a - b);
}

export interface BenchmarkInfo {
  id: string;
  title: string;
  directory: string;
  throughput?: CriterionThroughput;
}

/** Parses benchmark.json: the id, the directory criterion chose for it and the declared throughput. */
export function parseBenchmarkInfo(text: string, file: string): BenchmarkInfo {
  const raw = parseJson(text, file) as {
    full_id?: unknown;
    title?: unknown;
    directory_name?: unknown;
    throughput?: Record<string, unknown> | null;
  };
  if (typeof raw?.full_id !== 'string' || typeof raw.directory_name !== 'string') {
    throw new CriterionResultError(file, 'expected "full_id" and "directory_name" strings (is this criterion\'s benchmark.json?)');
  }
  const info: BenchmarkInfo = {
    id: raw.full_id,
    title: typeof raw.title === 'string' ? raw.title : raw.full_id,
    directory: raw.directory_name,
  };
  const t = raw.throughput;
  if (t && typeof t === 'object') {
    if (typeof t.Elements === 'number') info.throughput = { kind: 'elements', perIteration: t.Elements };
    else if (typeof t.Bytes === 'number') info.throughput = { kind: 'bytes', perIteration: t.Bytes };
    else if (typeof t.BytesDecimal === 'number') info.throughput = { kind: 'bytes-decimal', perIteration: t.BytesDecimal };
  }
  return info;
}

/**
 * Titles of the benchmarks criterion analyzed, in order, from its progress lines on stderr
 * (`Benchmarking <title>: Analyzing`). Criterion strips nothing from the title, so ids containing
 * `: ` still match because the suffix is fixed.
 */
export function analyzedTitles(output: string): string[] {
  const titles: string[] = [];
  // Progress lines may be overwritten in place on a terminal (`\r`), so split on both.
  for (const line of output.split(/\r?\n|\r/)) {
    const clean = line.replace(/\x1b\[[0-9;]*m/g, '').trimEnd();
    const m = /^Benchmarking (.+): Analyzing$/.exec(clean);
    if (m && !titles.includes(m[1])) titles.push(m[1]);
  }
  return titles;
}

/** Finds every `<dir>/<sub>/benchmark.json` under criterion's directory (ids may contain `/`). */
function findBenchmarkFiles(root: string, sub: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 8) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory() || e.name === 'report') continue;
      const child = path.join(dir, e.name);
      if (e.name === sub && fs.existsSync(path.join(child, 'benchmark.json'))) found.push(path.join(child, 'benchmark.json'));
      else walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return found.sort();
}

export interface ReadRunOptions {
  criterionDir: string;
  /** Results older than this (ms since epoch) belong to an earlier run and are ignored. */
  since?: number;
  /** Titles reported by this run (analyzedTitles); when given, only these are read. */
  titles?: readonly string[];
}

/** Reads the results of one run from `<criterionDir>/<id>/new/`. */
export function readRunResults(options: ReadRunOptions): CriterionResult[] {
  const results: CriterionResult[] = [];
  for (const benchmarkFile of findBenchmarkFiles(options.criterionDir, 'new')) {
    const dir = path.dirname(benchmarkFile);
    const estimatesFile = path.join(dir, 'estimates.json');
    if (!fs.existsSync(estimatesFile)) continue;
    // Compare at second resolution minus a little slack for filesystems with coarse mtimes.
    if (options.since !== undefined && fs.statSync(estimatesFile).mtimeMs < options.since - 1000) continue;
    const info = parseBenchmarkInfo(fs.readFileSync(benchmarkFile, 'utf8'), benchmarkFile);
    if (options.titles && !options.titles.includes(info.title) && !options.titles.includes(info.id)) continue;
    const { mean, median } = parseEstimates(fs.readFileSync(estimatesFile, 'utf8'), estimatesFile);
    const sampleFile = path.join(dir, 'sample.json');
    const perIteration = fs.existsSync(sampleFile) ? parseSamplePerIteration(fs.readFileSync(sampleFile, 'utf8'), sampleFile) : undefined;
    results.push(perIteration ? { ...info, mean, median, perIteration } : { ...info, mean, median });
  }
  if (options.titles) {
    const order = (r: CriterionResult) => {
      const i = options.titles!.indexOf(r.title);
      return i >= 0 ? i : options.titles!.indexOf(r.id);
    };
    results.sort((a, b) => order(a) - order(b));
  }
  return results;
}

/** Reads a named criterion baseline (`--save-baseline <name>`) for one benchmark, if it exists. */
export function readCriterionBaseline(criterionDir: string, directory: string, name: string): Estimate | undefined {
  const file = path.join(criterionDir, directory, name, 'estimates.json');
  if (!fs.existsSync(file)) return undefined;
  return parseEstimates(fs.readFileSync(file, 'utf8'), file).median;
}

/** What criterion said it would do for one benchmark (its progress lines), in seconds. */
export interface MeasurementPlan {
  title: string;
  warmUpSeconds?: number;
  samples?: number;
  estimatedSeconds?: number;
  /** Total iterations criterion planned (`(1680 iterations)`, `(31M iterations)`: approximate when abbreviated). */
  iterations?: number;
  /** `Warning: Unable to complete N samples in <target>`: criterion kept the target time but could not meet it. */
  targetSeconds?: number;
}

const UNIT_SECONDS: Record<string, number> = { ps: 1e-12, ns: 1e-9, 'µs': 1e-6, us: 1e-6, ms: 1e-3, s: 1 };

/** `11.712 s`, `500.00 ms` (criterion's format::time) or `1.0s`, `500.0ms` (Rust's Duration {:.1?}). */
function seconds(value: string, unit: string): number {
  return Number.parseFloat(value) * (UNIT_SECONDS[unit] ?? Number.NaN);
}

/** Reads `Warming up for …`, `Collecting N samples in estimated …` and `Unable to complete N samples in …` per benchmark. */
export function measurementPlans(output: string): MeasurementPlan[] {
  const plans: MeasurementPlan[] = [];
  let current: MeasurementPlan | undefined;
  const planFor = (title: string) => {
    if (current?.title !== title) {
      current = plans.find((p) => p.title === title) ?? { title };
      if (!plans.includes(current)) plans.push(current);
    }
    return current;
  };
  for (const raw of output.split(/\r?\n|\r/)) {
    const line = raw.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trim();
    let m = /^Benchmarking (.+): Warming up for\s+([\d.]+) (ps|ns|µs|us|ms|s)$/.exec(line);
    if (m) {
      planFor(m[1]).warmUpSeconds = seconds(m[2], m[3]);
      continue;
    }
    m = /^Benchmarking (.+): Collecting (\d+) samples in estimated\s+([\d.]+) (ps|ns|µs|us|ms|s)(?: \(([\d.]+)([kMB]?) iterations\))?/.exec(line);
    if (m) {
      const p = planFor(m[1]);
      p.samples = Number(m[2]);
      p.estimatedSeconds = seconds(m[3], m[4]);
      if (m[5]) p.iterations = Number.parseFloat(m[5]) * ({ '': 1, k: 1e3, M: 1e6, B: 1e9 } as Record<string, number>)[m[6]];
      continue;
    }
    m = /^Warning: Unable to complete (\d+) samples in ([\d.]+)(ps|ns|µs|us|ms|s)\b/.exec(line);
    if (m && current) current.targetSeconds = seconds(m[2], m[3]);
  }
  return plans;
}

export interface AskedMeasurement {
  warmUpTime?: number;
  measurementTime?: number;
  sampleSize?: number;
}

/**
 * Options criterion was given on the command line but did not use, one message per option. A bench
 * that builds its own `Criterion` without `.configure_from_args()`, or sets `sample_size` /
 * `measurement_time` / `warm_up_time` on a `BenchmarkGroup` (group settings win over the command line),
 * ignores them silently. Measurement time M (criterion's routine.rs): with n samples criterion runs
 * d, 2d, … n·d iterations, d = ceil(M / (mean time × n(n+1)/2)), so its estimate lies in [M, M·d/(d−1)):
 * close to M for fast benchmarks, below 2 M for any d ≥ 2. d = 1 means it cannot fit and it says
 * "Unable to complete … in <M>" instead. d is read back from the planned iterations (flat sampling gives
 * a smaller d, so a looser, still safe, bound).
 */
export function unhonouredOptions(plans: readonly MeasurementPlan[], asked: AskedMeasurement): string[] {
  const messages: string[] = [];
  const report = (flag: string, value: number, off: Array<{ title: string; saw: string }>) => {
    if (off.length === 0) return;
    const shown = off.slice(0, 3).map((o) => `${o.title} (${o.saw})`).join(', ');
    messages.push(
      `criterion did not use ${flag} ${value} for ${off.length} of ${plans.length} benchmark(s): ${shown}${off.length > 3 ? ', …' : ''}. ` +
        'The bench sets its own value (on a BenchmarkGroup, which wins over the command line) or builds its Criterion without `.configure_from_args()`; ' +
        'use criterion_group!(name = benches; config = Criterion::default()…; targets = …) or call `.configure_from_args()` so the option applies.',
    );
  };
  const near = (a: number, b: number) => Math.abs(a - b) <= 0.01 * b + 0.001;
  if (asked.warmUpTime !== undefined) {
    const w = asked.warmUpTime;
    report('--warm-up-time', w, plans.filter((p) => p.warmUpSeconds !== undefined && !near(p.warmUpSeconds, w)).map((p) => ({ title: p.title, saw: `warming up for ${p.warmUpSeconds} s` })));
  }
  if (asked.sampleSize !== undefined) {
    const n = asked.sampleSize;
    report('--sample-size', n, plans.filter((p) => p.samples !== undefined && p.samples !== n).map((p) => ({ title: p.title, saw: `collecting ${p.samples} samples` })));
  }
  if (asked.measurementTime !== undefined) {
    const t = asked.measurementTime;
    const off = plans.filter((p) => {
      if (p.targetSeconds !== undefined) return Math.abs(p.targetSeconds - t) > 0.051 + 0.01 * t;
      if (p.estimatedSeconds === undefined) return false;
      const d = p.iterations !== undefined && p.samples ? p.iterations / ((p.samples * (p.samples + 1)) / 2) : 0;
      const upper = d >= 2 ? ((t * d) / (d - 1)) * 1.02 : 2.05 * t;
      return p.estimatedSeconds < 0.99 * t || p.estimatedSeconds > upper;
    });
    report('--measurement-time', t, off.map((p) => ({ title: p.title, saw: p.targetSeconds !== undefined ? `target ${p.targetSeconds} s` : `estimated ${p.estimatedSeconds} s` })));
  }
  return messages;
}
