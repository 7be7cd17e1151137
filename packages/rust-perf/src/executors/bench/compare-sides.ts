// The same-job gate's processes per side: the base's benches read with cargo metadata, each side built
// (`cargo bench --no-run`), one criterion run of one bench, and the alternating rounds. The order and
// the folding are core/bench/gate/ (gate-steps.ts, gate-plan.ts, compare-run.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyzedTitles, readRunResults, type CriterionResult } from '../../core/bench/criterion/criterion';
import { benchRunArgv, benchRunEnv, cargoBenchBuildArgs } from '../../core/bench/gate/compare-plan';
import { baseBenchNames, builtExecutables } from '../../core/bench/gate/compare-run';
import { recordRound, type RoundTable, type Side } from '../../core/bench/gate/gate-plan';
import { buildFailure, processFailure, roundDone, roundPlan } from '../../core/bench/gate/gate-steps';
import { cargoMetadata } from '../../core/bench/metadata';
import type { MetadataPackage } from '../../core/bench/plan';
import type { PhaseLog } from '../../core/bench/progress';
import { run } from '../../core/process/run';
import { benchFeatures, withFeatures } from './kinds';

export interface SideBuild {
  cargoRoot: string;
  pkgDir: string;
  executables: Map<string, string>;
  criterionHome: string;
  /** cargo's target dir of this side (the counted build goes under it). */
  targetDir: string;
  /** The features each bench's timed build got; its counted build gets the same. */
  features: (bench: string) => string[];
}

/** One side as the rounds and the counted builds see it (a base without the package has no benches to build). */
export function sideBuild(cargoRoot: string, pkg: MetadataPackage | undefined, executables: Map<string, string>, criterionHome: string, targetDir: string, features: string[] | undefined): SideBuild {
  return { cargoRoot, pkgDir: pkg ? path.dirname(pkg.manifest_path) : '', executables, criterionHome, targetDir, features: (bench) => (pkg ? benchFeatures(pkg, [bench], features) : []) };
}

export interface BaseSide {
  cargoRoot: string;
  pkg?: MetadataPackage;
  benches: string[];
  error?: string;
}

export type RunOutcome = { results: CriterionResult[] } | { error: string };

/** The base's package and criterion benches; a crate or workspace that did not exist there has no benches (all new). */
export async function readBase(baseCargoRoot: string, pkgName: string, targetDir: string): Promise<BaseSide> {
  if (!fs.existsSync(path.join(baseCargoRoot, 'Cargo.toml'))) return { cargoRoot: baseCargoRoot, benches: [] };
  let meta;
  try {
    meta = await cargoMetadata(baseCargoRoot, { CARGO_TARGET_DIR: targetDir });
  } catch (e) {
    return { cargoRoot: baseCargoRoot, benches: [], error: `the base's Cargo workspace cannot be read: ${e instanceof Error ? e.message : String(e)}` };
  }
  const pkg = meta.packages.find((p) => p.name === pkgName);
  if (!pkg) return { cargoRoot: baseCargoRoot, benches: [] };
  return { cargoRoot: baseCargoRoot, pkg, benches: baseBenchNames(pkg, fs.readFileSync(pkg.manifest_path, 'utf8')) };
}

export async function buildSide(
  cargoRoot: string,
  pkg: MetadataPackage,
  benches: string[],
  env: Record<string, string>,
  features: string[] | undefined,
): Promise<{ ok: true; executables: Map<string, string> } | { ok: false; error: string }> {
  // A bench with required-features is built with them (read from the manifest now, with or without inference).
  const args = withFeatures(cargoBenchBuildArgs(pkg.name, benches), benchFeatures(pkg, benches, features));
  const result = await run('cargo', args, { cwd: cargoRoot, env, echo: 'stderr' });
  if (result.exitCode !== 0) return { ok: false, error: buildFailure(result, cargoRoot) };
  return builtExecutables(result.stdout, pkg, benches);
}

export async function runOnce(side: SideBuild, bench: string, criterion: string[], cpu: number | undefined): Promise<RunOutcome> {
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

/**
 * The alternating rounds over the benches both sides have: per bench, per benchmark id, each side's
 * per-round criterion median and fastest sample. A head that fails stops the run; a base that fails
 * drops that bench from the rounds and is reported as such.
 */
export async function runRounds(
  benches: readonly string[],
  rounds: number,
  once: (side: Side, bench: string) => Promise<RunOutcome>,
  headResults: Map<string, CriterionResult>,
  log: PhaseLog,
): Promise<{ perRound: RoundTable; baseFailed: Map<string, string> }> {
  const perRound: RoundTable = new Map();
  const baseFailed = new Map<string, string>();
  for (const { round, steps } of roundPlan(rounds, benches)) {
    for (const { bench, side } of steps) {
      if (baseFailed.has(bench)) continue;
      const results = await once(side, bench);
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
  return { perRound, baseFailed };
}
