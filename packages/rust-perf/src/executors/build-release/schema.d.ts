export type { BuildReleaseExecutorOptions } from '../shared/build-options';
