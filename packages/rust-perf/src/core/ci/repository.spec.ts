import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../process/run';
import { defaultBranch, detectPackageManager, pickDefaultBranch, withDefaultBase, type RepoFiles } from './repository';

const files = (map: Record<string, string>): RepoFiles => ({ exists: (f) => f in map, read: (f) => map[f] ?? null });

describe('detectPackageManager', () => {
  it.each([
    [{ 'package.json': '{}', 'package-lock.json': '{}' }, 'npm'],
    [{ 'package.json': '{}', 'pnpm-lock.yaml': '' }, 'pnpm'],
    [{ 'package.json': '{}', 'yarn.lock': '', '.yarnrc.yml': '' }, 'yarn'],
    [{ 'package.json': '{}', 'yarn.lock': '' }, 'yarn-classic'],
    [{ nx: '#!/bin/bash', 'nx.json': '{}' }, 'nx-installation'],
    [{ 'nx.json': '{ "installation": { "version": "24.0.6" } }' }, 'nx-installation'],
    [{ 'package.json': '{}' }, 'npm'],
  ])('%j → %s', (map, pm) => expect(detectPackageManager(files(map))).toBe(pm));
});

describe('the default branch', () => {
  it('nx.json defaultBase first, then origin/HEAD, then a checked-out branch with a default\'s name, else main', () => {
    expect(pickDefaultBranch({ defaultBase: 'develop', originHead: 'refs/remotes/origin/master', current: 'main' }).branch).toBe('develop');
    expect(pickDefaultBranch({ originHead: 'refs/remotes/origin/master', current: 'feature/x' }).branch).toBe('master');
    expect(pickDefaultBranch({ current: 'master' }).branch).toBe('master');
    expect(pickDefaultBranch({ current: 'feature/x' })).toEqual({ branch: 'main', from: 'assumed: no nx.json defaultBase, no origin/HEAD' });
  });

  // Real git: a clone's origin/HEAD names the remote's default branch even from another branch.
  it('reads git: a clone of a master repository, on a feature branch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rust-perf-branch-'));
    const git = (cwd: string, ...args: string[]) => run('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd });
    try {
      await git(dir, 'init', '-q', '-b', 'master', 'upstream');
      await git(join(dir, 'upstream'), 'commit', '-q', '--allow-empty', '-m', 'first');
      await git(dir, 'clone', '-q', 'upstream', 'clone');
      await git(join(dir, 'clone'), 'checkout', '-q', '-b', 'feature/x');
      expect(await defaultBranch(join(dir, 'clone'))).toEqual({ branch: 'master', from: 'git origin/HEAD' });
      expect(await defaultBranch(join(dir, 'upstream'))).toEqual({ branch: 'master', from: 'the checked-out branch' });
      expect(await withDefaultBase(join(dir, 'clone'), { plugins: [] } as { plugins: string[]; defaultBase?: string })).toEqual({ plugins: [], defaultBase: 'master' });
      // An explicit defaultBase is kept; a main repository gets none (Nx's own default).
      expect(await withDefaultBase(join(dir, 'clone'), { defaultBase: 'trunk' })).toEqual({ defaultBase: 'trunk' });
      await git(join(dir, 'upstream'), 'branch', '-q', '-m', 'main');
      expect(await withDefaultBase(join(dir, 'upstream'), {})).toEqual({});
      expect(await defaultBranch(join(dir, 'missing'))).toEqual({ branch: 'main', from: 'assumed: no nx.json defaultBase, no origin/HEAD' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
