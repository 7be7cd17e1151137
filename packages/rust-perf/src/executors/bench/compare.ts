// `bench --compareRef <ref>`: the base and the head built and measured in this job, in alternating
// rounds on one core, compared round by round (core/bench/gate/paired.ts). Never numbers from another machine.
// What runs when and how the results fold is core/bench/gate/ (gate-steps.ts, gate-plan.ts, compare-run.ts);
// this file, compare-sides.ts and compare-counted.ts run processes and print.
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CriterionResult } from '../../core/bench/criterion/criterion';
import { affectingChanges, cargoBenchBuildArgs, crateInputs, otherBenchRoots } from '../../core/bench/gate/compare-plan';
import { changedFiles } from '../../core/bench/gate/compare-git';
import { compareOutputs, diffFlamegraphPlan, DIVAN_DIFF_NOTE, nothingCompared, taskSides } from '../../core/bench/gate/compare-run';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import { comparisonRows, describeComparison, pairedGate, type BenchComparison, type ComparisonHeader } from '../../core/bench/gate/paired';
import { addDiffFlamegraphs } from './diff-flamegraph';
import { wallComparisons, type Side } from '../../core/bench/gate/gate-plan';
import { brokenBaseComparisons, changedMessage, unchangedMessage, compareSettings, countingWanted, failedBaseComparisons, headOnlyComparisons, headSummaries, removedComparisons } from '../../core/bench/gate/gate-steps';
import { benchTargets, criterionArgs, dependsOnCriterion, selectBenches } from '../../core/bench/plan';
import type { PhaseLog } from '../../core/bench/progress';
import { renderTextTable, type BenchmarkSummary } from '../../core/bench/summary';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { rustcInfo } from '../../core/toolchain/rustc';
import type { BenchExecutorSchema } from './schema';
import { divanBenches, runDivanRound } from './divan';
import { pickCpu, resolveComparedBase, withBaseCheckout } from './base-checkout';
import { addCounted } from './compare-counted';
import { buildSide, readBase, runOnce, runRounds, sideBuild, type SideBuild } from './compare-sides';
import { writeSummaryFiles } from './summary-files';

