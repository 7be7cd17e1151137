// `metric: "instructions"`: the bench target's counted mode (counted benches). Builds each bench for
// x86-64-v3, counts each benchmark's routine under callgrind `countRuns` times, writes summary.json
// (metric "instructions") and summary.md, compares with a counted baseline summary.json and gates.
// Called from one place in executor.ts; shares nothing mutable with the timed path.
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  compareCounted,
  countedGate,
  countedTableRows,
  DEFAULT_COUNT_RUNS,
  formatCount,
  noisyWarning,
  parseCountedBaseline,
  renderCountedMarkdown,
  type CountedBaselineEntry,
  type CountedBenchmarkSummary,
  type CountedBenchSummary,
} from '../../core/bench/counted/counted';
import { buildCountedBench, countBenches } from '../../core/bench/counted/counted-run';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import { benchTargets, resolveBaseline, selectBenches } from '../../core/bench/plan';
import type { createPhaseLog } from '../../core/bench/progress';
import { formatPercent, renderTextTable } from '../../core/bench/summary';
import { valgrindPath, valgrindVersion } from '../../core/count/count';
import { writeFileAtomic } from '../../core/fs/atomic';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { rustcInfo } from '../../core/toolchain/rustc';
import type { BenchExecutorSchema } from './schema';
import { divanBenches } from './divan';
import { benchFeatures } from './kinds';
import { countDivanBench } from '../../core/bench/divan/divan-run';

export async function runCountedBenches(options: BenchExecutorSchema, context: ExecutorContext, log: ReturnType<typeof createPhaseLog>): Promise<{ success: boolean }> {
  const project = context.projectName ?? options.package ?? 'bench';
  const pkgName = options.package ?? project;
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'bench', project));
  const threshold = options.failOnRegression;
  const runs = options.countRuns ?? DEFAULT_COUNT_RUNS;

  for (const [name, value] of [['saveBaseline', options.saveBaseline], ['warmUpTime', options.warmUpTime], ['measurementTime', options.measurementTime], ['sampleSize', options.sampleSize]] as const) {
    if (value !== undefined) logger.warn(`rust-perf bench: "${name}" is a timing option; counted runs (metric "instructions") ignore it.`);
  }
  // A missing valgrind fails in a second, before any build.
  const valgrind = await valgrindVersion(valgrindPath());

  const baselineOption = options.baseline?.replace(/\{projectName\}/g, project);
  let baseline: { file: string; entries: Map<string, CountedBaselineEntry> } | undefined;
  if (baselineOption) {
    const ref = resolveBaseline(baselineOption, context.root);
    if (ref.kind === 'criterion') throw new Error(`"baseline": "${baselineOption}" names a criterion baseline; counted runs compare with a summary.json from an earlier counted run (metric "instructions").`);
    if (!fs.existsSync(ref.file)) {
      if (!options.baselineMissingOk) throw new Error(`baseline file ${ref.file} does not exist (pass a summary.json from an earlier counted run).`);
      logger.warn(`no baseline yet at ${path.relative(context.root, ref.file)}: counting without comparison (baselineMissingOk).`);
    } else {
      baseline = { file: ref.file, entries: parseCountedBaseline(fs.readFileSync(ref.file, 'utf8'), ref.file) };
      log.phase(`baseline: ${ref.file} (${baseline.entries.size} counted benchmark(s))`);
    }
  }

  const metadata = await cargoMetadata(cargoRoot);
  const pkg = findPackage(metadata, pkgName, cargoRoot);
  const selection = selectBenches(pkg, benchTargets(pkg, fs.readFileSync(pkg.manifest_path, 'utf8')), options.benches);
  for (const s of selection.skipped) logger.warn(s);

  const benchmarks: CountedBenchmarkSummary[] = [];
  const divan = divanBenches(pkg);
  for (const bench of selection.run) {
    log.phase(`building ${bench} for counting (profile bench, x86-64-v3)`);
    const exe = await buildCountedBench({ cargoRoot, package: pkg.name, bench, targetDir: metadata.target_directory, features: benchFeatures(pkg, [bench], options.features), print: (l) => logger.info(l) });
    log.phase(`counting ${bench} under callgrind, ${runs} run(s) per benchmark`);
    const count = divan.has(bench) ? countDivanBench : countBenches; // divan: one iteration of its measured loop (core/bench/divan/divan.ts)
    const counted = await count({ exe, bench, cwd: path.dirname(pkg.manifest_path), filter: options.filter, runs, progress: (l) => logger.info(`  ${l}`) });
    for (let b of counted) {
      const old = baseline?.entries.get(b.id);
      if (baseline && old) b = compareCounted(b, old, path.relative(context.root, baseline.file) || baseline.file, threshold ?? 0);
      benchmarks.push(b);
      const change = b.baseline ? `, ${formatCount(b.baseline.median.estimate)} → ${formatCount(b.median.estimate)} (${formatPercent(b.baseline.changePercent)}, allowed ${b.baseline.allowedPercent.toFixed(2)}%)` : '';
      log.phase(`done ${b.id}: ${formatCount(b.median.estimate)} instructions (spread ${b.counted.spreadPercent.toFixed(2)}% over ${b.counted.runs.length} runs)${change}`);
    }
  }
  if (benchmarks.length === 0) throw new Error(`no benchmarks were counted for ${pkg.name}; nothing to summarize.`);
  if (baseline) {
    const missing = benchmarks.filter((b) => !b.baseline).map((b) => b.id);
    if (missing.length) logger.warn(`no baseline for: ${missing.join(', ')} (new benchmarks, or not in ${baselineOption}).`);
  }
  const noisy = noisyWarning(benchmarks);
  if (noisy) logger.warn(noisy);

  const summary: CountedBenchSummary = {
    schemaVersion: 1,
    project,
    package: pkg.name,
    createdAt: new Date().toISOString(),
    rustc: `rustc ${(await rustcInfo(cargoRoot)).release}`,
    metric: 'instructions',
    valgrind,
    ...(threshold !== undefined ? { gate: { metric: 'instructions' as const, thresholdPercent: threshold } } : {}),
    benchmarks,
  };
  writeFileAtomic(path.join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic(path.join(outputDir, 'summary.md'), renderCountedMarkdown(summary));
  logger.info('\n' + renderTextTable(countedTableRows(benchmarks)) + '\n');
  log.phase(`wrote ${path.relative(context.root, path.join(outputDir, 'summary.json'))} and summary.md (${benchmarks.length} counted benchmark(s))`);

  const verdict = countedGate(benchmarks, threshold);
  if (verdict.failed) {
    logger.error(verdict.message);
    return { success: false };
  }
  if (verdict.message) logger.info(verdict.message);
  return { success: true };
}
