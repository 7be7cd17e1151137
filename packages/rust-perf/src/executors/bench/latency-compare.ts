// `bench --compareRef <ref>` for latency programs: base and head built in this job, run in alternating
// rounds (one run per side and round, on one CPU), each percentile compared round by round
// (core/bench/latency/latency-gate.ts). Writes the same summary.json/summary.md as the criterion gate.
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { affectingChanges, crateInputs, otherBenchRoots } from '../../core/bench/gate/compare-plan';
import { changedFiles } from '../../core/bench/gate/compare-git';
import { comparisonSummary } from '../../core/bench/gate/gate-plan';
import { DEFAULT_COMPARE_THRESHOLD, brokenBaseComparisons, changedMessage, unchangedMessage } from '../../core/bench/gate/gate-steps';
import type { BenchInfo } from '../../core/bench/kinds/detect';
import { hasValues, type LatencyValues } from '../../core/bench/latency/latency-output';
import { DEFAULT_LATENCY_ROUNDS, exitCodeOnly, latencyComparisons } from '../../core/bench/latency/latency-gate';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import { comparisonRows, describeComparison, pairedGate, renderComparisonMarkdown, roundOrder, type BenchComparison } from '../../core/bench/gate/paired';
import type { PhaseLog } from '../../core/bench/progress';
import { renderTextTable } from '../../core/bench/summary';
import { writeFileAtomic } from '../../core/fs/atomic';
import { rustcInfo } from '../../core/toolchain/rustc';
import { pickCpu, resolveComparedBase, withBaseCheckout } from './base-checkout';
import { buildLatencyPrograms, featuresFor, nothingRecognizable, packageBenchInfos, runLatencyProgram } from './kinds';
import type { BenchExecutorSchema } from './schema';

