export interface CiWorkflowGeneratorSchema {
  provider?: 'github';
  name?: string;
  mainBranch?: string;
  gate?: 'same-job' | 'cross-run';
  failOnRegression?: number;
  pgo?: boolean;
  nodeVersion?: string;
  cargoRoot?: string;
  force?: boolean;
  /** The gate's metric: wall time, or instructions counted under callgrind (bench --metric=instructions). */
  metric?: 'wall' | 'instructions';
  /** Spread the bench gate over a matrix of this many jobs (atomized bench targets). */
  shards?: number;
}
