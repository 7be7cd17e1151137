import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { affectingChanges, crateInputs } from '../../core/bench/gate/compare-plan';
import { runChecked } from '../../core/process/run';
import benchExecutor from './executor';

// Real cargo (metadata only, no compilation) on temporary packages: the error paths a user meets first.
describe('bench executor', () => {
  let root: string;
  let errors: string[];
  const context = (): ExecutorContext =>
    ({ root, cwd: root, isVerbose: false, projectName: 'md', targetName: 'bench', projectsConfigurations: { version: 2, projects: {} } }) as unknown as ExecutorContext;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bench-exec-'));
    errors = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'info').mockImplementation(() => undefined);
    const crate = path.join(root, 'rust', 'md');
    fs.mkdirSync(path.join(crate, 'src'), { recursive: true });
    fs.mkdirSync(path.join(crate, 'benches'), { recursive: true });
    fs.writeFileSync(path.join(root, 'rust', 'Cargo.toml'), '[workspace]\nmembers = ["md"]\nresolver = "2"\n');
    fs.writeFileSync(path.join(crate, 'Cargo.toml'), '[package]\nname = "md"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(crate, 'src', 'lib.rs'), 'pub fn f() {}\n');
    // Auto-discovered bench: cargo's default harness is libtest.
    fs.writeFileSync(path.join(crate, 'benches', 'old.rs'), '#![feature(test)]\n');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('[exec-bench-libtest-stable] a libtest #[bench] on stable is skipped with a note naming nightly; nothing fails', async () => {
    fs.writeFileSync(path.join(root, 'rust', 'md', 'benches', 'old.rs'), '#![feature(test)]\nextern crate test;\n#[bench]\nfn b(b: &mut test::Bencher) {}\n');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md' }, context())).toEqual({ success: true });
    expect(errors).toEqual([]);
    const summary = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'bench', 'md', 'summary.json'), 'utf8'));
    expect(summary.benchmarks).toEqual([]);
    expect(summary.notes.join('\n')).toMatch(/bench old: a libtest #\[bench\] bench needs a nightly toolchain .*cargo \+nightly bench --bench old/);
  });

  it('[exec-latency-unrecognized] a latency program that prints nothing recognizable passes on its exit code, with a note', async () => {
    // Real cargo compiles this dependency-free program (a second or two).
    fs.writeFileSync(path.join(root, 'rust', 'md', 'Cargo.toml'), '[package]\nname = "md"\nversion = "0.1.0"\nedition = "2021"\n\n[[bench]]\nname = "quiet"\nharness = false\n');
    fs.writeFileSync(path.join(root, 'rust', 'md', 'benches', 'quiet.rs'), 'fn main() {\n    println!("done: 3 orders");\n}\n');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', benches: ['quiet'] }, context())).toEqual({ success: true });
    const summary = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'bench', 'md', 'summary.json'), 'utf8'));
    expect(summary.benchmarks).toEqual([]);
    expect(summary.notes.join('\n')).toMatch(/bench quiet: the program printed no latency numbers rust-perf recognizes and wrote no \.hgrm file, so it passes on its exit code/);
    // The same program exiting non-zero fails, with its output's last lines.
    fs.writeFileSync(path.join(root, 'rust', 'md', 'benches', 'quiet.rs'), 'fn main() {\n    eprintln!("book crossed");\n    std::process::exit(3);\n}\n');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', benches: ['quiet'] }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toMatch(/latency program quiet .* failed: .*exit.* 3[\s\S]*book crossed/);
  }, 240_000);

  it('names the Cargo workspace when the package does not exist', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'nope' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`${path.join(root, 'rust')}/Cargo.toml: the Cargo workspace has no package \`nope\` (packages: md)`);
  });

  it('rejects a malformed baseline summary with file:line:col before running anything', async () => {
    fs.writeFileSync(path.join(root, 'prev.json'), '{\n  "schemaVersion": 1,\n  "benchmarks": [}\n');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', baseline: 'prev.json' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`${path.join(root, 'prev.json')}:3:18: invalid JSON: unexpected "}"`);
  });

  it('names a missing baseline file', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', baseline: 'dist/main/summary.json' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain(`baseline file ${path.join(root, 'dist/main/summary.json')} does not exist`);
  });

  it('refuses combining a criterion baseline with saveBaseline', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', baseline: 'main', saveBaseline: 'next' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('cannot be combined');
  });
});

