import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import type { ExecutorContext } from '@nx/devkit';
import { runBuildExecutor } from '../shared/build-executor';
import type { BuildReleaseExecutorOptions } from './schema';

/** `cargo build --profile <profile> -p <package>` with the user's rustflags untouched. */
export default async function buildReleaseExecutor(options: BuildReleaseExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runBuildExecutor(options, context, { outputKind: 'release', addRustflags: () => [] });
}
