// `bench --compareRef <ref>`: the base and the head built and measured in this job, in alternating
// rounds on one core, compared round by round (core/bench/paired.ts). Never numbers from another machine.
// What runs when and how the results fold is core/bench/gate-steps.ts and gate-plan.ts; this file runs processes and prints.
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyzedTitles, readRunResults, type CriterionResult } from '../../core/bench/criterion';
import { affectingChanges, benchExecutables, benchRunArgv, benchRunEnv, benchSides, cargoBenchBuildArgs, crateInputs, otherBenchRoots } from '../../core/bench/compare-plan';
import { changedFiles } from '../../core/bench/compare-git';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import { valgrindPath, valgrindVersion } from '../../core/count/count';
import { buildCountedBench, countRoutineOnce } from '../../core/bench/counted-run';
import { COUNT_CPU } from '../../core/count/counted-build';
import { comparisonRows, describeComparison, pairedGate, renderComparisonMarkdown, type BenchComparison } from '../../core/bench/paired';
import { addDiffFlamegraphs } from './diff-flamegraph';
import { comparisonSummary, recordRound, wallComparisons, type RoundTable, type Side } from '../../core/bench/gate-plan';
import {
  brokenBaseComparisons,
  buildFailure,
  changedMessage,
  unchangedMessage,
  foldCounted,
  processFailure,
  type CountedRuns,
  compareSettings,
  countedGroups,
  countedPlan,
  countingWanted,
  failedBaseComparisons,
  headOnlyComparisons,
  headSummaries,
  removedComparisons,
  roundDone,
  roundPlan,
  COUNTED_REPEATS,
  countedSideBuilds,
} from '../../core/bench/gate-steps';
import { benchTargets, criterionArgs, dependsOnCriterion, selectBenches, type MetadataPackage } from '../../core/bench/plan';
import type { PhaseLog } from '../../core/bench/progress';
import { renderTextTable, type BenchmarkSummary } from '../../core/bench/summary';
import { writeFileAtomic } from '../../core/fs/atomic';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { run } from '../../core/process/run';
import { rustcInfo } from '../../core/toolchain/rustc';
import type { BenchExecutorSchema } from './schema';
import { benchFeatures, withFeatures } from './kinds';
import { countDivanSides, divanBenches, runDivanRound } from './divan';
import { pickCpu, resolveComparedBase, withBaseCheckout } from './base-checkout';

interface SideBuild {
  cargoRoot: string;
  pkgDir: string;
  executables: Map<string, string>;
  criterionHome: string;
  /** cargo's target dir of this side (the counted build goes under it). */
  targetDir: string;
  /** The features each bench's timed build got; its counted build gets the same. */
  features: (bench: string) => string[];
}

