export interface BenchExecutorSchema {
  cargoRoot?: string;
  package?: string;
  benches?: string[];
  outputPath?: string;
  filter?: string;
  /** Let criterion draw its HTML plots (default false: --noplot). */
  plots?: boolean;
  /** Cargo features (--features); each bench's required-features are added from Cargo.toml. */
  features?: string[];
  /** Latency programs: runs per program (default 3). */
  runs?: number;
  baseline?: string;
  baselineMissingOk?: boolean;
  saveBaseline?: string;
  failOnRegression?: number;
  warmUpTime?: number;
  measurementTime?: number;
  sampleSize?: number;
  metric?: 'wall' | 'instructions';
  countRuns?: number;
  /** Same-job comparison: build and measure this git ref's merge base with HEAD beside the working tree. */
  compareRef?: string;
  /** Alternating base/head rounds (compareRef). */
  rounds?: number;
  /** Pin base and head to one CPU with taskset (compareRef). */
  pinCpu?: boolean;
  /** Where the base's worktree and criterion data live (compareRef; default <Nx workspace data>/rust-perf-compare). */
  compareDir?: string;
  /** The base's own cargo target dir (compareRef; default <target dir>/rust-perf-base). */
  baseTargetDir?: string;
  /** Count one iteration's instructions under callgrind on both sides, in the x86-64-v3 build metric "instructions" counts; counted work decides when the counts repeat (compareRef; default true). */
  counted?: boolean;
  /** Percent for counted instructions (compareRef; default 1). */
  failOnCountedRegression?: number;
  /** What a round contributes for wall time: each run's fastest sample per iteration (default) or criterion's median (compareRef). */
  wallStatistic?: 'fastest' | 'median';
  /** Differential flamegraphs of regressed benchmarks (compareRef; default true). */
  diffFlamegraphs?: boolean;
  /** Seconds each side runs under perf for them (default 3). */
  diffProfileTime?: number;
  /** Install inferno with cargo when it is missing (default true). */
  installTools?: boolean;
}
