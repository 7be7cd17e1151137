import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import type { ExecutorContext } from '@nx/devkit';
import { nativeTargetDir } from '../../core/pgo/plan';
import { runBuildExecutor } from '../shared/build-executor';
import type { BuildNativeExecutorOptions } from './schema';

/**
 * Release build for this machine's CPU: -C target-cpu=native is added for this build only (on top of
 * the user's config and env rustflags), in its own target dir so the release build's cache is untouched.
 */
export default async function buildNativeExecutor(options: BuildNativeExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  return runBuildExecutor(options, context, { outputKind: 'native', addRustflags: () => ['-Ctarget-cpu=native'], targetDir: (s) => nativeTargetDir(s.targetDir) });
}
