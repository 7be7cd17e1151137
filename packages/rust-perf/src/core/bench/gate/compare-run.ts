// The same-job gate's decisions the executor used to make inline: which benches each side has for this
// task, whether a build gave every executable asked for, what an empty comparison means, which
// regressions get no differential flamegraph, and the outputs written. Pure; executors/bench/compare.ts
// and compare-sides.ts run the processes.
import { benchTargets, type MetadataPackage } from '../plan';
import { benchExecutables, benchSides, type BenchSides } from './compare-plan';
import { comparisonSummary, type CompareRun } from './gate-plan';
import { renderComparisonMarkdown, type BenchComparison } from './paired';
import type { BenchmarkSummary } from '../summary';

/** The base's criterion benches (harness = false), from its manifest as cargo metadata saw it. */
export function baseBenchNames(pkg: MetadataPackage, manifestText: string): string[] {
  return benchTargets(pkg, manifestText)
    .filter((t) => !t.harness)
    .map((t) => t.name);
}

/** Only benches this task asked for can be removed: an atomized `bench--<name>` runs one, the others are not this task's. */
export function taskSides(headRun: readonly string[], baseBenches: readonly string[], asked: readonly string[] | undefined): BenchSides {
  return benchSides(headRun, asked?.length ? baseBenches.filter((b) => asked.includes(b)) : baseBenches);
}

/** Each asked bench's executable from `cargo bench --no-run`'s messages, or which ones cargo did not report. */
export function builtExecutables(stdout: string, pkg: Pick<MetadataPackage, 'name' | 'manifest_path'>, benches: readonly string[]): { ok: true; executables: Map<string, string> } | { ok: false; error: string } {
  const executables = benchExecutables(stdout, pkg.manifest_path);
  const missing = benches.filter((b) => !executables.has(b));
  if (missing.length) return { ok: false, error: `cargo reported no executable for bench(es) ${missing.join(', ')} of ${pkg.name}` };
  return { ok: true, executables };
}

/**
 * Nothing compared: with a filter the filter matched nothing (an error); without, the benches have no
 * benchmarks on this toolchain (rand's `simd`: all behind a nightly feature), a note, never a failure.
 */
export function nothingCompared(filter: string | undefined, pkg: string, benches: readonly string[]): { error: string } | { message: string } {
  if (filter) return { error: `no criterion results were produced for ${pkg} (does the filter "${filter}" match any benchmark?).` };
  return { message: `${benches.join(', ')}: no benchmarks ran on either side (none are compiled in on this toolchain and these features); nothing to compare.` };
}

/** The comparisons the differential flamegraphs profile: divan benches are not, and their regressions say so. */
export function diffFlamegraphPlan(comparisons: readonly BenchComparison[], divan: ReadonlySet<string>): { profiled: BenchComparison[]; unprofiledRegressions: BenchComparison[] } {
  return {
    profiled: comparisons.filter((c) => !divan.has(c.bench)),
    unprofiledRegressions: comparisons.filter((c) => divan.has(c.bench) && c.verdict === 'regressed'),
  };
}
export const DIVAN_DIFF_NOTE = 'no differential flamegraph: divan benches are not profiled by the gate';

/** summary.json and summary.md of a compareRef run. */
export function compareOutputs(
  run: CompareRun,
  comparisons: readonly BenchComparison[],
  benchmarks: readonly BenchmarkSummary[],
  gate: { failed: boolean; message: string },
  createdAt: string,
): { summary: Record<string, unknown>; markdown: string } {
  return { summary: comparisonSummary(run, comparisons, benchmarks, gate, createdAt), markdown: renderComparisonMarkdown(run, comparisons, gate.message) };
}
