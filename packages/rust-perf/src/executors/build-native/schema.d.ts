import type { BuildReleaseExecutorOptions } from '../shared/build-options';

/** The same options as build-release; -C target-cpu=native is what differs. */
export type BuildNativeExecutorOptions = BuildReleaseExecutorOptions;
