// What a generated workflow must match in the repository it lands in: how Nx is installed and
// started (npm, pnpm, yarn, or Nx's own no-package.json install) and which branch is the default.
// The workflow's commands are written from these, so a pnpm repository never gets `npm ci`.
import { existsSync } from 'node:fs';
import { run } from '../process/run';

export type PackageManager = 'npm' | 'pnpm' | 'yarn' | 'yarn-classic' | 'nx-installation';

/** Read-only view of the repository's root files (a Tree in a generator, the disk in a test). */
export interface RepoFiles {
  exists(rel: string): boolean;
  read(rel: string): string | null;
}

/**
 * The package manager from the lockfile, as CI must reproduce the install. No package.json but an
 * `nx` wrapper or nx.json's `installation` is Nx's no-package.json install (`nx init --useDotNxInstallation`).
 */
export function detectPackageManager(files: RepoFiles): PackageManager {
  if (files.exists('pnpm-lock.yaml')) return 'pnpm';
  if (files.exists('yarn.lock')) return files.exists('.yarnrc.yml') ? 'yarn' : 'yarn-classic';
  if (files.exists('package-lock.json')) return 'npm';
  if (!files.exists('package.json') && (files.exists('nx') || /"installation"\s*:/.test(files.read('nx.json') ?? ''))) return 'nx-installation';
  return 'npm';
}

type Step = Record<string, unknown>;

export interface PackageManagerSteps {
  /** Node (and the package manager itself) before anything installs. */
  node: Step[];
  /** The lockfile-exact install; none for Nx's own install (./nx installs what nx.json names on first use). */
  install: Step[];
  /** How a `run:` line starts nx ("npx nx", "pnpm exec nx", "yarn nx", "./nx"). */
  nx: string;
  /** How a `run:` line starts the rust-perf CLI. */
  cli: string;
}

/** pnpm/action-setup needs a version unless package.json's packageManager names one; the lockfile's format says which major wrote it. */
function pnpmVersion(files: RepoFiles): string | undefined {
  const pkg = files.read('package.json');
  if (pkg && /"packageManager"\s*:\s*"pnpm@/.test(pkg)) return undefined;
  const lock = /^lockfileVersion:\s*'?(\d+)/m.exec(files.read('pnpm-lock.yaml') ?? '');
  return lock && Number(lock[1]) < 9 ? '8' : '10';
}

export function packageManagerSteps(pm: PackageManager, nodeVersion: string, files: RepoFiles): PackageManagerSteps {
  const setupNode = (cache?: string): Step => ({ uses: 'actions/setup-node@v4', with: { 'node-version': nodeVersion, ...(cache ? { cache } : {}) } });
  switch (pm) {
    case 'pnpm': {
      const version = pnpmVersion(files);
      // setup-node's pnpm cache asks pnpm for its store: pnpm must be on PATH first.
      return {
        node: [{ uses: 'pnpm/action-setup@v4', ...(version ? { with: { version } } : {}) }, setupNode('pnpm')],
        install: [{ run: 'pnpm install --frozen-lockfile' }],
        nx: 'pnpm exec nx',
        cli: 'pnpm exec rust-perf',
      };
    }
    case 'yarn':
      // Yarn 4 comes through corepack (the version package.json pins); setup-node's yarn cache would ask the runner's yarn 1 for its folder, so none.
      return { node: [setupNode(), { run: 'corepack enable' }], install: [{ run: 'yarn install --immutable' }], nx: 'yarn nx', cli: 'yarn rust-perf' };
    case 'yarn-classic':
      return { node: [setupNode('yarn')], install: [{ run: 'yarn install --frozen-lockfile' }], nx: 'yarn nx', cli: 'yarn rust-perf' };
    case 'nx-installation':
      // No lockfile to key setup-node's cache; the first ./nx call installs nx and the plugins nx.json lists into .nx/installation.
      return {
        node: [setupNode()],
        install: [{ name: 'Nx and its plugins (./nx installs what nx.json\'s installation names into .nx/installation)', run: './nx --version' }],
        nx: './nx',
        cli: '.nx/installation/node_modules/.bin/rust-perf',
      };
    default:
      return { node: [setupNode(files.exists('package-lock.json') ? 'npm' : undefined)], install: [{ run: files.exists('package-lock.json') ? 'npm ci' : 'npm install' }], nx: 'npx nx', cli: 'npx rust-perf' };
  }
}

/** Names git hosts use for a default branch; a checkout of one of these with no other hint is taken as the default. */
const DEFAULT_NAMES = ['main', 'master', 'trunk', 'develop'];

export interface BranchHints {
  /** nx.json's defaultBase. */
  defaultBase?: string;
  /** `git symbolic-ref refs/remotes/origin/HEAD`, e.g. refs/remotes/origin/master. */
  originHead?: string;
  /** The checked-out branch. */
  current?: string;
}

/** nx.json's defaultBase, else the remote's default branch, else the checked-out branch when it has a default's name, else main. */
export function pickDefaultBranch(h: BranchHints): { branch: string; from: string } {
  if (h.defaultBase) return { branch: h.defaultBase, from: 'nx.json defaultBase' };
  const origin = /^refs\/remotes\/[^/]+\/(.+)$/.exec(h.originHead ?? '');
  if (origin) return { branch: origin[1], from: 'git origin/HEAD' };
  if (h.current && DEFAULT_NAMES.includes(h.current)) return { branch: h.current, from: 'the checked-out branch' };
  return { branch: 'main', from: 'assumed: no nx.json defaultBase, no origin/HEAD' };
}

async function git(cwd: string, args: string[]): Promise<string | undefined> {
  if (!existsSync(cwd)) return undefined;
  const r = await run('git', args, { cwd }).catch(() => undefined);
  return r && r.exitCode === 0 ? r.stdout.trim() || undefined : undefined;
}

/** The repository's default branch (see pickDefaultBranch); git answers are optional (no git, no remote). */
export async function defaultBranch(root: string, defaultBase?: string): Promise<{ branch: string; from: string }> {
  if (defaultBase) return pickDefaultBranch({ defaultBase });
  return pickDefaultBranch({
    originHead: await git(root, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']),
    current: await git(root, ['symbolic-ref', '--quiet', '--short', 'HEAD']),
  });
}

/**
 * nx.json with defaultBase set when it has none and the branch is not Nx's assumed `main`
 * (`nx affected` otherwise fails with "ambiguous argument 'main'" on a master repository).
 */
export async function withDefaultBase<T extends { defaultBase?: string }>(root: string, nxJson: T): Promise<T> {
  if (nxJson.defaultBase) return nxJson;
  const { branch } = await defaultBranch(root);
  return branch === 'main' ? nxJson : { ...nxJson, defaultBase: branch };
}
