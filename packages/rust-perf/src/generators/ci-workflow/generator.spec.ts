import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { updateNxJson, readNxJson, type Tree } from '@nx/devkit';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import generator from './generator';
import { affectedCommands, classifyExisting, shellLine } from '../../core/ci/github-workflow';
import { mergeCommand, planCommand, shardCommand } from '../../core/ci/sharded-workflow';
import { run } from '../../core/process/run';
import { existsSync, mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// actionlint 1.7.12 (rhysd/actionlint) with shellcheck, as scripts/setup.sh installs them: $ACTIONLINT,
// else the repository's .tools/bin (setup's GOBIN), else PATH. Missing under CI=true is a failure.
const REPO = join(__dirname, '../../../../..');
const ACTIONLINT = [process.env.ACTIONLINT, join(REPO, '.tools/bin/actionlint')].find((p): p is string => !!p && existsSync(p)) ?? 'actionlint';

async function tool(bin: string, args: string[]): Promise<boolean> {
  const r = await run(bin, args, { cwd: tmpdir() }).catch(() => undefined);
  return r?.exitCode === 0;
}

async function actionlint(text: string): Promise<{ ran: boolean; findings: string }> {
  const ready = (await tool(ACTIONLINT, ['-version'])) && (await tool('shellcheck', ['--version']));
  if (!ready) {
    if (process.env.CI === 'true') throw new Error(`actionlint (${ACTIONLINT}) or shellcheck is missing: run bash scripts/setup.sh`);
    console.warn('actionlint or shellcheck is not installed here (bash scripts/setup.sh installs both): only the Actions schema was checked');
    return { ran: false, findings: '' };
  }
  const dir = mkdtempSync(join(tmpdir(), 'rust-perf-actionlint-'));
  try {
    const file = join(dir, 'perf.yml');
    writeFileSync(file, text);
    // shellcheck from PATH checks every run: script (actionlint's default); pyflakes has nothing to check.
    const r = await run(ACTIONLINT, ['-no-color', '-pyflakes=', file], { cwd: dir });
    return { ran: true, findings: (r.stdout + r.stderr).trim() };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Step {
  name?: string;
  run?: string;
  uses?: string;
}

function steps(tree: Tree, name = 'perf'): Step[] {
  const doc = parse(tree.read(`.github/workflows/${name}.yml`, 'utf-8')!) as { jobs: { perf: { steps: Step[] } } };
  return doc.jobs.perf.steps;
}

describe('ci-workflow generator', () => {
  let tree: Tree;
  beforeEach(() => {
    tree = createTreeWithEmptyWorkspace();
    tree.write('rust/Cargo.toml', '[workspace]\nmembers = ["market-data"]\n');
  });

  it('writes a workflow that passes the GitHub Actions schema', async () => {
    await generator(tree, {});
    const text = tree.read('.github/workflows/perf.yml', 'utf-8')!;
    const state = validateWorkflow(text);
    expect(state.errors).toEqual([]);
  });

  it('runs exactly the affected commands the e2e runs, with the same-job gate against $NX_BASE by default', async () => {
    await generator(tree, {});
    const runs = steps(tree).map((s) => s.run).filter(Boolean);
    const expected = affectedCommands(
      { name: 'perf', mainBranch: 'main', failOnRegression: 5, pgo: false, nodeVersion: '20', cargoRoot: 'rust', buildTarget: 'build-release', benchTarget: 'bench', pgoTarget: 'build-pgo' },
      '$NX_BASE',
      '$NX_HEAD',
    ).map((argv) => shellLine('npx nx', argv.slice(1)));
    for (const cmd of expected) expect(runs).toContain(cmd);
    expect(runs).toContain('npx nx affected -t bench "--base=$NX_BASE" "--head=$NX_HEAD" --parallel=1 --output-style=static "--compareRef=$NX_BASE" --failOnRegression=5');
    expect(steps(tree).some((s) => s.uses === 'nrwl/nx-set-shas@v4')).toBe(true);
    // Same-job: no numbers from another run are restored or saved.
    const text = tree.read('.github/workflows/perf.yml', 'utf-8')!;
    expect(text).not.toContain('.bench-baseline');
    expect(text).toContain('fetch-depth: 0');
    expect(text).toContain('apt-get install -y -qq valgrind');
    // Regressions get differential flamegraphs: perf for the runner's kernel, allowed to record, and the upload keeps them.
    expect(text).toContain('"linux-tools-$(uname -r)"');
    expect(text).toContain('sudo sysctl -w kernel.perf_event_paranoid=1');
    const upload = steps(tree).find((s) => s.uses === 'actions/upload-artifact@v4') as { with: { path: string } } | undefined;
    expect(upload?.with.path.split('\n')).toContain('dist/bench');
    expect(text).toContain('~/.cache/rust-perf/tools');
  });

  it('keeps the cross-run gate as an option, labelled as such, and valid', async () => {
    await generator(tree, { gate: 'cross-run', failOnRegression: 7 });
    const text = tree.read('.github/workflows/perf.yml', 'utf-8')!;
    expect(validateWorkflow(text).errors).toEqual([]);
    const runs = steps(tree).map((s) => s.run).filter(Boolean).join('\n');
    expect(runs).toContain("'--baseline=.bench-baseline/{projectName}/summary.json' --baselineMissingOk --parallel=1 --output-style=static --failOnRegression=7");
    expect(runs).not.toContain('--compareRef');
    expect(steps(tree).map((s) => s.name)).toContain('Benchmarks of affected crates (regression gate against the cross-run baseline)');
    expect(steps(tree).some((s) => s.uses === 'actions/cache/save@v4')).toBe(true);
  });

  it('keys the cargo cache on the detected Cargo.lock and installs llvm only with --pgo', async () => {
    await generator(tree, {});
    const text = tree.read('.github/workflows/perf.yml', 'utf-8')!;
    expect(text).toContain("hashFiles('rust/Cargo.lock')");
    expect(text).not.toContain('apt-get install -y -qq "llvm');
    await generator(tree, { pgo: true });
    const withPgo = tree.read('.github/workflows/perf.yml', 'utf-8')!;
    expect(withPgo).toContain('llvm-${{ steps.toolchain.outputs.llvm }}');
    expect(withPgo).toContain('npx nx affected -t build-pgo');
    expect(validateWorkflow(withPgo).errors).toEqual([]);
  });

  it('follows renamed targets from the plugin options', async () => {
    const nxJson = readNxJson(tree)!;
    nxJson.plugins = [{ plugin: 'rust-perf', options: { benchTargetName: 'criterion' } }];
    updateNxJson(tree, nxJson);
    await generator(tree, {});
    expect(steps(tree).map((s) => s.run).join('\n')).toContain('nx affected -t criterion');
  });

  it('is idempotent', async () => {
    await generator(tree, {});
    const first = tree.read('.github/workflows/perf.yml', 'utf-8');
    await generator(tree, {});
    expect(tree.read('.github/workflows/perf.yml', 'utf-8')).toBe(first);
    expect(classifyExisting(first)).toBe('generated');
  });

  it('refuses to overwrite a hand-edited workflow without --force', async () => {
    await generator(tree, {});
    const edited = tree.read('.github/workflows/perf.yml', 'utf-8')!.replace('runs-on: ubuntu-latest', 'runs-on: self-hosted');
    tree.write('.github/workflows/perf.yml', edited);
    await expect(generator(tree, { failOnRegression: 3 })).rejects.toThrow(/edited by hand.*--force/);
    expect(tree.read('.github/workflows/perf.yml', 'utf-8')).toBe(edited);
    await generator(tree, { failOnRegression: 3, force: true });
    expect(tree.read('.github/workflows/perf.yml', 'utf-8')).toContain('--failOnRegression=3');
  });

  it('[ci-installs-linker] installs the linker a committed .cargo/config.toml names, and none when it names none', async () => {
    await generator(tree, {});
    expect(steps(tree).map((s) => s.name ?? '').filter((n) => n.startsWith('Install the linker'))).toEqual([]);
    tree.write('rust/.cargo/config.toml', `[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n`);
    await generator(tree, { force: true });
    const install = steps(tree).find((s) => s.name?.startsWith('Install the linker'));
    expect(install).toEqual({ name: 'Install the linker .cargo/config.toml names (mold)', run: 'sudo apt-get update -qq\nsudo apt-get install -y -qq mold' });
    // Before the build steps, so the first link already has it.
    const names = steps(tree).map((s) => s.name ?? s.run ?? s.uses);
    expect(names.indexOf(install!.name)).toBeLessThan(names.indexOf('Build affected crates'));
    expect(validateWorkflow(tree.read('.github/workflows/perf.yml', 'utf-8')!).errors).toEqual([]);
  });

  it('several Cargo roots: caches each root\'s target dir, keyed on each Cargo.lock', async () => {
    tree.write('tools/replay/Cargo.toml', '[package]\nname = "replay"\nversion = "0.1.0"\n');
    await generator(tree, {});
    const cache = steps(tree).find((s) => s.uses === 'actions/cache@v4' && s.name === 'Cache cargo registry and target dir') as unknown as { with: { path: string; key: string } };
    expect(cache.with.path.split('\n')).toEqual(expect.arrayContaining(['rust/target', 'tools/replay/target']));
    expect(cache.with.key).toContain("hashFiles('rust/Cargo.lock', 'tools/replay/Cargo.lock')");
    expect(validateWorkflow(tree.read('.github/workflows/perf.yml', 'utf-8')!).errors).toEqual([]);
  });

  describe('--shards', () => {
    interface Job {
      needs?: string | string[];
      if?: string;
      strategy?: { 'fail-fast': boolean; matrix: { shard: number[] } };
      env?: Record<string, string>;
      steps: Step[];
    }
    const jobs = (t: Tree) => (parse(t.read('.github/workflows/perf.yml', 'utf-8')!) as { jobs: Record<string, Job> }).jobs;

    it('writes a plan job, a matrix of N bench jobs and a gate job that merges after every shard, valid under the Actions schema', async () => {
      await generator(tree, { shards: 3 });
      const text = tree.read('.github/workflows/perf.yml', 'utf-8')!;
      expect(validateWorkflow(text).errors).toEqual([]);
      const j = jobs(tree);
      expect(Object.keys(j)).toEqual(['plan', 'bench', 'gate']);
      expect(j.bench.strategy).toEqual({ 'fail-fast': false, matrix: { shard: [1, 2, 3] } });
      expect(j.bench.needs).toBe('plan');
      expect(j.gate).toMatchObject({ needs: ['plan', 'bench'], if: 'always()' });
      const runs = (job: Job) => job.steps.map((s) => s.run).filter(Boolean);
      expect(runs(j.plan)).toContain(shellLine('npx rust-perf', planCommand(3, '$NX_BASE', '$NX_HEAD', 'bench-ci').slice(1)));
      expect(runs(j.bench)).toContain(shellLine('npx rust-perf', shardCommand({ failOnRegression: 5 }, '$NX_BASE', '${{ matrix.shard }}').slice(1)));
      expect(runs(j.bench)).toContain('npx rust-perf bench-shard "--plan=$RUNNER_TEMP/bench-plan/bench-plan.json" "--shard=${{ matrix.shard }}" -- "--compareRef=$NX_BASE" --failOnRegression=5 --output-style=static');
      expect(runs(j.gate)).toContain(shellLine('npx rust-perf', mergeCommand().slice(1)));
      // Each shard has what the single job installs (rust, cargo cache, valgrind) and the remote cache's settings.
      expect(j.bench.steps.some((s) => s.uses === 'dtolnay/rust-toolchain@stable')).toBe(true);
      expect(runs(j.bench).join('\n')).toContain('apt-get install -y -qq valgrind');
      expect(Object.keys(j.bench.env ?? {})).toEqual(['NX_SELF_HOSTED_REMOTE_CACHE_SERVER', 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN']);
      // The costs the merge measured on main come back to the next plan.
      expect(j.plan.steps.some((s) => s.uses === 'actions/cache/restore@v4')).toBe(true);
      expect(j.gate.steps.some((s) => s.uses === 'actions/cache/save@v4')).toBe(true);
    });

    it('[gen-shards-unsupported] follows a renamed bench-ci target and refuses combinations it cannot run', async () => {
      const nxJson = readNxJson(tree)!;
      nxJson.plugins = [{ plugin: 'rust-perf', options: { benchCiTargetName: 'perf-ci' } }];
      updateNxJson(tree, nxJson);
      await generator(tree, { shards: 2 });
      expect(tree.read('.github/workflows/perf.yml', 'utf-8')).toContain('--ci-target=perf-ci');
      await expect(generator(tree, { shards: 2, gate: 'cross-run', force: true })).rejects.toThrow('cannot be combined with --gate=cross-run');
      await expect(generator(tree, { shards: 2, pgo: true, force: true })).rejects.toThrow('--shards writes the sharded bench gate only');
      await generator(tree, { shards: 1, force: true });
      expect(Object.keys(jobs(tree))).toEqual(['perf']);
    });
  });

  describe('the repository it lands in', () => {
    const text = (t: Tree) => t.read('.github/workflows/perf.yml', 'utf-8')!;
    const all = (t: Tree) => Object.values((parse(text(t)) as { jobs: Record<string, { steps: Step[] }> }).jobs).flatMap((j) => j.steps);
    const runs = (t: Tree) => all(t).map((s) => s.run).filter(Boolean) as string[];
    const withs = (t: Tree, uses: string) => all(t).filter((s) => s.uses === uses).map((s) => (s as { with?: Record<string, unknown> }).with ?? {});

    it('npm: setup-node caches npm, npm ci, npx nx; the variables are quoted', async () => {
      tree.write('package-lock.json', '{}');
      await generator(tree, {});
      expect(withs(tree, 'actions/setup-node@v4')).toEqual([{ 'node-version': '20', cache: 'npm' }]);
      expect(runs(tree)).toContain('npm ci');
      expect(runs(tree)).toContain('npx nx affected -t build-release "--base=$NX_BASE" "--head=$NX_HEAD"');
    });

    it('pnpm: pnpm/action-setup before setup-node, pnpm install --frozen-lockfile, pnpm exec nx', async () => {
      tree.write('pnpm-lock.yaml', "lockfileVersion: '9.0'\n");
      await generator(tree, {});
      const uses = all(tree).map((s) => s.uses).filter(Boolean);
      expect(uses.indexOf('pnpm/action-setup@v4')).toBeLessThan(uses.indexOf('actions/setup-node@v4'));
      expect(withs(tree, 'pnpm/action-setup@v4')).toEqual([{ version: '10' }]);
      expect(withs(tree, 'actions/setup-node@v4')).toEqual([{ 'node-version': '20', cache: 'pnpm' }]);
      expect(runs(tree)).toContain('pnpm install --frozen-lockfile');
      expect(runs(tree).filter((r) => r.includes('nx affected')).every((r) => r.startsWith('pnpm exec nx affected'))).toBe(true);
      expect(text(tree)).not.toMatch(/npm ci|npx /);
      // package.json's packageManager pins the version itself: action-setup reads it.
      tree.write('package.json', JSON.stringify({ name: 'x', packageManager: 'pnpm@10.12.1' }));
      await generator(tree, { force: true });
      expect(all(tree).find((s) => s.uses === 'pnpm/action-setup@v4')).toEqual({ uses: 'pnpm/action-setup@v4' });
    });

    it('yarn 4: corepack, yarn install --immutable, yarn nx, no setup-node cache; yarn 1 keeps its own', async () => {
      tree.write('yarn.lock', '__metadata:\n  version: 8\n');
      tree.write('.yarnrc.yml', 'nodeLinker: node-modules\n');
      await generator(tree, { shards: 2 });
      expect(runs(tree)).toEqual(expect.arrayContaining(['corepack enable', 'yarn install --immutable']));
      expect(withs(tree, 'actions/setup-node@v4').every((w) => !('cache' in w))).toBe(true);
      expect(runs(tree)).toContain('yarn rust-perf bench-summary "--plan=$RUNNER_TEMP/bench-plan/bench-plan.json" --out=bench-summary.md --costs-out=.bench-costs/costs.json shards');
      tree.delete('.yarnrc.yml');
      await generator(tree, { force: true });
      expect(runs(tree)).toContain('yarn install --frozen-lockfile');
      expect(withs(tree, 'actions/setup-node@v4')).toEqual([{ 'node-version': '20', cache: 'yarn' }]);
    });

    it("Nx's own install (no package.json): ./nx, no npm install, rust-perf from .nx/installation", async () => {
      tree.delete('package.json');
      tree.write('nx', '#!/bin/bash\n');
      await generator(tree, { shards: 2 });
      expect(text(tree)).not.toMatch(/npm (ci|install)|npx |cache: npm/);
      expect(runs(tree)).toContain('./nx --version');
      expect(runs(tree).filter((r) => r.includes('bench-plan ')).every((r) => r.startsWith('.nx/installation/node_modules/.bin/rust-perf bench-plan'))).toBe(true);
      await generator(tree, { force: true });
      expect(runs(tree)).toContain('./nx affected -t build-release "--base=$NX_BASE" "--head=$NX_HEAD"');
    });

    it('the default branch from nx.json (master): triggers, nx-set-shas, cross-run baseline saves; --mainBranch overrides', async () => {
      updateNxJson(tree, { ...readNxJson(tree)!, defaultBase: 'master' });
      await generator(tree, { gate: 'cross-run' });
      const doc = parse(text(tree)) as { on: { push: { branches: string[] } } };
      expect(doc.on.push.branches).toEqual(['master']);
      expect(withs(tree, 'nrwl/nx-set-shas@v4')).toEqual([{ 'main-branch-name': 'master' }]);
      expect(all(tree).filter((s) => (s as { if?: string }).if?.includes('refs/heads/')).map((s) => (s as { if?: string }).if)).toEqual([
        "github.event_name == 'push' && github.ref == 'refs/heads/master'",
        "github.event_name == 'push' && github.ref == 'refs/heads/master'",
      ]);
      expect(text(tree)).not.toMatch(/\bmain\b(?!-branch-name)/);
      await generator(tree, { mainBranch: 'trunk', force: true });
      expect(withs(tree, 'nrwl/nx-set-shas@v4')).toEqual([{ 'main-branch-name': 'trunk' }]);
    });

    it('--metric instructions: the gate counts instructions (bench --metric=instructions) and valgrind is installed, in every shape', async () => {
      await generator(tree, { metric: 'instructions' });
      expect(runs(tree)).toContain('npx nx affected -t bench "--base=$NX_BASE" "--head=$NX_HEAD" --parallel=1 --output-style=static "--compareRef=$NX_BASE" --failOnRegression=5 --metric=instructions');
      await generator(tree, { metric: 'instructions', gate: 'cross-run', force: true });
      expect(runs(tree).find((r) => r.includes('-t bench'))).toContain('--metric=instructions');
      expect(runs(tree).join('\n')).toContain('apt-get install -y -qq valgrind');
      await generator(tree, { gate: 'cross-run', force: true });
      expect(runs(tree).join('\n')).not.toContain('valgrind');
      await generator(tree, { metric: 'instructions', shards: 2, force: true });
      expect(runs(tree).find((r) => r.includes('bench-shard'))).toContain(' -- "--compareRef=$NX_BASE" --failOnRegression=5 --metric=instructions');
    });

    it('remote cache: only a push to the default branch gets the write token; no token, no server', async () => {
      updateNxJson(tree, { ...readNxJson(tree)!, defaultBase: 'master' });
      for (const shards of [1, 3]) {
        await generator(tree, { shards, force: true });
        const jobs = (parse(text(tree)) as { jobs: Record<string, { env?: Record<string, string> }> }).jobs;
        const withCache = Object.values(jobs).filter((j) => j.env);
        expect(withCache.length).toBe(1);
        const token = "(github.event_name == 'push' && github.ref == 'refs/heads/master') && secrets.NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN || secrets.NX_SELF_HOSTED_REMOTE_CACHE_READ_TOKEN";
        expect(withCache[0].env).toEqual({
          NX_SELF_HOSTED_REMOTE_CACHE_SERVER: `\${{ (${token}) && vars.NX_SELF_HOSTED_REMOTE_CACHE_SERVER || '' }}`,
          NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN: `\${{ ${token} }}`,
        });
      }
    });

    it('the shard plan travels in the runner\'s temp folder, never in the checkout', async () => {
      await generator(tree, { shards: 2 });
      expect(withs(tree, 'actions/upload-artifact@v4')).toContainEqual({ name: 'bench-plan', path: '${{ runner.temp }}/bench-plan/bench-plan.json' });
      expect(withs(tree, 'actions/download-artifact@v4')).toContainEqual({ name: 'bench-plan', path: '${{ runner.temp }}/bench-plan' });
      for (const r of runs(tree).filter((x) => x.includes('--plan') || x.includes('--out=') && x.includes('bench-plan '))) expect(r).toContain('"--plan=$RUNNER_TEMP/bench-plan/bench-plan.json"'.replace('--plan', r.includes('bench-plan ') ? '--out' : '--plan'));
    });

    const SHAPES: Array<[string, Record<string, string | null>, Parameters<typeof generator>[1]]> = [
      ['npm, same-job', { 'package-lock.json': '{}' }, {}],
      ['npm, --pgo', { 'package-lock.json': '{}' }, { pgo: true }],
      ['npm, cross-run, --metric instructions', { 'package-lock.json': '{}' }, { gate: 'cross-run', metric: 'instructions' }],
      ['npm, --shards 3', { 'package-lock.json': '{}' }, { shards: 3 }],
      ['pnpm, --shards 2 --metric instructions', { 'pnpm-lock.yaml': "lockfileVersion: '9.0'\n" }, { shards: 2, metric: 'instructions' }],
      ['yarn 4', { 'yarn.lock': '', '.yarnrc.yml': '' }, {}],
      ['yarn 4, --shards 2', { 'yarn.lock': '', '.yarnrc.yml': '' }, { shards: 2 }],
      ['yarn 1, cross-run', { 'yarn.lock': '' }, { gate: 'cross-run' }],
      ["Nx's own install", { 'package.json': null, nx: '' }, {}],
      ["Nx's own install, --shards 2", { 'package.json': null, nx: '' }, { shards: 2 }],
    ];
    it.each(SHAPES)('actionlint 1.7.12 with shellcheck: 0 findings (%s)', async (_shape, files, options) => {
      for (const [f, content] of Object.entries(files)) {
        if (content === null) tree.delete(f);
        else tree.write(f, content);
      }
      updateNxJson(tree, { ...readNxJson(tree)!, defaultBase: 'master' });
      await generator(tree, options);
      expect(validateWorkflow(text(tree)).errors).toEqual([]);
      const result = await actionlint(text(tree));
      if (result.ran) expect(result.findings).toBe('');
    });
  });
});
