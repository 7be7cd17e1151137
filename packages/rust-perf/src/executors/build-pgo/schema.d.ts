import type { BuildReleaseExecutorOptions } from '../shared/build-options';

export interface BuildPgoExecutorOptions extends BuildReleaseExecutorOptions {
  /** The merged profile, relative to the Nx workspace root. Default: dist/pgo/<project>/<project>.profdata. */
  profdata?: string;
  /** Also pass -C target-cpu=<cpu> (e.g. native). */
  cpu?: string;
  /** Also count the workload (valgrind, -C target-cpu=x86-64-v3) on the build without and with PGO, countRuns times each, and print both with their spread. */
  count?: boolean;
  /** Workload args for the counted runs (default: [package.metadata.rust-perf] countArgs, else the workload's args). */
  countArgs?: string[];
  /** Counted runs of each binary with --count (default 2, at least 2). */
  countRuns?: number;
}