export async function runLatencyCompare(
  options: BenchExecutorSchema & { compareRef: string },
  context: ExecutorContext,
  benches: readonly BenchInfo[],
  outputDir: string,
  log: PhaseLog,
): Promise<{ success: boolean }> {
  if (options.baseline || options.saveBaseline) throw new Error('"compareRef" measures the base in this job; it cannot be combined with "baseline" or "saveBaseline" (the cross-run comparison).');
  const threshold = options.failOnRegression ?? DEFAULT_COMPARE_THRESHOLD;
  const rounds = options.rounds ?? DEFAULT_LATENCY_ROUNDS;
  const project = context.projectName ?? options.package ?? 'bench';
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const startedAt = Date.now();
  const names = benches.map((b) => b.name);
  const base = await resolveComparedBase(options.compareRef, context.root, log);
  const headMeta = await cargoMetadata(cargoRoot);
  const pkg = findPackage(headMeta, options.package ?? project, cargoRoot);
  const rustc = `rustc ${(await rustcInfo(cargoRoot)).release}`;
  const header = { project, package: pkg.name, ref: options.compareRef, baseCommit: base.commit, headCommit: base.head, rounds };
  const write = (comparisons: BenchComparison[], gate: { failed: boolean; message: string }, h = header) => {
    const summary = comparisonSummary({ ...h, rustc, benches: names, elapsedSeconds: (Date.now() - startedAt) / 1000 }, comparisons, [], gate, new Date().toISOString());
    writeFileAtomic(path.join(outputDir, 'summary.json'), JSON.stringify(summary, null, 2) + '\n');
    writeFileAtomic(path.join(outputDir, 'summary.md'), renderComparisonMarkdown(h, comparisons, gate.message));
    logger.info(`wrote ${path.relative(context.root, path.join(outputDir, 'summary.json'))} and summary.md`);
  };

  const touching = affectingChanges(await changedFiles(base), crateInputs(headMeta, pkg), otherBenchRoots(pkg, names));
  if (touching.length === 0) {
    const message = unchangedMessage(pkg.name, options.compareRef, base.commit);
    log.phase(message);
    write([], { failed: false, message }, { ...header, rounds: 0 });
    return { success: true };
  }
  log.phase(changedMessage(pkg.name, touching, base.top));

  return withBaseCheckout(
    { root: context.root, cargoRoot, headTargetDir: headMeta.target_directory, compareDir: options.compareDir, baseTargetDir: options.baseTargetDir, base, log },
    async ({ cargoRoot: baseCargoRoot, targetDir: baseTarget }) => {
      const baseEnv = { CARGO_TARGET_DIR: baseTarget };
      const baseMeta = fs.existsSync(path.join(baseCargoRoot, 'Cargo.toml')) ? await cargoMetadata(baseCargoRoot, baseEnv) : undefined;
      const basePkg = baseMeta?.packages.find((p) => p.name === pkg.name);
      const baseInfos = basePkg ? packageBenchInfos(basePkg) : [];
      const both = benches.filter((b) => baseInfos.some((x) => x.name === b.name && x.kind === 'latency'));
      const added = benches.filter((b) => !both.includes(b));

      const features = featuresFor(benches, options.features);
      log.phase(`head: building ${names.join(', ')}`);
      const headExes = await buildLatencyPrograms(cargoRoot, pkg, names, features);
      let baseExes = new Map<string, string>();
      const comparisons: BenchComparison[] = [];
      let compared = both;
      if (both.length && basePkg) {
        log.phase(`base: building ${both.map((b) => b.name).join(', ')} (target dir ${path.relative(context.root, baseTarget)})`);
        try {
          baseExes = await buildLatencyPrograms(baseCargoRoot, basePkg, both.map((b) => b.name), featuresFor(both, options.features), baseEnv);
        } catch (e) {
          // A base that does not build is "not compared", and the gate fails: never a silent pass.
          const error = `the base (${options.compareRef}, ${base.commit.slice(0, 12)}) does not build: ${e instanceof Error ? e.message : String(e)}`;
          logger.error(error);
          comparisons.push(...brokenBaseComparisons(both.map((b) => b.name), error));
          compared = [];
        }
      }
      const cpu = options.pinCpu === false ? undefined : await pickCpu(context.root);
      const dirs = { base: basePkg ? path.dirname(basePkg.manifest_path) : '', head: path.dirname(pkg.manifest_path) };
      const exes = { base: baseExes, head: headExes };

      for (const bench of compared) {
        const values: Record<'base' | 'head', LatencyValues[]> = { base: [], head: [] };
        let silent = false;
        for (let round = 0; round < rounds && !silent; round++) {
          for (const side of roundOrder(round)) {
            const r = await runLatencyProgram(exes[side].get(bench.name)!, dirs[side], { cpu }).catch((e: unknown) => {
              throw new Error(`${side === 'base' ? `the base's (${base.commit.slice(0, 12)})` : 'the head\'s'} latency program ${bench.name} failed: ${e instanceof Error ? e.message : String(e)}`);
            });
            if (!hasValues(r.values)) silent = true;
            values[side].push(r.values);
          }
          if (!silent) log.phase(`${bench.name}: round ${round + 1}/${rounds} done (${roundOrder(round).join(' then ')})`);
        }
        if (silent) {
          log.phase(nothingRecognizable(bench.name));
          comparisons.push(exitCodeOnly(bench.name, nothingRecognizable(bench.name)));
          continue;
        }
        const list = latencyComparisons(bench.name, values, threshold);
        for (const c of list) if (c.note) log.phase(`${c.id}: ${c.note}`);
        comparisons.push(...list);
      }
      for (const bench of added) comparisons.push({ id: bench.name, bench: bench.name, status: 'new', metrics: [], verdict: 'new' });

      for (const c of comparisons) log.phase(describeComparison(c));
      const gate = pairedGate(comparisons, { 'wall-time': threshold });
      write(comparisons, gate, { ...header, cpu } as typeof header);
      if (comparisons.length) logger.info('\n' + renderTextTable(comparisonRows(comparisons)) + '\n');
      if (gate.failed) {
        logger.error(gate.message);
        return { success: false };
      }
      logger.info(gate.message);
      return { success: true };
    },
  );
}