// --compareRef with real git and real cargo (metadata only): the paths that end before anything is built.
describe('bench executor --compareRef', () => {
  let root: string;
  let errors: string[];
  let infos: string[];
  const context = (): ExecutorContext =>
    ({ root, cwd: root, isVerbose: false, projectName: 'md', targetName: 'bench', projectsConfigurations: { version: 2, projects: {} } }) as unknown as ExecutorContext;
  const git = (...args: string[]) => runChecked('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.invalid', ...args], { cwd: root });

  beforeEach(async () => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-bench-cmp-'));
    errors = [];
    infos = [];
    jest.spyOn(logger, 'error').mockImplementation((m: unknown) => void errors.push(String(m)));
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'info').mockImplementation((m: unknown) => void infos.push(String(m)));
    for (const name of ['md', 'other']) {
      fs.mkdirSync(path.join(root, 'rust', name, 'src'), { recursive: true });
      fs.mkdirSync(path.join(root, 'rust', name, 'benches'), { recursive: true });
      fs.writeFileSync(
        path.join(root, 'rust', name, 'Cargo.toml'),
        `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[[bench]]\nname = "b"\nharness = false\n`,
      );
      fs.writeFileSync(path.join(root, 'rust', name, 'src', 'lib.rs'), 'pub fn f() {}\n');
      fs.writeFileSync(path.join(root, 'rust', name, 'benches', 'b.rs'), 'fn main() {}\n');
    }
    fs.writeFileSync(path.join(root, 'rust', 'Cargo.toml'), '[workspace]\nmembers = ["md", "other"]\nresolver = "2"\n');
    fs.writeFileSync(path.join(root, '.gitignore'), 'target\n.nx\n');
    await git('init', '-q', '-b', 'main');
    await git('add', '-A');
    await git('commit', '-qm', 'base');
  });
  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('[exec-compare-ref-missing] names a base ref that does not exist and how to fetch it; the gate fails', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', compareRef: 'origin/nope' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('--compareRef origin/nope: no such commit');
    expect(errors.join('\n')).toContain('git fetch origin nope');
    expect(errors.join('\n')).toContain('fetch-depth: 0');
  });

  it('does not rerun the benches of a crate nothing of which changed, and says so in summary.md', async () => {
    fs.writeFileSync(path.join(root, 'rust', 'other', 'src', 'lib.rs'), 'pub fn f() { let _ = 1; }\n');
    await git('commit', '-qam', 'change other only');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', compareRef: 'HEAD~1' }, context())).toEqual({ success: true });
    const md = fs.readFileSync(path.join(root, 'dist', 'bench', 'md', 'summary.md'), 'utf8');
    expect(md).toMatch(/md: nothing it is built from changed since HEAD~1 \([0-9a-f]{12}\): its benches were not rerun\./);
    expect(fs.existsSync(path.join(root, '.nx', 'workspace-data', 'rust-perf-compare', 'base'))).toBe(false);
  });

  it('counts a change in a path dependency or Cargo.lock as affecting the crate, not one in a sibling with the same prefix or in Markdown (as nx affected)', async () => {
    const inputs = crateInputs(
      {
        target_directory: '/t',
        workspace_root: '/w',
        packages: [
          { name: 'md', manifest_path: '/w/md/Cargo.toml', targets: [], dependencies: [{ name: 'common', kind: null, path: '/w/common' } as never] },
          { name: 'common', manifest_path: '/w/common/Cargo.toml', targets: [], dependencies: [] },
        ],
      },
      { name: 'md', manifest_path: '/w/md/Cargo.toml', targets: [], dependencies: [{ name: 'common', kind: null, path: '/w/common' } as never] },
    );
    expect(affectingChanges(['/w/common/src/lib.rs', '/w/other/src/lib.rs', '/w/Cargo.lock', '/w/md-extra/x', '/w/md/README.md'], inputs)).toEqual(['/w/common/src/lib.rs', '/w/Cargo.lock']);
  });

  it('[exec-compare-base-broken] fails with a clear verdict when the base does not compile (never a silent pass)', async () => {
    fs.writeFileSync(path.join(root, 'rust', 'md', 'src', 'lib.rs'), 'pub fn f( {}\n');
    await git('commit', '-qam', 'broken base');
    fs.writeFileSync(path.join(root, 'rust', 'md', 'src', 'lib.rs'), 'pub fn f() {}\n');
    await git('commit', '-qam', 'fixed head');
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', compareRef: 'HEAD~1', pinCpu: false }, context())).toEqual({ success: false });
    const all = errors.join('\n');
    expect(all).toMatch(/the base \(HEAD~1, [0-9a-f]{12}\) does not build: `cargo bench -p md --bench b --no-run/);
    expect(all).toContain('1 benchmark(s) could not be compared, so the gate cannot pass');
    const summary = JSON.parse(fs.readFileSync(path.join(root, 'dist', 'bench', 'md', 'summary.json'), 'utf8'));
    expect(summary.comparison.verdict).toBe('fail');
    expect(summary.comparison.benchmarks[0]).toMatchObject({ id: 'b', status: 'error', verdict: 'not compared' });
    // The worktree is kept for the next run, outside Nx's project scan.
    expect(fs.existsSync(path.join(root, '.nx', 'workspace-data', 'rust-perf-compare', 'base', 'rust', 'md', 'Cargo.toml'))).toBe(true);
  }, 120_000);

  it('refuses compareRef together with a cross-run baseline', async () => {
    expect(await benchExecutor({ cargoRoot: 'rust', package: 'md', compareRef: 'HEAD', baseline: 'x.json' }, context())).toEqual({ success: false });
    expect(errors.join('\n')).toContain('cannot be combined with "baseline"');
  });
});
