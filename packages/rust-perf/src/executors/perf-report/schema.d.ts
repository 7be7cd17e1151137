export interface PerfReportExecutorOptions {
  cargoRoot?: string;
  package?: string;
  outputPath?: string;
  /** Subset and order of: dev, release, release+system-alloc, release+native, release+fat-lto, pgo, pgo+native. */
  configurations?: string[];
  runs?: number;
  workload?: unknown;
  /** The profile build-pgo uses (production when the workspace defines it). */
  pgoProfile?: string;
  profdata?: string;
}
