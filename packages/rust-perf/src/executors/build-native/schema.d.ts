import type { BuildReleaseExecutorOptions } from '../build-release/schema';

/** The same options as build-release; -C target-cpu=native is what differs. */
export type BuildNativeExecutorOptions = BuildReleaseExecutorOptions;
