import type { BuildReleaseExecutorOptions } from '../shared/build-options';

export interface BuildPgoExecutorOptions extends BuildReleaseExecutorOptions {
  /** The merged profile, relative to the Nx workspace root. Default: dist/pgo/<project>/<project>.profdata. */
  profdata?: string;
  /** Also pass -C target-cpu=<cpu> (e.g. native). */
  cpu?: string;
}
