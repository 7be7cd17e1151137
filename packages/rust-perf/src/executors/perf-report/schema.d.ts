export interface PerfReportExecutorOptions {
  cargoRoot?: string;
  package?: string;
  outputPath?: string;
  /** Subset and order of: dev, release, release+system-alloc, release+native, release+fat-lto, pgo, pgo+native, pgo+bolt, thp. */
  configurations?: string[];
  runs?: number;
  workload?: unknown;
  /** The profile build-pgo uses (production when the workspace defines it). */
  pgoProfile?: string;
  profdata?: string;
  /** Count each configuration under valgrind (instructions, estimated cycles, …), countRuns times; default true. */
  count?: boolean;
  /** Workload args for the counted runs (default: [package.metadata.rust-perf] countArgs, else the workload's args). */
  countArgs?: string[];
  /** Counted runs of each configuration's binary (default 2, at least 2). */
  countRuns?: number;
}
