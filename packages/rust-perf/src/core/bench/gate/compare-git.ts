// Same-job comparison, the git part: resolve the base, list what changed since it, and keep a checkout
// of it in a git worktree that is reused between runs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { processAlive, run, type RunResult } from '../../process/run';

export class CompareRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CompareRefError';
  }
}

async function git(args: string[], cwd: string): Promise<RunResult> {
  return run('git', args, { cwd, env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
}

async function gitOut(args: string[], cwd: string, what: string): Promise<string> {
  const r = await git(args, cwd);
  if (r.exitCode !== 0) throw new CompareRefError(`${what}: \`${r.command}\` failed: ${r.stderr.trim() || `exit code ${r.exitCode}`}`);
  return r.stdout.trim();
}

export interface ResolvedBase {
  /** The ref as the user gave it. */
  ref: string;
  /** The commit compared against: the merge base of the ref and HEAD (what a pull request changes). */
  commit: string;
  head: string;
  /** Top of the git repository. */
  top: string;
}

/** Resolves `--compareRef`; a ref that does not exist gets a message saying how to fetch it. */
export async function resolveBase(ref: string, cwd: string): Promise<ResolvedBase> {
  const topResult = await git(['rev-parse', '--show-toplevel'], cwd);
  if (topResult.exitCode !== 0) throw new CompareRefError(`--compareRef needs a git repository: ${cwd} is not inside one (${topResult.stderr.trim()}).`);
  const top = topResult.stdout.trim();
  const refResult = await git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`], top);
  if (refResult.exitCode !== 0) {
    throw new CompareRefError(
      `--compareRef ${ref}: no such commit in ${top}. Fetch it first (\`git fetch origin ${ref.replace(/^origin\//, '')}\`; in GitHub Actions check out with \`fetch-depth: 0\`), or pass an existing ref. Nothing was compared.`,
    );
  }
  const head = await gitOut(['rev-parse', 'HEAD'], top, 'HEAD');
  const mb = await git(['merge-base', refResult.stdout.trim(), head], top);
  if (mb.exitCode !== 0) throw new CompareRefError(`--compareRef ${ref}: it shares no history with HEAD (git merge-base found none). Nothing was compared.`);
  return { ref, commit: mb.stdout.trim(), head, top };
}

/**
 * Tracked files whose content differs between the base commit and the working tree, absolute: git's view.
 * Untracked and git-ignored files (node_modules, a downloaded bench-plan.json, build outputs) are not changes.
 */
export async function changedFiles(base: ResolvedBase): Promise<string[]> {
  const tracked = await gitOut(['diff', '--name-only', '--no-renames', '-z', base.commit], base.top, 'changed files');
  return tracked.split('\0').filter(Boolean).map((f) => path.join(base.top, f));
}

/**
 * A worktree of the base at `dir`, reused: an existing one is moved to the commit and cleaned; a broken
 * one is removed and added again. Build products live outside it (their own target dir).
 */
export async function checkoutBase(base: ResolvedBase, dir: string): Promise<void> {
  if (fs.existsSync(path.join(dir, '.git'))) {
    const moved = await git(['checkout', '--quiet', '--detach', '--force', base.commit], dir);
    if (moved.exitCode === 0 && (await git(['clean', '-ffdxq'], dir)).exitCode === 0) return;
    fs.rmSync(dir, { recursive: true, force: true });
  } else if (fs.existsSync(dir)) {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await git(['worktree', 'prune'], base.top);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  await gitOut(['worktree', 'add', '--quiet', '--detach', '--force', dir, base.commit], base.top, `checking out the base ${base.ref} in a worktree`);
}

/**
 * An exclusive lock on the compare folder (one worktree, one set of timings): parallel bench tasks
 * would measure each other. Waits for a live holder; takes over from a dead one.
 */
export async function withLock<T>(file: string, work: () => Promise<T>, onWait: (holder: string) => void, timeoutMs = 60 * 60 * 1000): Promise<T> {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const started = Date.now();
  let announced = false;
  for (;;) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(file, 'utf8'));
      if (!holder || !processAlive(holder)) {
        fs.rmSync(file, { force: true });
        continue;
      }
      if (Date.now() - started > timeoutMs) throw new Error(`${file} is held by process ${holder} for over ${Math.round(timeoutMs / 60000)} min; remove it if that process is gone.`);
      if (!announced) onWait(`process ${holder}`);
      announced = true;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    fs.rmSync(file, { force: true });
  }
}

/**
 * Nx's workspace data folder (what Nx exports as workspaceDataDirectory, not part of @nx/devkit's public entry):
 * NX_WORKSPACE_DATA_DIRECTORY, else `.nx/workspace-data`. Nx never scans it for projects.
 */
export function workspaceDataDir(root: string, env: NodeJS.ProcessEnv = process.env): string {
  const configured = env.NX_WORKSPACE_DATA_DIRECTORY ?? env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  if (configured) return path.isAbsolute(configured) ? configured : path.join(root, configured);
  return path.join(root, '.nx', 'workspace-data');
}
