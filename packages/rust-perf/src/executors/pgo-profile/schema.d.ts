import type { BuildReleaseExecutorOptions } from '../shared/build-options';
import type { WorkloadEntry } from '../../core/pgo/workload';

export interface PgoProfileExecutorOptions extends Omit<BuildReleaseExecutorOptions, 'bins'> {
  workload?: WorkloadEntry[];
  allowWorkloadFailure?: boolean;
  /** Seconds criterion runs each benchmark of a bench workload (--profile-time); 0 = the full criterion run. */
  benchProfileTime?: number;
  /** Also count the workload (valgrind, -C target-cpu=x86-64-v3) on the build without and with PGO and print both. */
  count?: boolean;
  /** Workload args for the counted runs (default: [package.metadata.rust-perf] countArgs, else the workload's args). */
  countArgs?: string[];
}
