import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import { updateNxJson, readNxJson, type Tree } from '@nx/devkit';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import generator from './generator';
import { affectedCommands, classifyExisting } from '../../core/ci/github-workflow';
import { mergeCommand, planCommand, shardCommand } from '../../core/ci/sharded-workflow';
import { run } from '../../core/process/run';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// actionlint (rhysd/actionlint) when this machine has it: on PATH or at $ACTIONLINT. The schema check above always runs.
async function actionlint(text: string): Promise<{ ran: boolean; findings: string }> {
  const bin = process.env.ACTIONLINT ?? 'actionlint';
  const dir = mkdtempSync(join(tmpdir(), 'rust-perf-actionlint-'));
  try {
    const file = join(dir, 'perf.yml');
    writeFileSync(file, text);
    const r = await run(bin, ['-no-color', '-shellcheck=', '-pyflakes=', file], { cwd: dir }).catch(() => undefined);
    if (!r) return { ran: false, findings: '' };
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
    ).map((argv) => `npx ${argv.join(' ')}`);
    for (const cmd of expected) expect(runs).toContain(cmd);
    expect(runs).toContain('npx nx affected -t bench --base=$NX_BASE --head=$NX_HEAD --parallel=1 --output-style=static --compareRef=$NX_BASE --failOnRegression=5');
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
    expect(runs).toContain('--baseline=.bench-baseline/{projectName}/summary.json --baselineMissingOk --parallel=1 --output-style=static --failOnRegression=7');
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
      expect(runs(j.plan)).toContain(`npx ${planCommand(3, '$NX_BASE', '$NX_HEAD', 'bench-ci').join(' ')}`);
      expect(runs(j.bench)).toContain(`npx ${shardCommand({ failOnRegression: 5 }, '$NX_BASE', '${{ matrix.shard }}').join(' ')}`);
      expect(runs(j.gate)).toContain(`npx ${mergeCommand().join(' ')}`);
      // Each shard has what the single job installs (rust, cargo cache, valgrind) and the remote cache's settings.
      expect(j.bench.steps.some((s) => s.uses === 'dtolnay/rust-toolchain@stable')).toBe(true);
      expect(runs(j.bench).join('\n')).toContain('apt-get install -y -qq valgrind');
      expect(Object.keys(j.bench.env ?? {})).toEqual(['NX_SELF_HOSTED_REMOTE_CACHE_SERVER', 'NX_SELF_HOSTED_REMOTE_CACHE_ACCESS_TOKEN']);
      // The costs the merge measured on main come back to the next plan.
      expect(j.plan.steps.some((s) => s.uses === 'actions/cache/restore@v4')).toBe(true);
      expect(j.gate.steps.some((s) => s.uses === 'actions/cache/save@v4')).toBe(true);
    });

    it('passes actionlint with no findings (when actionlint is installed)', async () => {
      await generator(tree, { shards: 3 });
      const result = await actionlint(tree.read('.github/workflows/perf.yml', 'utf-8')!);
      if (!result.ran) {
        console.warn('actionlint is not installed here (set ACTIONLINT=<path>): only the Actions schema was checked');
        return;
      }
      expect(result.findings).toBe('');
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
});
