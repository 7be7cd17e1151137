import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as path from 'node:path';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import { criterionArgs, dependsOnCriterion } from '../../core/bench/plan';
import { createPhaseLog, type PhaseLog } from '../../core/bench/progress';
import { gate, renderMarkdown, renderTextTable, tableRows, type BenchmarkSummary } from '../../core/bench/summary';
import { cachingWarning, missingBaselineWarning, nothingMeasuredError, timedBaseline, timedSummary, withTimedBaseline } from '../../core/bench/timed-run';
import { rustcInfo } from '../../core/toolchain/rustc';
import type { BenchExecutorSchema } from './schema';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { runCompareByKind } from './compare-by-kind';
import { runCountedBenches } from './counted';
import { runCriterionBench } from './criterion';
import { planKinds } from './kinds';
import { runLatencyBenches } from './latency';
import { divanBenches, refuseCriterionOnly, runDivanBench } from './divan';
import { writeSummaryFiles } from './summary-files';

export default async function benchExecutor(options: BenchExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const log = createPhaseLog('bench', (line) => logger.info(line));
  try {
    // Same-job comparison counts work itself (counted first, wall time second), whatever `metric` says.
    if (options.compareRef) return await runCompareByKind({ ...options, compareRef: options.compareRef }, context, log);
    if (options.metric === 'instructions') return await runCountedBenches(options, context, log);
    return await runBenches(options, context, log);
  } catch (e) {
    logger.error(`rust-perf bench failed: ${e instanceof Error ? e.message : String(e)}`);
    return { success: false };
  }
}

/** The timed run: each bench by its kind, compared with a baseline when given, one summary, the gate. */
async function runBenches(options: BenchExecutorSchema, context: ExecutorContext, log: PhaseLog): Promise<{ success: boolean }> {
  const project = context.projectName ?? options.package ?? 'bench';
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'bench', project));
  const threshold = options.failOnRegression;

  const target = context.targetName ? context.projectsConfigurations?.projects[project]?.targets?.[context.targetName] : undefined;
  const caching = cachingWarning(project, context.targetName, target);
  if (caching) logger.warn(caching);
  const { baseline, option: baselineOption, warning } = timedBaseline(options, project, context.root);
  if (warning) logger.warn(warning);
  if (baseline?.kind === 'summary') log.phase(`baseline: ${baseline.file} (${baseline.medians.size} benchmark(s))`);

  const metadata = await cargoMetadata(cargoRoot);
  const pkg = findPackage(metadata, options.package ?? project, cargoRoot);
  const rustc = `rustc ${(await rustcInfo(cargoRoot)).release}`;
  // Each bench by its kind: criterion's results are read as they come (executors/bench/criterion.ts), divan's from
  // its table (executors/bench/divan.ts), latency programs run as programs, libtest benches are notes.
  const kinds = planKinds(pkg, options.benches, rustc.replace(/^rustc /, ''));
  const notes = [...kinds.notes];
  for (const n of kinds.notes) logger.warn(n);
  const divan = divanBenches(pkg);
  for (const b of kinds.criterion) if (b.kind === 'divan') divan.add(b.name);
  const divanSelected = kinds.criterion.map((b) => b.name).filter((b) => divan.has(b));
  if (divanSelected.length) refuseCriterionOnly(options, baseline?.kind === 'criterion', divanSelected);
  if (divanSelected.length < kinds.criterion.length && !dependsOnCriterion(pkg)) {
    logger.warn(`${pkg.manifest_path}: ${pkg.name} does not depend on criterion; rust-perf only reads criterion's results.`);
  }
  const criterionDir = process.env.CRITERION_HOME ?? path.join(metadata.target_directory, 'criterion');
  const { saveBaseline, warmUpTime, measurementTime, sampleSize, filter, plots } = options;
  const criterion = criterionArgs({ saveBaseline, baseline: baseline?.kind === 'criterion' ? baseline.name : undefined, warmUpTime, measurementTime, sampleSize, filter, noplot: !plots });

  const benchmarks: BenchmarkSummary[] = [];
  for (const bench of kinds.criterion) {
    if (divan.has(bench.name)) {
      const divanBaseline = baseline?.kind === 'summary' ? { medians: baseline.medians, source: baseline.source } : undefined;
      benchmarks.push(...(await runDivanBench({ cargoRoot, pkg: pkg.name, bench: bench.name, options, baseline: divanBaseline, log })));
      continue;
    }
    const ran = await runCriterionBench({ cargoRoot, pkg: pkg.name, bench, criterion, criterionDir, baseline, options, log });
    benchmarks.push(...ran.benchmarks);
    if (ran.note) notes.push(ran.note);
  }
  if (kinds.latency.length) {
    const latency = await runLatencyBenches(cargoRoot, pkg, kinds.latency, { features: options.features, runs: options.runs }, log);
    benchmarks.push(...latency.rows.map((b) => withTimedBaseline(b, baseline, threshold ?? 0)));
    notes.push(...latency.notes);
  }
  const nothing = nothingMeasuredError({ measured: benchmarks.length, filter: options.filter, notes, withDivan: divanSelected.length > 0, pkg: pkg.name });
  if (nothing) throw new Error(nothing);
  const missing = baseline ? missingBaselineWarning(benchmarks, baselineOption) : undefined;
  if (missing) logger.warn(missing);

  const summary = timedSummary({ project, pkg: pkg.name, rustc, benchmarks, notes, createdAt: new Date().toISOString() });
  const written = writeSummaryFiles(outputDir, summary, renderMarkdown(summary));
  if (benchmarks.length) logger.info('\n' + renderTextTable(tableRows(benchmarks)) + '\n');
  log.phase(`wrote ${path.relative(context.root, written)} and summary.md (${benchmarks.length} benchmark(s))`);

  const verdict = gate(benchmarks, threshold);
  if (verdict.failed) {
    logger.error(verdict.message);
    return { success: false };
  }
  if (verdict.message) logger.info(verdict.message);
  return { success: true };
}
