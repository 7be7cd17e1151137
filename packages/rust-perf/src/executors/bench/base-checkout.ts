// What the criterion/divan gate (compare.ts) and the latency gate (latency-compare.ts) share: resolving and
// recording the base ref, checking the base out under the comparison lock with its own target dir, and the
// CPU both sides run on.
import * as os from 'node:os';
import * as path from 'node:path';
import { checkoutBase, resolveBase, withLock, workspaceDataDir, type ResolvedBase } from '../../core/bench/gate/compare-git';
import { comparedRefsFile, recordComparedRef } from '../../core/bench/gate/compare-refs';
import { pinnedCpu, tasksetCpus } from '../../core/bench/gate/gate-plan';
import type { PhaseLog } from '../../core/bench/progress';
import { run } from '../../core/process/run';

/** The base `ref` names, recorded for the atomized targets' cache key (core/bench/gate/compare-refs.ts). */
export async function resolveComparedBase(ref: string, root: string, log: PhaseLog): Promise<ResolvedBase> {
  log.phase(`base: resolving ${ref}`);
  const base = await resolveBase(ref, root);
  if (recordComparedRef(comparedRefsFile(root), ref)) log.phase(`${ref} recorded: the commit it names is now part of the bench targets' cache key`);
  return base;
}

export interface BaseCheckout {
  compareDir: string;
  /** The base's Cargo root inside its worktree. */
  cargoRoot: string;
  /** The base's own cargo target dir. */
  targetDir: string;
}

/**
 * Checks the base out in the comparison folder and runs `work` while holding its lock (one comparison at a
 * time per workspace). The base builds in its own target dir: cargo names a package's executables by a hash
 * of its path relative to the workspace root, so a base built in the head's target dir would replace the
 * head's executables and both sides would run one binary.
 */
export async function withBaseCheckout<T>(
  o: { root: string; cargoRoot: string; headTargetDir: string; compareDir?: string; baseTargetDir?: string; base: ResolvedBase; log: PhaseLog },
  work: (checkout: BaseCheckout) => Promise<T>,
): Promise<T> {
  const compareDir = path.resolve(o.root, o.compareDir ?? path.join(workspaceDataDir(o.root), 'rust-perf-compare'));
  const targetDir = path.resolve(o.root, o.baseTargetDir ?? path.join(o.headTargetDir, 'rust-perf-base'));
  if (targetDir === path.resolve(o.headTargetDir)) {
    throw new Error(`baseTargetDir ${targetDir} is the head's own target dir: the base's executables would replace the head's (cargo gives both the same file names). Use another folder, or leave baseTargetDir unset.`);
  }
  return withLock(
    path.join(compareDir, 'lock'),
    async () => {
      const worktree = path.join(compareDir, 'base');
      o.log.phase(`base: checking out ${o.base.commit.slice(0, 12)} in ${path.relative(o.root, worktree)}`);
      await checkoutBase(o.base, worktree);
      return work({ compareDir, cargoRoot: path.join(worktree, path.relative(o.base.top, o.cargoRoot)), targetDir });
    },
    (holder) => o.log.phase(`waiting for ${holder}: another bench comparison holds ${compareDir}`),
  );
}

/** The last CPU this process may run on, when taskset exists and there is more than one. */
export async function pickCpu(cwd: string): Promise<number | undefined> {
  if (os.availableParallelism() < 2) return undefined;
  const r = await run('taskset', ['-cp', String(process.pid)], { cwd }).catch(() => undefined);
  if (!r || r.exitCode !== 0) return undefined;
  return pinnedCpu(tasksetCpus(r.stdout));
}
