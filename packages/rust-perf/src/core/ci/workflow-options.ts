// What the generated workflow is made of: the generator's answers, read by github-workflow.ts (the single
// job) and sharded-workflow.ts (the bench matrix), so neither imports the other for it.
import type { PackageManagerSteps } from './repository';

export interface WorkflowOptions {
  name: string;
  mainBranch: string;
  /**
   * same-job (default): the base ($NX_BASE) is built and measured beside the head in this job (bench --compareRef).
   * cross-run: compare with summaries an earlier run on main saved (another runner, hours earlier: noisier).
   */
  gate?: 'same-job' | 'cross-run';
  /** Percent; a benchmark that got slower by more (same-job: paired interval above zero; cross-run: CIs don't overlap) fails the job. */
  failOnRegression: number;
  /** Also run build-pgo (installs llvm-<major> for llvm-profdata). */
  pgo: boolean;
  nodeVersion: string;
  /** Folder of the Cargo workspace relative to the repo root, e.g. "rust". */
  cargoRoot: string;
  /** Every Cargo root of a repository with several (each with its own target dir and Cargo.lock); replaces cargoRoot for the cache. */
  cargoRoots?: string[];
  buildTarget: string;
  benchTarget: string;
  pgoTarget: string;
  /** Linkers the committed .cargo/config.toml files name with -fuse-ld (e.g. mold): the runner installs them. */
  linkers?: string[];
  /** More than 1: the bench gate over a matrix of this many jobs (core/ci/sharded-workflow.ts). */
  shards?: number;
  /** The atomized benches' aggregate target (plugin option benchCiTargetName). */
  benchCiTarget?: string;
  /** What the gate compares: wall time (criterion's timing, counted work first when valgrind is there) or instructions only (bench --metric=instructions). */
  metric?: 'wall' | 'instructions';
  /** How the repository installs and starts Nx (core/ci/repository.ts); default npm with a package-lock.json. */
  packageManager?: PackageManagerSteps;
}
