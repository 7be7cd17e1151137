// From a plain Rust repository (no package.json, no nx.json, Cargo.lock git-ignored as libraries do)
// to cached builds and a perf-report, the way a new user gets there: Nx's own install
// (`nx init --useDotNxInstallation`: ./nx and .nx/installation), the packed plugin as an
// installation plugin, init, then ./nx for everything. Real npm, real cargo, real git.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { run } from '../../../packages/rust-perf/src/core/process/run';
import { cacheHit, DEFAULT_NX_VERSION, e2eRoot, must, nxEnv, prepareTemplate, ranTask } from './harness';

const started = Date.now();
afterAll(() => console.log(`plain-repo.spec: ${((Date.now() - started) / 1000).toFixed(1)} s`));

const MANIFEST = `[package]
name = "plainapp"
version = "0.1.0"
edition = "2021"

[dependencies]
itoa = "1"

[package.metadata.rust-perf]
workload = [{ bin = "plainapp", args = ["200000"] }]
`;
const MAIN = `fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1000);
    let mut buf = itoa::Buffer::new();
    let total: usize = (0..n).map(|i| buf.format(i.wrapping_mul(2654435761)).len()).sum();
    println!("{total}");
}
`;

describe('a plain Rust repository with Nx\'s own install', () => {
  let root: string;
  const exec = async (file: string, args: string[], allowFailure = false) => {
    const result = await run(file, args, { cwd: root, env: nxEnv(), timeoutMs: 10 * 60_000 });
    if (result.exitCode !== 0 && !allowFailure) throw new Error(`${result.command} exited with ${result.exitCode ?? result.signal}\n${result.stdout}\n${result.stderr}`);
    return result;
  };
  const nx = (...args: string[]) => exec(path.join(root, 'nx'), args);
  const git = (...args: string[]) => exec('git', ['-c', 'user.name=e2e', '-c', 'user.email=e2e@example.invalid', ...args]);
  const append = (rel: string, text: string) => fs.appendFileSync(path.join(root, rel), text);
  const build = async () => {
    const r = await nx('run', 'plainapp:build-release', '--outputStyle=static');
    return r.stdout + r.stderr;
  };

  beforeAll(async () => {
    await prepareTemplate(); // packs the plugin into e2eRoot/rust-perf.tgz
    root = path.join(fs.mkdtempSync(path.join(e2eRoot, 'plain-')), 'plainapp');
    fs.mkdirSync(path.join(root, 'src'), { recursive: true });
    fs.mkdirSync(path.join(root, '.github/workflows'), { recursive: true });
    const files: Record<string, string> = {
      'Cargo.toml': MANIFEST,
      'src/main.rs': MAIN,
      '.gitignore': '/target\nCargo.lock\n',
      'README.md': '# plainapp\n',
      'codecov.yml': 'coverage:\n  status:\n    project: off\n',
      Makefile: 'all:\n\tcargo build\n',
      '.github/workflows/ci.yml': 'on: push\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: cargo test\n',
    };
    for (const [rel, text] of Object.entries(files)) fs.writeFileSync(path.join(root, rel), text);
    await must('git', ['init', '-q', '-b', 'master'], root);
    await git('add', '-A');
    await git('commit', '-qm', 'a plain Rust repository');
  }, 10 * 60_000);

  afterAll(() => {
    if (process.env.E2E_KEEP !== '1' && root) fs.rmSync(path.dirname(root), { recursive: true, force: true });
  });

  it('nx init --useDotNxInstallation, the plugin, init: no package.json anywhere, and init says what it changes in cargo build, test and bench', async () => {
    const t = Date.now();
    await exec('npx', ['-y', `nx@${DEFAULT_NX_VERSION}`, 'init', '--useDotNxInstallation', '--interactive=false']);
    console.log(`nx init --useDotNxInstallation: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    expect(fs.existsSync(path.join(root, 'nx'))).toBe(true);
    // What `./nx add rust-perf` writes, with the packed tarball instead of the registry's version.
    const nxJsonPath = path.join(root, 'nx.json');
    const nxJson = JSON.parse(fs.readFileSync(nxJsonPath, 'utf8')) as { installation: { version: string; plugins?: Record<string, string> } };
    nxJson.installation.plugins = { 'rust-perf': `file:${path.join(e2eRoot, 'rust-perf.tgz')}` };
    fs.writeFileSync(nxJsonPath, JSON.stringify(nxJson, null, 2) + '\n');
    const init = await nx('g', 'rust-perf:init', '--no-interactive');
    const out = init.stdout + init.stderr;
    expect(out).toContain('Cargo.toml: init changes the profiles of everyday commands:');
    expect(out).toContain('dev: opt-level 0 → 1');
    expect(out).toContain('bench (inherits release): debug false → true, lto false → "thin", codegen-units 16 → 1');
    expect(out).toContain('to keep dev, test and bench as they were: nx g rust-perf:init --keepEverydayProfiles');
    for (const f of ['package.json', 'package-lock.json', 'node_modules']) expect([f, fs.existsSync(path.join(root, f))]).toEqual([f, false]);
    await git('add', '-A');
    await git('commit', '-qm', 'nx and rust-perf');
  }, 10 * 60_000);

  it('build-release, then perf-report through the same ./nx (the nested build is a cache hit), then a cache hit again; nothing is installed with npm', async () => {
    await exec('cargo', ['generate-lockfile']);
    expect(ranTask(await build(), 'plainapp:build-release')).toBe(true);
    const report = await nx('run', 'plainapp:perf-report', '--configurations=release', '--runs=1', '--count=false', '--outputStyle=static');
    const out = report.stdout + report.stderr;
    expect(out).toContain('.nx/installation/node_modules/nx/dist/bin/nx.js');
    expect(cacheHit(out, 'plainapp:build-release')).toBe(true);
    expect(out).not.toMatch(/npm install|no nx package/);
    expect(fs.existsSync(path.join(root, 'dist/perf-report/plainapp/report.md'))).toBe(true);
    for (const f of ['package.json', 'package-lock.json', 'node_modules']) expect([f, fs.existsSync(path.join(root, f))]).toEqual([f, false]);
    expect(cacheHit(await build(), 'plainapp:build-release')).toBe(true);
  }, 10 * 60_000);

  it('[infer-root-crate-outputs] codecov.yml, README.md, a Makefile and .github/ changed: still a cache hit', async () => {
    append('codecov.yml', '# a comment\n');
    append('README.md', 'More words.\n');
    append('Makefile', '# a comment\n');
    append('.github/workflows/ci.yml', '# a comment\n');
    expect(cacheHit(await build(), 'plainapp:build-release')).toBe(true);
  }, 10 * 60_000);

  it('[infer-lockfile-ignored] a dependency moved in the git-ignored Cargo.lock rebuilds; doctor says the lockfile is ignored', async () => {
    expect((await exec('git', ['check-ignore', '-q', 'Cargo.lock'], true)).exitCode).toBe(0);
    await exec('cargo', ['update', '-p', 'itoa', '--precise', '1.0.18']);
    expect(fs.readFileSync(path.join(root, 'Cargo.lock'), 'utf8')).toContain('name = "itoa"\nversion = "1.0.18"');
    expect(ranTask(await build(), 'plainapp:build-release')).toBe(true);
    expect(cacheHit(await build(), 'plainapp:build-release')).toBe(true);
    // doctor fails on a machine without some tool; the lockfile line is there either way.
    const doctor = await exec(path.join(root, 'nx'), ['run', 'plainapp:doctor', '--outputStyle=static'], true);
    expect(doctor.stdout).toMatch(/WARN\s+lockfile\s+Cargo\.lock is git-ignored: Nx does not hash it/);
  }, 10 * 60_000);

  it('a source change rebuilds', async () => {
    append('src/main.rs', '// a change\n');
    expect(ranTask(await build(), 'plainapp:build-release')).toBe(true);
  }, 10 * 60_000);

  it("ci-workflow fits Nx's own install (./nx, no npm step), and its build line, run by bash as a runner does, builds what a commit affects", async () => {
    await nx('g', 'rust-perf:ci-workflow', '--no-interactive');
    const text = fs.readFileSync(path.join(root, '.github/workflows/perf.yml'), 'utf8');
    expect(text).not.toMatch(/npm ci|npx nx|cache: npm/);
    const workflow = parse(text) as { jobs: Record<string, { steps: Array<{ name?: string; run?: string }> }> };
    const line = Object.values(workflow.jobs).flatMap((j) => j.steps).find((s) => s.run?.includes('affected -t build-release'))!.run!;
    expect(line).toMatch(/^\.\/nx affected -t build-release /);
    append('src/main.rs', '// touched by the commit\n');
    await git('add', '-A');
    await git('commit', '-qm', 'the workflow and a source change');
    const r = await run('bash', ['-c', line], { cwd: root, env: { ...nxEnv(), NX_BASE: 'HEAD~1', NX_HEAD: 'HEAD' }, timeoutMs: 10 * 60_000 });
    expect(r.exitCode).toBe(0);
    expect(ranTask(r.stdout + r.stderr, 'plainapp:build-release')).toBe(true);
  }, 10 * 60_000);
});