export async function runCompare(options: BenchExecutorSchema & { compareRef: string }, context: ExecutorContext, log: PhaseLog): Promise<{ success: boolean }> {
  const { thresholds, rounds, statistic, criterion } = compareSettings(options);
  const project = context.projectName ?? options.package ?? 'bench';
  const pkgName = options.package ?? project;
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'bench', project));
  const diffDir = path.join(outputDir, 'diff');
  fs.rmSync(diffDir, { recursive: true, force: true }); // an earlier run's differential flamegraphs are not this run's

  const startedAt = Date.now();
  const base = await resolveComparedBase(options.compareRef, context.root, log);
  const headMeta = await cargoMetadata(cargoRoot);
  const pkg = findPackage(headMeta, pkgName, cargoRoot);
  const selection = selectBenches(pkg, benchTargets(pkg, fs.readFileSync(pkg.manifest_path, 'utf8')), options.benches);
  for (const s of selection.skipped) logger.warn(s);
  // divan benches run and count their own way (executors/bench/divan.ts); the rounds and the verdict are shared.
  const divan = divanBenches(pkg);
  if (selection.run.some((b) => !divan.has(b)) && !dependsOnCriterion(pkg)) logger.warn(`${pkg.manifest_path}: ${pkg.name} does not depend on criterion; rust-perf only reads criterion's results.`);

  const touching = affectingChanges(await changedFiles(base), crateInputs(headMeta, pkg), otherBenchRoots(pkg, selection.run));
  const header = { project, package: pkg.name, ref: options.compareRef, baseCommit: base.commit, headCommit: base.head, rounds };
  if (touching.length === 0) {
    const message = unchangedMessage(pkg.name, options.compareRef, base.commit);
    log.phase(message);
    writeOutputs(outputDir, context, { ...header, rounds: 0 }, [], [], { failed: false, message }, await rustcVersion(cargoRoot), { benches: selection.run, startedAt });
    return { success: true };
  }
  log.phase(changedMessage(pkg.name, touching, base.top));

  return withBaseCheckout(
    { root: context.root, cargoRoot, headTargetDir: headMeta.target_directory, compareDir: options.compareDir, baseTargetDir: options.baseTargetDir, base, log },
    async ({ compareDir, cargoRoot: baseCargoRoot, targetDir: baseTarget }) => {
      const baseSide = await readBase(baseCargoRoot, pkg.name, baseTarget);
      // Only benches this task asked for can be removed: an atomized `bench--<name>` runs one, the others are not this task's.
      const sides = benchSides(selection.run, options.benches?.length ? baseSide.benches.filter((b) => options.benches!.includes(b)) : baseSide.benches);

      log.phase(`head: cargo ${cargoBenchBuildArgs(pkg.name, selection.run).join(' ')}`);
      const headBuild = await build(cargoRoot, pkg, selection.run, {}, options.features);
      if (!headBuild.ok) throw new Error(headBuild.error);
      let baseError = baseSide.error;
      let baseExes = new Map<string, string>();
      if (!baseError && sides.both.length && baseSide.pkg) {
        log.phase(`base: cargo ${cargoBenchBuildArgs(pkg.name, sides.both).join(' ')} (target dir ${path.relative(context.root, baseTarget)})`);
        const b = await build(baseSide.cargoRoot, baseSide.pkg, sides.both, { CARGO_TARGET_DIR: baseTarget }, options.features);
        if (b.ok) baseExes = b.executables;
        else baseError = `the base (${options.compareRef}, ${base.commit.slice(0, 12)}) does not build: ${b.error}`;
      }
      const criterionHome = (side: Side) => path.join(compareDir, 'criterion', project, side);
      const head: SideBuild = {
        cargoRoot,
        pkgDir: path.dirname(pkg.manifest_path),
        executables: headBuild.executables,
        criterionHome: criterionHome('head'),
        targetDir: headMeta.target_directory,
        features: (bench) => benchFeatures(pkg, [bench], options.features),
      };
      const baseBuild: SideBuild = {
        cargoRoot: baseSide.cargoRoot,
        pkgDir: baseSide.pkg ? path.dirname(baseSide.pkg.manifest_path) : '',
        executables: baseExes,
        criterionHome: criterionHome('base'),
        targetDir: baseTarget,
        features: (bench) => (baseSide.pkg ? benchFeatures(baseSide.pkg, [bench], options.features) : []),
      };

      const cpu = options.pinCpu === false ? undefined : await pickCpu(context.root);
      const extra = criterionArgs(criterion);
      const once = (side: SideBuild, bench: string) =>
        divan.has(bench) ? runDivanRound({ exe: side.executables.get(bench)!, pkgDir: side.pkgDir, cpu, options }) : runOnce(side, bench, extra, cpu);
      const comparisons: BenchComparison[] = [];
      const headResults = new Map<string, CriterionResult>();

      if (baseError) {
        logger.error(baseError);
        comparisons.push(...brokenBaseComparisons(sides.both, baseError));
      } else if (sides.both.length) {
        // per bench, per benchmark id: each side's per-round criterion median and fastest sample
        const perRound: RoundTable = new Map();
        const baseFailed = new Map<string, string>();
        for (const { round, steps } of roundPlan(rounds, sides.both)) {
          for (const { bench, side } of steps) {
            if (baseFailed.has(bench)) continue;
            const results = await once(side === 'base' ? baseBuild : head, bench);
            if ('error' in results) {
              if (side === 'head') throw new Error(results.error);
              baseFailed.set(bench, `the base's ${bench} failed: ${results.error}`);
              continue;
            }
            recordRound(perRound, side, round, bench, results.results);
            if (side === 'head') for (const res of results.results) headResults.set(res.id, res);
          }
          log.phase(roundDone(round, rounds));
        }
        comparisons.push(...failedBaseComparisons(baseFailed));
        comparisons.push(...wallComparisons(perRound, rounds, statistic, thresholds['wall-time'], new Set(baseFailed.keys())));
      }
      if (countingWanted(options.counted, baseError)) {
        await addCounted(comparisons, { base: baseBuild, head }, pkg.name, thresholds.instructions, log, divan);
      }
      for (const bench of sides.added) {
        log.phase(`head: ${bench} is new (not in the base): measuring the head only`);
        const results = await once(head, bench);
        if ('error' in results) throw new Error(results.error);
        for (const res of results.results) headResults.set(res.id, res);
        comparisons.push(...headOnlyComparisons(bench, results.results, statistic));
      }
      comparisons.push(...removedComparisons(sides.removed));
      if (comparisons.length === 0) {
        if (options.filter) throw new Error(`no criterion results were produced for ${pkg.name} (does the filter "${options.filter}" match any benchmark?).`);
        // A bench with no benchmarks on this toolchain (rand's `simd`: all behind a nightly feature) is a note, never a failure.
        const message = `${selection.run.join(', ')}: no benchmarks ran on either side (none are compiled in on this toolchain and these features); nothing to compare.`;
        log.phase(message);
        writeOutputs(outputDir, context, { ...header, cpu }, [], [], { failed: false, message }, await rustcVersion(cargoRoot), { benches: selection.run, startedAt });
        return { success: true };
      }

      if (options.diffFlamegraphs !== false) {
        const o = { outputDir: diffDir, profileTime: options.diffProfileTime ?? 3, installTools: options.installTools ?? true, workspaceDirs: [cargoRoot, context.root], root: context.root };
        await addDiffFlamegraphs(comparisons.filter((c) => !divan.has(c.bench)), { base: baseBuild, head }, o, log);
        for (const c of comparisons) if (divan.has(c.bench) && c.verdict === 'regressed') c.diffNote = 'no differential flamegraph: divan benches are not profiled by the gate';
      }
      for (const c of comparisons) log.phase(describeComparison(c));
      const gate = pairedGate(comparisons, thresholds);
      writeOutputs(outputDir, context, { ...header, cpu }, comparisons, headSummaries(headResults, comparisons), gate, await rustcVersion(cargoRoot), { benches: selection.run, startedAt });
      logger.info('\n' + renderTextTable(comparisonRows(comparisons)) + '\n');
      if (gate.failed) {
        logger.error(gate.message);
        return { success: false };
      }
      logger.info(gate.message);
      return { success: true };
    },
  );
}

