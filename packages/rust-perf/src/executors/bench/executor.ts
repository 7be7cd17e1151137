import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readCriterionBaseline, readRunResults, analyzedTitles, measurementPlans, unhonouredOptions, type Estimate } from '../../core/bench/criterion';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import { cargoBenchArgs, criterionArgs, dependsOnCriterion, resolveBaseline } from '../../core/bench/plan';
import { createCompletionTracker, createPhaseLog } from '../../core/bench/progress';
import { runCompare } from './compare';
import {
  compareWith,
  formatNs,
  formatPercent,
  gate,
  parseBaselineSummary,
  renderMarkdown,
  renderTextTable,
  summarizeResult,
  tableRows,
  type BenchSummary,
  type BenchmarkSummary,
} from '../../core/bench/summary';
import { writeFileAtomic } from '../../core/fs/atomic';
import { run } from '../../core/process/run';
import { rustcInfo } from '../../core/toolchain/rustc';
import type { BenchExecutorSchema } from './schema';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { runCountedBenches } from './counted';
import { featuresFor, planKinds, withFeatures } from './kinds';
import { runLatencyBenches } from './latency';
import { runLatencyCompare } from './latency-compare';
import { divanBenches, refuseCriterionOnly, runDivanBench } from './divan';

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

/**
 * The same-job gate per kind: criterion benches through compare.ts, latency programs through
 * latency-compare.ts (beside criterion's summary, in latency/, when a run has both), libtest benches as notes.
 */
async function runCompareByKind(options: BenchExecutorSchema & { compareRef: string }, context: ExecutorContext, log: ReturnType<typeof createPhaseLog>): Promise<{ success: boolean }> {
  const project = context.projectName ?? options.package ?? 'bench';
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const pkg = findPackage(await cargoMetadata(cargoRoot), options.package ?? project, cargoRoot);
  const kinds = planKinds(pkg, options.benches, (await rustcInfo(cargoRoot)).release);
  for (const n of kinds.notes) logger.warn(n);
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'bench', project));
  let ok = true;
  if (kinds.criterion.length) {
    const criterion = await runCompare({ ...options, benches: kinds.criterion.map((b) => b.name) }, context, log);
    ok &&= criterion.success;
  }
  if (kinds.latency.length) {
    const dir = kinds.criterion.length ? path.join(outputDir, 'latency') : outputDir;
    const latency = await runLatencyCompare(options, context, kinds.latency, dir, log);
    ok &&= latency.success;
  }
  if (!kinds.criterion.length && !kinds.latency.length) {
    const message = `nothing to compare: ${kinds.notes.join(' ')}`;
    writeNotesOnly(outputDir, { project, package: pkg.name, rustc: `rustc ${(await rustcInfo(cargoRoot)).release}`, notes: kinds.notes, benches: options.benches ?? [], message });
    log.phase(message);
  }
  return { success: ok };
}

