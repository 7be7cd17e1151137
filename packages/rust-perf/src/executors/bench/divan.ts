// divan benches in the bench executor: which of a package's benches are divan's, and the divan side of
// each path — the timed run (executor.ts), the same-job gate's rounds and counted runs (compare.ts) and the
// counted mode (counted.ts). Each of those asks `divanBenches` and hands a divan bench to a function here.
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CriterionResult } from '../../core/bench/criterion/criterion';
import { divanArgs, divanAsCriterionResult, divanRunOptions, DIVAN_COMPARE_RUN, isDivanBenchSource, parseDivanOutput, summarizeDivan } from '../../core/bench/divan/divan';
import { countDivanIteration, listDivanBenchmarks, runDivanExecutable } from '../../core/bench/divan/divan-run';
import type { MetadataPackage } from '../../core/bench/plan';
import type { PhaseLog } from '../../core/bench/progress';
import { compareWith, formatNs, formatPercent, type BenchmarkSummary } from '../../core/bench/summary';
import type { Estimate } from '../../core/bench/criterion/criterion';
import { run } from '../../core/process/run';
import type { BenchExecutorSchema } from './schema';

/** The package's bench targets whose source calls divan's main (read from cargo metadata's src_path). */
export function divanBenches(pkg: MetadataPackage): Set<string> {
  const names = new Set<string>();
  for (const t of pkg.targets) {
    if (!t.kind.includes('bench') || !t.src_path) continue;
    let source: string;
    try {
      source = fs.readFileSync(t.src_path, 'utf8');
    } catch {
      continue;
    }
    if (isDivanBenchSource(source)) names.add(t.name);
  }
  return names;
}

/** Options that only criterion understands: refused for a divan bench before anything runs. */
export function refuseCriterionOnly(options: BenchExecutorSchema, baselineIsCriterionName: boolean, benches: readonly string[]): void {
  if (options.saveBaseline) throw new Error(`"saveBaseline" saves a criterion baseline; divan has none (bench(es) ${benches.join(', ')}). Keep this run's summary.json and pass it as "baseline" next time.`);
  if (baselineIsCriterionName) throw new Error(`"baseline": "${options.baseline}" names a criterion baseline; divan has none (bench(es) ${benches.join(', ')}). Pass a summary.json of an earlier run.`);
}

/**
 * One divan bench measured with `cargo bench -p <pkg> --bench <bench> -- <divan args>`, each benchmark
 * compared with the summary baseline when there is one.
 */
export async function runDivanBench(o: {
  cargoRoot: string;
  pkg: string;
  bench: string;
  options: BenchExecutorSchema;
  baseline?: { medians: Map<string, Estimate>; source: string };
  log: PhaseLog;
}): Promise<BenchmarkSummary[]> {
  if (o.options.warmUpTime !== undefined) logger.warn(`bench ${o.bench}: divan has no warm-up phase to set; "warmUpTime" is ignored.`);
  const args = ['bench', '-p', o.pkg, '--bench', o.bench, '--', ...divanArgs(divanRunOptions(o.options))];
  o.log.phase(`cargo ${args.join(' ')}`);
  const result = await run('cargo', args, { cwd: o.cargoRoot, echo: true });
  if (result.exitCode !== 0) {
    throw new Error(`\`${result.command}\` ${result.signal ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`} (cargo's and divan's messages are above).`);
  }
  const out: BenchmarkSummary[] = [];
  for (const r of parseDivanOutput(result.stdout, `stdout of \`${result.command}\``)) {
    let b = summarizeDivan(r, o.bench);
    const old = o.baseline?.medians.get(r.id);
    if (old && o.baseline) b = compareWith(b, old, o.baseline.source, o.options.failOnRegression ?? 0);
    const change = b.baseline ? `, ${formatNs(b.baseline.median.estimate)} → ${formatNs(b.median.estimate)} (${formatPercent(b.baseline.changePercent)})` : '';
    o.log.phase(`done ${b.id}: median ${formatNs(r.median)}, fastest ${formatNs(r.fastest)}, slowest ${formatNs(r.slowest)} (${r.samples} samples × ${Math.round(r.iters / Math.max(1, r.samples))} iterations)${change}`);
    out.push(b);
  }
  if (out.length === 0) logger.warn(`bench ${o.bench}: divan printed no results${o.options.filter ? ` (does the filter "${o.options.filter}" match any benchmark?)` : ''}.`);
  return out;
}

/**
 * One round of the same-job gate for a divan bench: the executable in divan's bench mode with few samples
 * and a bounded time per benchmark (sampleSize / measurementTime when set), as criterion results.
 */
export async function runDivanRound(o: {
  exe: string;
  pkgDir: string;
  cpu?: number;
  options: Pick<BenchExecutorSchema, 'sampleSize' | 'measurementTime' | 'filter'>;
  env?: Record<string, string>;
}): Promise<{ results: CriterionResult[] } | { error: string }> {
  const r = await runDivanExecutable({
    exe: o.exe,
    cwd: o.pkgDir,
    cpu: o.cpu,
    env: o.env,
    run: { sampleCount: o.options.sampleSize ?? DIVAN_COMPARE_RUN.sampleCount, maxTime: o.options.measurementTime ?? DIVAN_COMPARE_RUN.maxTime, filter: o.options.filter },
  });
  return 'error' in r ? r : { results: r.results.map(divanAsCriterionResult) };
}

/**
 * Counted runs of a divan bench for the same-job gate: each compared id's one iteration, `repeats` times per
 * side. Unlike criterion's, nothing is subtracted: the count is of divan's measured loop itself.
 */
export async function countDivanSides(o: {
  sides: Record<'base' | 'head', { exe: string; pkgDir: string }>;
  ids: readonly string[];
  repeats: number;
}): Promise<{ counts: Record<'base' | 'head', Map<string, number[]>> } | { failure: string }> {
  const counts = { base: new Map<string, number[]>(), head: new Map<string, number[]>() };
  for (const side of ['base', 'head'] as const) {
    const { exe, pkgDir } = o.sides[side];
    let paths: Map<string, string>;
    try {
      paths = new Map((await listDivanBenchmarks(exe, pkgDir)).map((l) => [l.id, l.path]));
    } catch (e) {
      return { failure: `the ${side}'s benchmarks could not be listed: ${e instanceof Error ? e.message : String(e)}` };
    }
    for (let i = 0; i < o.repeats; i++) {
      for (const id of o.ids) {
        const p = paths.get(id);
        if (!p) return { failure: `the ${side}'s ${path.basename(exe)} has no divan benchmark ${id}` };
        const n = await countDivanIteration({ exe, cwd: pkgDir, path: p });
        if ('reason' in n) return { failure: n.reason };
        counts[side].set(id, [...(counts[side].get(id) ?? []), n.instructions]);
      }
    }
  }
  return { counts };
}
