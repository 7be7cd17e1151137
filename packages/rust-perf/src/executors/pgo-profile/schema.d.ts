import type { BuildReleaseExecutorOptions } from '../shared/build-options';
import type { WorkloadEntry } from '../../core/pgo/workload';

export interface PgoProfileExecutorOptions extends Omit<BuildReleaseExecutorOptions, 'bins'> {
  workload?: WorkloadEntry[];
  allowWorkloadFailure?: boolean;
  /** Seconds criterion runs each benchmark of a bench workload (--profile-time); 0 = the full criterion run. */
  benchProfileTime?: number;
}