/** summary.json/summary.md of a task whose benches could not run here (libtest on stable): the notes say why. */
function writeNotesOnly(outputDir: string, o: { project: string; package: string; rustc: string; notes: string[]; benches: string[]; message: string }): void {
  const summary: BenchSummary & { benches: string[] } = { schemaVersion: 1, project: o.project, package: o.package, createdAt: new Date().toISOString(), rustc: o.rustc, metric: 'wall', benchmarks: [], notes: o.notes, benches: o.benches };
  writeFileAtomic(path.join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic(path.join(outputDir, 'summary.md'), renderMarkdown(summary));
}

async function runBenches(
  options: BenchExecutorSchema,
  context: ExecutorContext,
  log: ReturnType<typeof createPhaseLog>,
): Promise<{ success: boolean }> {
  const project = context.projectName ?? options.package ?? 'bench';
  const pkgName = options.package ?? project;
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'bench', project));
  const threshold = options.failOnRegression;

  const target = context.targetName ? context.projectsConfigurations?.projects[project]?.targets?.[context.targetName] : undefined;
  // Atomized bench targets are cached on purpose (inputs narrowed to what the bench is built from).
  if (target?.cache && !(target.metadata?.['rust-perf'] as { atomizedFrom?: string } | undefined)?.atomizedFrom) {
    logger.warn(
      `rust-perf bench: caching is on for ${project}:${context.targetName}. Timings are not deterministic: a cache hit replays an old summary instead of measuring. Turn it off unless you mean it.`,
    );
  }

  // `{projectName}` lets one `nx affected -t bench --baseline=…/{projectName}/summary.json` serve every crate (CI).
  const baselineOption = options.baseline?.replace(/\{projectName\}/g, project);
  let baselineRef = baselineOption ? resolveBaseline(baselineOption, context.root) : undefined;
  if (baselineRef?.kind === 'summary' && !fs.existsSync(baselineRef.file) && options.baselineMissingOk) {
    logger.warn(`no baseline yet at ${path.relative(context.root, baselineRef.file)}: measuring without comparison (baselineMissingOk).`);
    baselineRef = undefined;
  }
  if (baselineRef?.kind === 'criterion' && options.saveBaseline) {
    throw new Error('"baseline" (a criterion baseline name) and "saveBaseline" cannot be combined: criterion rejects --baseline with --save-baseline.');
  }
  // Read a summary baseline before measuring, so a bad file fails in a second, not after the benches.
  let summaryBaseline: Map<string, Estimate> | undefined;
  if (baselineRef?.kind === 'summary') {
    if (!fs.existsSync(baselineRef.file)) {
      throw new Error(`baseline file ${baselineRef.file} does not exist (pass a summary.json from an earlier run, or a criterion baseline name saved with --saveBaseline).`);
    }
    summaryBaseline = parseBaselineSummary(fs.readFileSync(baselineRef.file, 'utf8'), baselineRef.file);
    log.phase(`baseline: ${baselineRef.file} (${summaryBaseline.size} benchmark(s))`);
  }

  const metadata = await cargoMetadata(cargoRoot);
  const pkg = findPackage(metadata, pkgName, cargoRoot);
  const rustc = `rustc ${(await rustcInfo(cargoRoot)).release}`;
  // Each bench by its kind: criterion's results are read below, divan's from its table (executors/bench/divan.ts),
  // latency programs run as programs, libtest benches are notes.
  const kinds = planKinds(pkg, options.benches, rustc.replace(/^rustc /, ''));
  const notes = [...kinds.notes];
  for (const n of kinds.notes) logger.warn(n);
  const divan = divanBenches(pkg);
  for (const b of kinds.criterion) if (b.kind === 'divan') divan.add(b.name);
  const divanSelected = kinds.criterion.map((b) => b.name).filter((b) => divan.has(b));
  if (divanSelected.length) refuseCriterionOnly(options, baselineRef?.kind === 'criterion', divanSelected);
  const selection = { run: kinds.criterion.map((b) => b.name) };
  if (divanSelected.length < selection.run.length && !dependsOnCriterion(pkg)) {
    logger.warn(`${pkg.manifest_path}: ${pkg.name} does not depend on criterion; rust-perf only reads criterion's results.`);
  }
  const criterionDir = process.env.CRITERION_HOME ?? path.join(metadata.target_directory, 'criterion');
  const extra = criterionArgs({
    saveBaseline: options.saveBaseline,
    baseline: baselineRef?.kind === 'criterion' ? baselineRef.name : undefined,
    warmUpTime: options.warmUpTime,
    measurementTime: options.measurementTime,
    sampleSize: options.sampleSize,
    filter: options.filter,
    noplot: !options.plots,
  });

  const benchmarks: BenchmarkSummary[] = [];
  const withBaseline = (b: BenchmarkSummary): BenchmarkSummary => {
    if (summaryBaseline && baselineRef?.kind === 'summary') {
      const old = summaryBaseline.get(b.id);
      if (old) return compareWith(b, old, path.relative(context.root, baselineRef.file) || baselineRef.file, threshold ?? 0);
    }
    return b;
  };
  for (const bench of kinds.criterion) {
    if (divan.has(bench.name)) {
      const baseline = summaryBaseline && baselineRef?.kind === 'summary' ? { medians: summaryBaseline, source: path.relative(context.root, baselineRef.file) || baselineRef.file } : undefined;
      benchmarks.push(...(await runDivanBench({ cargoRoot, pkg: pkg.name, bench: bench.name, options, baseline, log })));
      continue;
    }
    const args = withFeatures(cargoBenchArgs(pkg.name, bench.name, extra), featuresFor([bench], options.features));
    log.phase(`cargo ${args.join(' ')}`);
    const started = Date.now();
    const reported = new Set<string>();
    // Each benchmark's line as soon as criterion has written its files, not after the whole bench target.
    const report = (titles: readonly string[]) => {
      for (const r of readRunResults({ criterionDir, since: started, titles })) {
        if (reported.has(r.id)) continue;
        reported.add(r.id);
        let b = summarizeResult(r, bench.name);
        if (summaryBaseline && baselineRef?.kind === 'summary') {
          const old = summaryBaseline.get(r.id);
          if (old) b = compareWith(b, old, path.relative(context.root, baselineRef.file) || baselineRef.file, threshold ?? 0);
        } else if (baselineRef?.kind === 'criterion') {
          const old = readCriterionBaseline(criterionDir, r.directory, baselineRef.name);
          if (old) b = compareWith(b, old, `criterion:${baselineRef.name}`, threshold ?? 0);
        }
        benchmarks.push(b);
        const change = b.baseline ? `, ${formatNs(b.baseline.median.estimate)} → ${formatNs(b.median.estimate)} (${formatPercent(b.baseline.changePercent)})` : '';
        log.phase(`done ${b.id}: median ${formatNs(b.median.estimate)} [${formatNs(b.median.lower)} – ${formatNs(b.median.upper)}]${change}`);
      }
    };
    const tracker = createCompletionTracker(report);
    const result = await run('cargo', args, { cwd: cargoRoot, echo: true, onLine: tracker.line });
    if (result.exitCode !== 0) {
      throw new Error(`\`${result.command}\` ${result.signal ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`} (cargo's and criterion's messages are above).`);
    }
    tracker.end();
    const output = result.stderr + '\n' + result.stdout;
    report(analyzedTitles(output));
    if (reported.size === 0) {
      // A bench with no benchmarks on this toolchain (rand's `simd`: all behind a nightly feature) is a note, not a failure.
      const note = options.filter
        ? `bench ${bench.name}: criterion reported no results in ${criterionDir} (does the filter "${options.filter}" match any benchmark?)`
        : `bench ${bench.name}: ran and reported no benchmarks (none are compiled in on this toolchain and these features); nothing to measure.`;
      logger.warn(note);
      notes.push(note);
    }
    for (const w of unhonouredOptions(measurementPlans(output), { warmUpTime: options.warmUpTime, measurementTime: options.measurementTime, sampleSize: options.sampleSize })) logger.warn(`bench ${bench.name}: ${w}`);
  }
  if (kinds.latency.length) {
    const latency = await runLatencyBenches(cargoRoot, pkg, kinds.latency, { features: options.features, runs: options.runs }, log);
    benchmarks.push(...latency.rows.map(withBaseline));
    notes.push(...latency.notes);
  }
  // Nothing measured is a failure only when a filter selected nothing; benches with no benchmarks here are notes.
  if (benchmarks.length === 0 && (options.filter || notes.length === 0)) throw new Error(`no ${divanSelected.length ? 'criterion or divan' : 'criterion'} results were produced for ${pkg.name}; nothing to summarize.`);
  if (baselineRef) {
    const missing = benchmarks.filter((b) => !b.baseline).map((b) => b.id);
    if (missing.length) logger.warn(`no baseline for: ${missing.join(', ')} (new benchmarks, or not in ${baselineOption}).`);
  }

  const summary: BenchSummary = {
    schemaVersion: 1,
    project,
    package: pkg.name,
    createdAt: new Date().toISOString(),
    rustc,
    metric: 'wall',
    benchmarks,
    ...(notes.length ? { notes } : {}),
  };
  writeFileAtomic(path.join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic(path.join(outputDir, 'summary.md'), renderMarkdown(summary));
  if (benchmarks.length) logger.info('\n' + renderTextTable(tableRows(benchmarks)) + '\n');
  log.phase(`wrote ${path.relative(context.root, path.join(outputDir, 'summary.json'))} and summary.md (${benchmarks.length} benchmark(s))`);

  const verdict = gate(benchmarks, threshold);
  if (verdict.failed) {
    logger.error(verdict.message);
    return { success: false };
  }
  if (verdict.message) logger.info(verdict.message);
  return { success: true };
}