/**
 * Counted work first: each compared benchmark's instructions of one iteration under callgrind, counted only
 * inside criterion's `Bencher::iter*` (countRoutineOnce, the `--metric=instructions` method), on both sides,
 * COUNTED_REPEATS times, in the binaries `--metric=instructions` counts (countedSideBuilds: x86-64-v3, which
 * valgrind decodes, whatever target-cpu the timed build has). Counts that do not repeat leave the verdict to
 * wall time. Without valgrind, or when a side's counted build fails, wall time decides and the log says why.
 */
async function addCounted(comparisons: BenchComparison[], sides: Record<Side, SideBuild>, pkgName: string, threshold: number, log: PhaseLog, divan: ReadonlySet<string>): Promise<void> {
  try {
    await valgrindVersion();
  } catch (e) {
    log.phase(`counted work: skipped, ${e instanceof Error ? e.message : String(e)} (wall time decides)`);
    return;
  }
  const valgrind = valgrindPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-gate-count-'));
  try {
    for (const [bench, list] of countedGroups(comparisons)) {
      const counts: CountedRuns = { base: new Map(), head: new Map() };
      let failure: string | undefined;
      const started = Date.now();
      const exes = await countedExecutables(pkgName, bench, sides, log);
      if ('failure' in exes) {
        log.phase(`counted work for ${bench}: not counted (${exes.failure}); wall time decides`);
        continue;
      }
      if (divan.has(bench)) {
        log.phase(`counted work for ${bench}: one iteration of divan's loop for ${list.length} benchmark(s) under callgrind, base and head`);
        const exe = (side: Side) => ({ exe: exes[side], pkgDir: sides[side].pkgDir });
        const divanCounts = await countDivanSides({ sides: { base: exe('base'), head: exe('head') }, ids: list.map((c) => c.id), repeats: COUNTED_REPEATS });
        if ('failure' in divanCounts) failure = divanCounts.failure;
        else Object.assign(counts, divanCounts.counts);
      } else log.phase(`counted work for ${bench}: one iteration of ${list.length} benchmark(s) under callgrind (inside criterion's Bencher::iter*), base and head`);
      for (const [i, step] of (divan.has(bench) ? [] : countedPlan(list.map((c) => c.id))).entries()) {
        const side = sides[step.side];
        const n = await countRoutineOnce({ valgrind, exe: exes[step.side], id: step.id, cwd: side.pkgDir, outFile: path.join(dir, `callgrind.${i}.out`), env: { CRITERION_HOME: side.criterionHome, CARGO_MANIFEST_DIR: side.pkgDir } });
        if ('reason' in n) {
          failure = `${step.side} ${step.id}: ${n.reason}`;
          break;
        }
        counts[step.side].set(step.id, [...(counts[step.side].get(step.id) ?? []), n.instructions]);
      }
      if (failure) {
        log.phase(`counted work for ${bench}: not counted (${failure}); wall time decides`);
        continue;
      }
      const folded = foldCounted(list, counts, threshold);
      for (const note of folded.notes) log.phase(note);
      list.forEach((c, i) => (comparisons[comparisons.indexOf(c)] = folded.next[i]));
      log.phase(`counted work for ${bench}: done, ${COUNTED_REPEATS} runs per benchmark and side (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Both sides' counted builds of one bench (the `--metric=instructions` build), or why one failed. */
async function countedExecutables(pkgName: string, bench: string, sides: Record<Side, SideBuild>, log: PhaseLog): Promise<Record<Side, string> | { failure: string }> {
  const side = (s: Side) => ({ cargoRoot: sides[s].cargoRoot, targetDir: sides[s].targetDir, features: sides[s].features(bench) });
  const builds = countedSideBuilds(pkgName, bench, { base: side('base'), head: side('head') });
  const out: Partial<Record<Side, string>> = {};
  for (const s of ['base', 'head'] as const) {
    log.phase(`counted work for ${bench}: building the ${s} for counting (profile bench, ${COUNT_CPU})`);
    try {
      out[s] = await buildCountedBench({ ...builds[s], print: (l) => logger.info(l) });
    } catch (e) {
      return { failure: `the ${s}'s counted build failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
    }
  }
  return out as Record<Side, string>;
}

interface BaseSide {
  cargoRoot: string;
  pkg?: MetadataPackage;
  benches: string[];
  error?: string;
}

/** The base's package and criterion benches; a crate or workspace that did not exist there has no benches (all new). */
async function readBase(baseCargoRoot: string, pkgName: string, targetDir: string): Promise<BaseSide> {
  if (!fs.existsSync(path.join(baseCargoRoot, 'Cargo.toml'))) return { cargoRoot: baseCargoRoot, benches: [] };
  let meta;
  try {
    meta = await cargoMetadata(baseCargoRoot, { CARGO_TARGET_DIR: targetDir });
  } catch (e) {
    return { cargoRoot: baseCargoRoot, benches: [], error: `the base's Cargo workspace cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
  const pkg = meta.packages.find((p) => p.name === pkgName);
  if (!pkg) return { cargoRoot: baseCargoRoot, benches: [] };
  const benches = benchTargets(pkg, fs.readFileSync(pkg.manifest_path, 'utf8'))
    .filter((t) => !t.harness)
    .map((t) => t.name);
  return { cargoRoot: baseCargoRoot, pkg, benches };
}

async function build(
  cargoRoot: string,
  pkg: MetadataPackage,
  benches: string[],
  env: Record<string, string>,
  features: string[] | undefined,
): Promise<{ ok: true; executables: Map<string, string> } | { ok: false; error: string }> {
  // A bench with required-features is built with them (read from the manifest now, with or without inference).
  const args = withFeatures(cargoBenchBuildArgs(pkg.name, benches), benchFeatures(pkg, benches, features));
  const result = await run('cargo', args, { cwd: cargoRoot, env, echo: 'stderr' });
  if (result.exitCode !== 0) {
    return { ok: false, error: buildFailure(result, cargoRoot) };
  }
  const executables = benchExecutables(result.stdout, pkg.manifest_path);
  const missing = benches.filter((b) => !executables.has(b));
  if (missing.length) return { ok: false, error: `cargo reported no executable for bench(es) ${missing.join(', ')} of ${pkg.name}` };
  return { ok: true, executables };
}

async function runOnce(side: SideBuild, bench: string, criterion: string[], cpu: number | undefined): Promise<{ results: CriterionResult[] } | { error: string }> {
  const exe = side.executables.get(bench)!;
  const { file, args } = benchRunArgv({ executable: exe, criterion, cpu });
  fs.mkdirSync(side.criterionHome, { recursive: true });
  const started = Date.now();
  const result = await run(file, args, { cwd: side.pkgDir, env: benchRunEnv({ ...side, executable: exe }, process.env.LD_LIBRARY_PATH) });
  if (result.exitCode !== 0) {
    return { error: processFailure(result, 3) };
  }
  const titles = analyzedTitles(result.stderr + '\n' + result.stdout);
  return { results: readRunResults({ criterionDir: side.criterionHome, since: started, titles }) };
}

async function rustcVersion(cargoRoot: string): Promise<string> {
  return `rustc ${(await rustcInfo(cargoRoot)).release}`;
}

function writeOutputs(
  outputDir: string,
  context: ExecutorContext,
  header: Parameters<typeof renderComparisonMarkdown>[0],
  comparisons: BenchComparison[],
  benchmarks: BenchmarkSummary[],
  gate: { failed: boolean; message: string },
  rustc: string,
  task: { benches: string[]; startedAt: number },
): void {
  const run = { ...header, rustc, benches: task.benches, elapsedSeconds: (Date.now() - task.startedAt) / 1000 };
  const summary = comparisonSummary(run, comparisons, benchmarks, gate, new Date().toISOString());
  writeFileAtomic(path.join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic(path.join(outputDir, 'summary.md'), renderComparisonMarkdown(header, comparisons, gate.message));
  logger.info(`wrote ${path.relative(context.root, path.join(outputDir, 'summary.json'))} and summary.md`);
}