export async function runCompare(options: BenchExecutorSchema & { compareRef: string }, context: ExecutorContext, log: PhaseLog): Promise<{ success: boolean }> {
  const { thresholds, rounds, statistic, criterion } = compareSettings(options);
  const project = context.projectName ?? options.package ?? 'bench';
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'bench', project));
  const diffDir = path.join(outputDir, 'diff');
  fs.rmSync(diffDir, { recursive: true, force: true }); // an earlier run's differential flamegraphs are not this run's

  const startedAt = Date.now();
  const base = await resolveComparedBase(options.compareRef, context.root, log);
  const headMeta = await cargoMetadata(cargoRoot);
  const pkg = findPackage(headMeta, options.package ?? project, cargoRoot);
  const selection = selectBenches(pkg, benchTargets(pkg, fs.readFileSync(pkg.manifest_path, 'utf8')), options.benches);
  for (const s of selection.skipped) logger.warn(s);
  // divan benches run and count their own way (executors/bench/divan.ts); the rounds and the verdict are shared.
  const divan = divanBenches(pkg);
  if (selection.run.some((b) => !divan.has(b)) && !dependsOnCriterion(pkg)) logger.warn(`${pkg.manifest_path}: ${pkg.name} does not depend on criterion; rust-perf only reads criterion's results.`);
  const write = async (header: ComparisonHeader, comparisons: BenchComparison[], benchmarks: BenchmarkSummary[], gate: { failed: boolean; message: string }) => {
    const run = { ...header, rustc: `rustc ${(await rustcInfo(cargoRoot)).release}`, benches: selection.run, elapsedSeconds: (Date.now() - startedAt) / 1000 };
    const out = compareOutputs(run, comparisons, benchmarks, gate, new Date().toISOString());
    logger.info(`wrote ${path.relative(context.root, writeSummaryFiles(outputDir, out.summary, out.markdown))} and summary.md`);
  };

  const touching = affectingChanges(await changedFiles(base), crateInputs(headMeta, pkg), otherBenchRoots(pkg, selection.run));
  const header = { project, package: pkg.name, ref: options.compareRef, baseCommit: base.commit, headCommit: base.head, rounds };
  if (touching.length === 0) {
    const message = unchangedMessage(pkg.name, options.compareRef, base.commit);
    log.phase(message);
    await write({ ...header, rounds: 0 }, [], [], { failed: false, message });
    return { success: true };
  }
  log.phase(changedMessage(pkg.name, touching, base.top));

  return withBaseCheckout(
    { root: context.root, cargoRoot, headTargetDir: headMeta.target_directory, compareDir: options.compareDir, baseTargetDir: options.baseTargetDir, base, log },
    async ({ compareDir, cargoRoot: baseCargoRoot, targetDir: baseTarget }) => {
      const baseSide = await readBase(baseCargoRoot, pkg.name, baseTarget);
      const sides = taskSides(selection.run, baseSide.benches, options.benches);

      log.phase(`head: cargo ${cargoBenchBuildArgs(pkg.name, selection.run).join(' ')}`);
      const headBuild = await buildSide(cargoRoot, pkg, selection.run, {}, options.features);
      if (!headBuild.ok) throw new Error(headBuild.error);
      let baseError = baseSide.error;
      let baseExes = new Map<string, string>();
      if (!baseError && sides.both.length && baseSide.pkg) {
        log.phase(`base: cargo ${cargoBenchBuildArgs(pkg.name, sides.both).join(' ')} (target dir ${path.relative(context.root, baseTarget)})`);
        const b = await buildSide(baseSide.cargoRoot, baseSide.pkg, sides.both, { CARGO_TARGET_DIR: baseTarget }, options.features);
        if (b.ok) baseExes = b.executables;
        else baseError = `the base (${options.compareRef}, ${base.commit.slice(0, 12)}) does not build: ${b.error}`;
      }
      const criterionHome = (side: Side) => path.join(compareDir, 'criterion', project, side);
      const head = sideBuild(cargoRoot, pkg, headBuild.executables, criterionHome('head'), headMeta.target_directory, options.features);
      const baseBuild = sideBuild(baseSide.cargoRoot, baseSide.pkg, baseExes, criterionHome('base'), baseTarget, options.features);

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
        const { perRound, baseFailed } = await runRounds(sides.both, rounds, (side, bench) => once(side === 'base' ? baseBuild : head, bench), headResults, log);
        comparisons.push(...failedBaseComparisons(baseFailed));
        comparisons.push(...wallComparisons(perRound, rounds, statistic, thresholds['wall-time'], new Set(baseFailed.keys())));
      }
      if (countingWanted(options.counted, baseError)) await addCounted(comparisons, { base: baseBuild, head }, pkg.name, thresholds.instructions, log, divan);
      for (const bench of sides.added) {
        log.phase(`head: ${bench} is new (not in the base): measuring the head only`);
        const results = await once(head, bench);
        if ('error' in results) throw new Error(results.error);
        for (const res of results.results) headResults.set(res.id, res);
        comparisons.push(...headOnlyComparisons(bench, results.results, statistic));
      }
      comparisons.push(...removedComparisons(sides.removed));
      if (comparisons.length === 0) {
        const nothing = nothingCompared(options.filter, pkg.name, selection.run);
        if ('error' in nothing) throw new Error(nothing.error);
        log.phase(nothing.message);
        await write({ ...header, cpu }, [], [], { failed: false, message: nothing.message });
        return { success: true };
      }

      if (options.diffFlamegraphs !== false) {
        const o = { outputDir: diffDir, profileTime: options.diffProfileTime ?? 3, installTools: options.installTools ?? true, workspaceDirs: [cargoRoot, context.root], root: context.root };
        const plan = diffFlamegraphPlan(comparisons, divan);
        await addDiffFlamegraphs(plan.profiled, { base: baseBuild, head }, o, log);
        for (const c of plan.unprofiledRegressions) c.diffNote = DIVAN_DIFF_NOTE;
      }
      for (const c of comparisons) log.phase(describeComparison(c));
      const gate = pairedGate(comparisons, thresholds);
      await write({ ...header, cpu }, comparisons, headSummaries(headResults, comparisons), gate);
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
