import type { BuildReleaseExecutorOptions } from '../shared/build-options';
import type { WorkloadEntry } from '../../core/pgo/workload';

export interface BoltProfileExecutorOptions extends BuildReleaseExecutorOptions {
  /** PGO profile to build the input binary with (-Cprofile-use), relative to the Nx workspace root; without it the input is a plain build of `profile`. */
  profdata?: string;
  workload?: WorkloadEntry[];
  allowWorkloadFailure?: boolean;
}
