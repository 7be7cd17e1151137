import type { BuildReleaseExecutorOptions } from '../build-release/schema';
import type { WorkloadEntry } from '../../core/pgo/workload';

export interface PgoProfileExecutorOptions extends Omit<BuildReleaseExecutorOptions, 'bins'> {
  workload?: WorkloadEntry[];
  allowWorkloadFailure?: boolean;
}
