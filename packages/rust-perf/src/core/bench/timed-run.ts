// The timed run's decisions (`bench` without --compareRef): which baseline, what each result is compared
// with, what a bench that reported nothing says, and the summary written. executors/bench/executor.ts
// runs cargo and prints; the reading of criterion's files is criterion/criterion.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCriterionBaseline, type Estimate } from './criterion/criterion';
import { resolveBaseline, type BaselineRef } from './plan';
import { compareWith, formatNs, formatPercent, parseBaselineSummary, type BenchSummary, type BenchmarkSummary } from './summary';

/** What the results of this run are compared with: an earlier summary.json, or a criterion baseline by name. */
export type TimedBaseline = { kind: 'summary'; medians: Map<string, Estimate>; source: string; file: string } | { kind: 'criterion'; name: string };

/** A warning when a timed target (not an atomized one, which is cached on purpose) has Nx caching on. */
export function cachingWarning(project: string, targetName: string | undefined, target: { cache?: boolean; metadata?: Record<string, unknown> } | undefined): string | undefined {
  if (!target?.cache || (target.metadata?.['rust-perf'] as { atomizedFrom?: string } | undefined)?.atomizedFrom) return undefined;
  return `rust-perf bench: caching is on for ${project}:${targetName}. Timings are not deterministic: a cache hit replays an old summary instead of measuring. Turn it off unless you mean it.`;
}

export interface BaselineOptions {
  baseline?: string;
  baselineMissingOk?: boolean;
  saveBaseline?: string;
}

/**
 * The baseline of a timed run, read before measuring so a bad file fails in a second, not after the benches.
 * `{projectName}` lets one `nx affected -t bench --baseline=…/{projectName}/summary.json` serve every crate (CI).
 */
export function timedBaseline(o: BaselineOptions, project: string, root: string): { baseline?: TimedBaseline; option?: string; warning?: string } {
  const option = o.baseline?.replace(/\{projectName\}/g, project);
  const ref: BaselineRef | undefined = option ? resolveBaseline(option, root) : undefined;
  if (!ref) return {};
  if (ref.kind === 'criterion') {
    if (o.saveBaseline) throw new Error('"baseline" (a criterion baseline name) and "saveBaseline" cannot be combined: criterion rejects --baseline with --save-baseline.');
    return { baseline: ref, option };
  }
  if (!fs.existsSync(ref.file)) {
    if (o.baselineMissingOk) return { warning: `no baseline yet at ${path.relative(root, ref.file)}: measuring without comparison (baselineMissingOk).` };
    throw new Error(`baseline file ${ref.file} does not exist (pass a summary.json from an earlier run, or a criterion baseline name saved with --saveBaseline).`);
  }
  const medians = parseBaselineSummary(fs.readFileSync(ref.file, 'utf8'), ref.file);
  return { baseline: { kind: 'summary', medians, source: path.relative(root, ref.file) || ref.file, file: ref.file }, option };
}

/**
 * A result compared with the baseline when it has this benchmark. A criterion baseline is read from
 * criterion's folder of the benchmark (`directory`), so rows without one (latency programs) keep none.
 */
export function withTimedBaseline(b: BenchmarkSummary, baseline: TimedBaseline | undefined, threshold: number, criterion?: { dir: string; directory: string }): BenchmarkSummary {
  if (baseline?.kind === 'summary') {
    const old = baseline.medians.get(b.id);
    return old ? compareWith(b, old, baseline.source, threshold) : b;
  }
  if (baseline?.kind === 'criterion' && criterion) {
    const old = readCriterionBaseline(criterion.dir, criterion.directory, baseline.name);
    return old ? compareWith(b, old, `criterion:${baseline.name}`, threshold) : b;
  }
  return b;
}

/** The line printed as each benchmark finishes: its median, interval and, with a baseline, the change. */
export function doneLine(b: BenchmarkSummary): string {
  const change = b.baseline ? `, ${formatNs(b.baseline.median.estimate)} → ${formatNs(b.median.estimate)} (${formatPercent(b.baseline.changePercent)})` : '';
  return `done ${b.id}: median ${formatNs(b.median.estimate)} [${formatNs(b.median.lower)} – ${formatNs(b.median.upper)}]${change}`;
}

/** A bench that reported no results: with a filter the filter is the suspect; without, the toolchain compiled none in. */
export function noResultsNote(bench: string, filter: string | undefined, criterionDir: string): string {
  // A bench with no benchmarks on this toolchain (rand's `simd`: all behind a nightly feature) is a note, not a failure.
  return filter
    ? `bench ${bench}: criterion reported no results in ${criterionDir} (does the filter "${filter}" match any benchmark?)`
    : `bench ${bench}: ran and reported no benchmarks (none are compiled in on this toolchain and these features); nothing to measure.`;
}

/** Nothing measured is a failure only when a filter selected nothing; benches with no benchmarks here are notes. */
export function nothingMeasuredError(o: { measured: number; filter?: string; notes: readonly string[]; withDivan: boolean; pkg: string }): string | undefined {
  if (o.measured > 0 || (!o.filter && o.notes.length > 0)) return undefined;
  return `no ${o.withDivan ? 'criterion or divan' : 'criterion'} results were produced for ${o.pkg}; nothing to summarize.`;
}

/** The benchmarks a baseline had no entry for (new ones, or another filter), as a warning. */
export function missingBaselineWarning(benchmarks: readonly BenchmarkSummary[], option: string | undefined): string | undefined {
  const missing = benchmarks.filter((b) => !b.baseline).map((b) => b.id);
  return missing.length ? `no baseline for: ${missing.join(', ')} (new benchmarks, or not in ${option}).` : undefined;
}

/** summary.json of a timed run; `notes` only when there are some. */
export function timedSummary(o: { project: string; pkg: string; rustc: string; benchmarks: BenchmarkSummary[]; notes: string[]; createdAt: string }): BenchSummary {
  return {
    schemaVersion: 1,
    project: o.project,
    package: o.pkg,
    createdAt: o.createdAt,
    rustc: o.rustc,
    metric: 'wall',
    benchmarks: o.benchmarks,
    ...(o.notes.length ? { notes: o.notes } : {}),
  };
}

/** summary.json of a task whose benches could not run here (libtest on stable): no benchmarks, the notes say why. */
export function notesOnlySummary(o: { project: string; pkg: string; rustc: string; notes: string[]; benches: string[]; createdAt: string }): BenchSummary & { benches: string[] } {
  return { ...timedSummary({ ...o, benchmarks: [], notes: [] }), notes: o.notes, benches: o.benches };
}
