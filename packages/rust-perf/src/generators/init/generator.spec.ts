import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger, readNxJson } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { parseToml, getIn } from '../../core/toml/toml';
import { profileRows, summarizeProfiles } from '../../core/profiles/profiles';
import { WORKSPACE_DEPS } from '../../core/deps/deps';
import { assertWritable } from '../shared/tree';
import { snapshotFiles, treeWith } from '../__fixtures__/workspace';
import { pkg } from '../../core/cargo/__fixtures__/crates';
import initGenerator, { NATIVE_WARNING, cargoRootsOption, gitignoreWith, gitignoreWithOutputs, updatedNxJson } from './generator';
import schema from './schema.json';

const MANIFEST = `# Trading desk workspace
[workspace]
members = ["common"] # more later
resolver = "2"

# Shared versions
[workspace.dependencies]
serde = { version = "1", features = ["derive", "std"] } # pinned by us

# Hand-tuned release
[profile.release]
lto = false # link time matters more to us
`;

const files = () => ({ 'rust/Cargo.toml': MANIFEST, 'rust/common/Cargo.toml': pkg('common') });
const WATCHED = ['rust/Cargo.toml', 'rust/.cargo/config.toml', 'nx.json'];

let warn: jest.SpyInstance;
let info: jest.SpyInstance;
beforeEach(() => {
  warn = jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
  info = jest.spyOn(logger, 'info').mockImplementation(() => undefined);
});
afterEach(() => jest.restoreAllMocks());

const run = (tree: Tree, extra: Record<string, unknown> = {}) => initGenerator(tree, { linker: 'system', ...extra });

describe('init', () => {
  it('writes every profile row, keeps the user\'s values and comments, and says what it kept', async () => {
    const tree = treeWith(files());
    await run(tree);
    const text = tree.read('rust/Cargo.toml', 'utf-8')!;
    const doc = parseToml(text, 'rust/Cargo.toml');
    // lto = false is the user's decision for the whole LTO group of [profile.release].
    const group = ['lto', 'codegen-units', 'incremental'];
    for (const r of profileRows()) {
      if (r.profile === 'release' && group.includes(r.key)) continue;
      expect([r.profile, r.key, getIn(doc, ['profile', r.profile, r.key])]).toEqual([r.profile, r.key, r.value]);
    }
    for (const k of ['codegen-units', 'incremental']) expect(getIn(doc, ['profile', 'release', k])).toBeUndefined();
    // No dependencies without --deps.
    expect(getIn(doc, ['workspace', 'dependencies'])).toEqual({ serde: { version: '1', features: ['derive', 'std'] } });
    expect(text.startsWith(MANIFEST.split('# Hand-tuned')[0])).toBe(true);
    expect(text).toContain('# Hand-tuned release\n[profile.release]\nlto = false # link time matters more to us\nopt-level = 3\n');
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'kept lto = false in rust/Cargo.toml [profile.release] (use --force to set "thin")',
      'kept lto = false in rust/Cargo.toml [profile.release], so codegen-units, incremental are not set (one decision: lto, codegen-units, incremental); use --force to set codegen-units = 1, incremental = false',
    ]);
    expect(info.mock.calls.map((c) => c[0])).toContain('rust-perf: init cannot see whether your code (or a dependency) relies on catch_unwind, which panic = "abort" disables; use --panic unwind if it does');
  });

  it('[gen-intent-groups] debug = 1 in [profile.release] keeps the debug-info group: strip is not set', async () => {
    const tree = treeWith({ 'Cargo.toml': pkg('app', '\n[workspace]\n\n[profile.release]\ndebug = 1 # we ship line tables\n\n[profile.bench]\nstrip = "symbols"\n') });
    await run(tree, { skipConfig: true });
    const doc = parseToml(tree.read('Cargo.toml', 'utf-8')!, 'Cargo.toml');
    expect(getIn(doc, ['profile', 'release'])).toEqual({ debug: 1, 'opt-level': 3, lto: 'thin', 'codegen-units': 1, panic: 'abort', 'overflow-checks': false, 'debug-assertions': false, incremental: false });
    // Same rule in every profile init writes into: bench keeps the user's strip, so debug is not set there either.
    expect(getIn(doc, ['profile', 'bench'])).toEqual({ strip: 'symbols', inherits: 'release' });
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'kept strip = "symbols" in Cargo.toml [profile.bench] (use --force to set false)',
      'kept debug = 1 in Cargo.toml [profile.release], so strip is not set (one decision: debug, strip, split-debuginfo); use --force to set strip = true',
      'kept strip = "symbols" in Cargo.toml [profile.bench], so debug is not set (one decision: debug, strip, split-debuginfo); use --force to set debug = true',
    ]);
    await run(tree, { skipConfig: true, force: true });
    expect(getIn(parseToml(tree.read('Cargo.toml', 'utf-8')!, 'Cargo.toml'), ['profile', 'release', 'strip'])).toBe(true);
  });

  it('[gen-dependency-merge] --deps adds the set; an existing entry is kept, and --force merges it without losing what the user wrote', async () => {
    const manifest = '[workspace]\nmembers = ["common"]\n\n[workspace.dependencies]\ntokio = { version = "1.40", default-features = false, features = ["signal"] } # ours\nreqwest = { path = "../reqwest", optional = true }\n';
    const tree = treeWith({ 'rust/Cargo.toml': manifest, 'rust/common/Cargo.toml': pkg('common') });
    await run(tree, { deps: true, skipProfiles: true, skipConfig: true });
    let deps = getIn(parseToml(tree.read('rust/Cargo.toml', 'utf-8')!, 'x'), ['workspace', 'dependencies']) as Record<string, unknown>;
    expect(deps.tokio).toEqual({ version: '1.40', 'default-features': false, features: ['signal'] });
    for (const d of WORKSPACE_DEPS.filter((d) => !['tokio', 'reqwest'].includes(d.name))) expect(deps[d.name]).toEqual(d.value);
    expect(warn.mock.calls.map((c) => c[0])).toContain(
      'kept tokio = { version = "1.40", default-features = false, features = ["signal"] } in rust/Cargo.toml [workspace.dependencies] (use --force to add features + "rt-multi-thread", "macros", "sync", "time", "net"; what you wrote is kept)',
    );
    await run(tree, { deps: true, skipProfiles: true, skipConfig: true, force: true });
    const text = tree.read('rust/Cargo.toml', 'utf-8')!;
    deps = getIn(parseToml(text, 'x'), ['workspace', 'dependencies']) as Record<string, unknown>;
    expect(deps.tokio).toEqual({ version: '1.40', 'default-features': false, features: ['signal', 'rt-multi-thread', 'macros', 'sync', 'time', 'net'] });
    expect(deps.reqwest).toEqual({ path: '../reqwest', optional: true, features: ['json', 'stream', 'rustls-tls'] });
    expect(text).toContain('# ours');
    expect(info.mock.calls.map((c) => c[0])).toContain(
      'rust-perf: merged tokio in rust/Cargo.toml [workspace.dependencies]: features + "rt-multi-thread", "macros", "sync", "time", "net"; kept your version = "1.40"',
    );
  });

  it('[gen-native-warning] --cpu native warns once that builds are tied to the building CPU and points at build-native', async () => {
    const tree = treeWith(files());
    await run(tree, { cpu: 'native' });
    const native = warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('--cpu native'));
    expect(native).toEqual([`rust-perf: ${NATIVE_WARNING}`]);
    expect(NATIVE_WARNING).toMatch(/CI artifacts included.*build-native target, whose cache key carries the CPU/);
    expect(tree.read('rust/.cargo/config.toml', 'utf-8')).toContain('target-cpu=native');
    warn.mockClear();
    await run(treeWith(files()));
    expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('--cpu native'))).toEqual([]);
  });

  it('portable by default: nothing CPU-specific in .cargo/config.toml', async () => {
    const tree = treeWith(files());
    await run(tree);
    expect(tree.exists('rust/.cargo/config.toml') ? tree.read('rust/.cargo/config.toml', 'utf-8') : '').not.toContain('target-cpu');
    // No schema default: a default would make every run name --cpu and replace an earlier init's target-cpu.
    expect(schema.properties.cpu).not.toHaveProperty('default');
    expect(schema.properties.deps.default).toBe(false);
  });

  it('--force sets the value in place, keeping the comment', async () => {
    const tree = treeWith(files());
    await run(tree, { force: true, lto: 'fat' });
    expect(tree.read('rust/Cargo.toml', 'utf-8')).toContain('[profile.release]\nlto = "fat" # link time matters more to us\n');
    expect(warn).not.toHaveBeenCalled();
  });

  it('registers the plugin and named inputs in nx.json', async () => {
    const tree = treeWith(files());
    await run(tree);
    const nx = readNxJson(tree)!;
    expect(nx.plugins).toEqual(['rust-perf']);
    expect({ rustSources: nx.namedInputs!.rustSources, rustWorkspace: nx.namedInputs!.rustWorkspace }).toMatchInlineSnapshot(`
{
  "rustSources": [
    "{projectRoot}/**/*",
    "!{projectRoot}/**/*.md",
    "!{projectRoot}/target/**",
  ],
  "rustWorkspace": [
    "{workspaceRoot}/rust/Cargo.toml",
    "{workspaceRoot}/rust/Cargo.lock",
    "{workspaceRoot}/rust/.cargo/config.toml",
    "{workspaceRoot}/rust/rust-toolchain",
    "{workspaceRoot}/rust/rust-toolchain.toml",
    {
      "runtime": "rustc -vV",
    },
    {
      "env": "RUSTFLAGS",
    },
    {
      "env": "CARGO_ENCODED_RUSTFLAGS",
    },
  ],
}
`);
  });

  it('merges named inputs without duplicates and keeps a plugin registered in object form', () => {
    const next = updatedNxJson(
      { plugins: [{ plugin: 'rust-perf', options: { benchTargetName: 'perf' } }], namedInputs: { rustSources: ['{projectRoot}/src/**/*', '!{projectRoot}/target/**'] } },
      '',
    );
    expect(next.plugins).toEqual([{ plugin: 'rust-perf', options: { benchTargetName: 'perf' } }]);
    expect(next.namedInputs!.rustSources).toEqual(['{projectRoot}/src/**/*', '!{projectRoot}/target/**', '{projectRoot}/**/*', '!{projectRoot}/**/*.md']);
    expect(next.namedInputs!.rustWorkspace[0]).toBe('{workspaceRoot}/Cargo.toml');
  });

  it('is idempotent: the second run changes nothing', async () => {
    const tree = treeWith(files());
    await run(tree, { cpu: 'x86-64-v3' });
    const first = snapshotFiles(tree, WATCHED);
    expect(first['rust/.cargo/config.toml']).toContain('target-cpu=x86-64-v3');
    info.mockClear();
    await run(tree, { cpu: 'x86-64-v3' });
    expect(snapshotFiles(tree, WATCHED)).toEqual(first);
    expect(info.mock.calls.at(-1)![0]).toMatch(/^rust-perf: init changed nothing \(already up to date\)/);
  });

  it.each([
    ['skipProfiles', (t: string) => expect(t).not.toContain('[profile.ci]')],
    ['skipDeps', (t: string) => expect(t).not.toContain('simd-json')],
  ])('--%s', async (flag, check) => {
    const tree = treeWith(files());
    await run(tree, { [flag]: true, skipConfig: true, deps: true });
    check(tree.read('rust/Cargo.toml', 'utf-8')!);
    expect(tree.exists('rust/.cargo/config.toml')).toBe(false);
  });

  it('accepts and ignores the options nx add passes', async () => {
    const tree = treeWith(files());
    await run(tree, { keepExistingVersions: true, updatePackageScripts: true, skipFormat: true, skipConfig: true });
    expect(readNxJson(tree)!.plugins).toEqual(['rust-perf']);
  });

  it('malformed Cargo.toml: error names file, line and column; nothing is written', async () => {
    const tree = treeWith({ 'rust/Cargo.toml': '[workspace]\nmembers = ["a"]\n[profile.release]\nlto = thin\n' });
    const before = snapshotFiles(tree, WATCHED);
    await expect(run(tree)).rejects.toThrow(/^rust\/Cargo\.toml:4:\d+: invalid TOML/);
    expect(snapshotFiles(tree, WATCHED)).toEqual(before);
  });

  it('no Cargo manifest: one line naming what it looked for', async () => {
    const tree = treeWith({ 'apps/web/package.json': '{}' });
    await expect(run(tree)).rejects.toThrow(/^No Cargo manifest found: looked for Cargo\.toml in every folder/);
  });

  it('read-only file: clear error before anything is written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rust-perf-ro-'));
    try {
      writeFileSync(join(dir, 'Cargo.toml'), '[workspace]\n');
      chmodSync(join(dir, 'Cargo.toml'), 0o444);
      expect(() => assertWritable({ root: dir } as Tree, ['Cargo.toml'])).toThrow(`Cargo.toml is read-only (${join(dir, 'Cargo.toml')}); nothing was written. Fix: chmod u+w`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('[gen-outputs-gitignored] appends /dist/ to .gitignore once, keeping line endings', () => {
    expect(gitignoreWithOutputs(null)).toBe('# rust-perf outputs (cargo reruns build scripts without rerun-if-changed when an unignored file changes)\n/dist/\n');
    expect(gitignoreWithOutputs('target\r\n')).toBe('target\r\n# rust-perf outputs (cargo reruns build scripts without rerun-if-changed when an unignored file changes)\r\n/dist/\r\n');
    expect(gitignoreWithOutputs('node_modules\ndist\n')).toBeNull();
    const once = gitignoreWithOutputs('target')!;
    expect(once.startsWith('target\n#')).toBe(true);
    expect(gitignoreWithOutputs(once)).toBeNull();
  });

  it('.gitignore: an entry for the folder or a parent of it counts; --cargoRoot given once, several times or comma-separated', () => {
    expect(gitignoreWith('.nx\n', [{ path: '.nx/cache', why: 'x' }]).text).toBeNull();
    expect(gitignoreWith('/.nx/cache/\n', [{ path: '.nx/cache', why: 'x' }, { path: '.nx/workspace-data', why: 'y' }])).toEqual({ text: '/.nx/cache/\n# y\n.nx/workspace-data\n', added: ['.nx/workspace-data'] });
    expect(cargoRootsOption(undefined)).toEqual([]);
    expect(cargoRootsOption('rust')).toEqual(['rust']);
    expect(cargoRootsOption(['apps/a', 'apps/b,rust '])).toEqual(['apps/a', 'apps/b', 'rust']);
  });

  it('schema --help lists the profiles generated from the rows', () => {
    expect(schema.properties.skipProfiles.description).toBe(`Do not write Cargo profiles. Profiles written: ${summarizeProfiles()}.`);
  });
});

const LONE = `[package]
name = "hyperfine"
version = "1.19.0"
edition = "2021"
build = "build.rs"

[profile.release]
lto = true
strip = true
codegen-units = 1
`;

describe('init: every Cargo root', () => {
  const lines = (spy: jest.SpyInstance) => spy.mock.calls.map((c) => String(c[0]));

  it('[gen-lone-package] a lone package at the Nx root (no [workspace], like hyperfine) is a root: profiles written, its own values kept', async () => {
    const tree = treeWith({ 'Cargo.toml': LONE, 'build.rs': 'fn main() {}\n', 'src/main.rs': 'fn main() {}\n' });
    await run(tree);
    const doc = parseToml(tree.read('Cargo.toml', 'utf-8')!, 'Cargo.toml');
    expect(getIn(doc, ['profile', 'release'])).toEqual({ lto: true, strip: true, 'codegen-units': 1, 'opt-level': 3, panic: 'abort', 'overflow-checks': false, 'debug-assertions': false });
    expect(getIn(doc, ['profile', 'ci', 'inherits'])).toBe('release');
    expect(lines(info)).toContain('rust-perf: Cargo package Cargo.toml (hyperfine)');
    expect(lines(warn)).toContain('kept lto = true in Cargo.toml [profile.release] (use --force to set "thin")');
  });

  it('several roots: profiles and summary line for each, nx.json named inputs for each; --cargoRoot may pick some', async () => {
    const files = {
      'apps/a/Cargo.toml': pkg('a'),
      'apps/b/Cargo.toml': pkg('b', '\n[profile.release]\nopt-level = 2\n'),
      'rust/Cargo.toml': '[workspace]\nmembers = ["md"]\n',
      'rust/md/Cargo.toml': pkg('market-data'),
    };
    const tree = treeWith(files);
    await run(tree, { cpu: 'x86-64-v3' });
    const rows = profileRows().length;
    for (const m of ['apps/a/Cargo.toml', 'apps/b/Cargo.toml', 'rust/Cargo.toml']) expect(getIn(parseToml(tree.read(m, 'utf-8')!, m), ['profile', 'ci', 'inherits'])).toBe('release');
    expect(getIn(parseToml(tree.read('apps/b/Cargo.toml', 'utf-8')!, 'b'), ['profile', 'release', 'opt-level'])).toBe(2);
    expect(tree.read('rust/md/Cargo.toml', 'utf-8')).toBe(files['rust/md/Cargo.toml']);
    for (const c of ['apps/a', 'apps/b', 'rust']) expect(tree.read(`${c}/.cargo/config.toml`, 'utf-8')).toContain('target-cpu=x86-64-v3');
    expect(lines(info).filter((l) => /^rust-perf: [\w/]*Cargo\.toml: \d+ profile value/.test(l))).toEqual([
      `rust-perf: apps/a/Cargo.toml: ${rows} profile value(s) set, 0 kept; apps/a/.cargo/config.toml: rustflags -C target-cpu=x86-64-v3`,
      `rust-perf: apps/b/Cargo.toml: ${rows - 1} profile value(s) set, 1 kept; apps/b/.cargo/config.toml: rustflags -C target-cpu=x86-64-v3`,
      `rust-perf: rust/Cargo.toml: ${rows} profile value(s) set, 0 kept; rust/.cargo/config.toml: rustflags -C target-cpu=x86-64-v3`,
    ]);
    const named = readNxJson(tree)!.namedInputs!.rustWorkspace as unknown[];
    expect(named.filter((e) => typeof e === 'string' && e.endsWith('/Cargo.lock'))).toEqual(['{workspaceRoot}/apps/a/Cargo.lock', '{workspaceRoot}/apps/b/Cargo.lock', '{workspaceRoot}/rust/Cargo.lock']);
    // Inference globs every Cargo.toml itself: the plugin entry needs no list of roots.
    expect(readNxJson(tree)!.plugins).toEqual(['rust-perf']);

    const picked = treeWith(files);
    await run(picked, { cargoRoot: ['apps/b', 'rust'] });
    expect(picked.read('apps/a/Cargo.toml', 'utf-8')).toBe(files['apps/a/Cargo.toml']);
    expect(picked.read('apps/b/Cargo.toml', 'utf-8')).not.toBe(files['apps/b/Cargo.toml']);
    expect(picked.read('rust/Cargo.toml', 'utf-8')).not.toBe(files['rust/Cargo.toml']);
  });

  it('--deps writes [workspace.dependencies] only into workspace roots: a lone package would become a workspace', async () => {
    const tree = treeWith({ 'Cargo.toml': LONE, 'rust/Cargo.toml': '[workspace]\nmembers = []\n' });
    await run(tree, { deps: true, skipConfig: true });
    expect(tree.read('Cargo.toml', 'utf-8')).not.toContain('[workspace');
    expect(getIn(parseToml(tree.read('rust/Cargo.toml', 'utf-8')!, 'rust/Cargo.toml'), ['workspace', 'dependencies', 'serde'])).toBeDefined();
    expect(lines(info)).toContain('rust-perf: --deps: Cargo.toml has no [workspace], so no [workspace.dependencies] were written there (cargo would make it a workspace); for one crate use nx g rust-perf:crate-deps --project hyperfine --preset …');
  });

  it('searches every folder .gitignore and .nxignore leave (Nx\'s walk), never target/ or node_modules/', async () => {
    const files = {
      '.gitignore': '/vendor/\n',
      '.nxignore': 'fixtures/\n',
      'apps/a/Cargo.toml': pkg('a'),
      'vendor/dep/Cargo.toml': pkg('dep'),
      'tests/fixtures/ws/Cargo.toml': '[workspace]\n',
      'apps/a/target/package/a-0.1.0/Cargo.toml': pkg('a'),
      'libs/deep/er/still/Cargo.toml': pkg('deep'),
    };
    const tree = treeWith(files);
    await run(tree, { skipConfig: true });
    expect(tree.read('apps/a/Cargo.toml', 'utf-8')).toContain('[profile.ci]');
    expect(tree.read('libs/deep/er/still/Cargo.toml', 'utf-8')).toContain('[profile.ci]');
    for (const f of ['vendor/dep/Cargo.toml', 'tests/fixtures/ws/Cargo.toml', 'apps/a/target/package/a-0.1.0/Cargo.toml']) expect([f, tree.read(f, 'utf-8')]).toEqual([f, files[f as keyof typeof files]]);
  });

  it('[gen-nx-json-missing] no nx.json (npm init + npm i -D nx): creates it with the plugin, git-ignores .nx/cache and .nx/workspace-data, and says so truly', async () => {
    const tree = treeWith({ 'Cargo.toml': LONE, '.gitignore': 'node_modules\n/target\n' });
    tree.delete('nx.json');
    await run(tree, { skipConfig: true });
    expect(readNxJson(tree)!.plugins).toEqual(['rust-perf']);
    expect(readNxJson(tree)!.namedInputs!.rustWorkspace).toContain('{workspaceRoot}/Cargo.lock');
    expect(tree.read('.gitignore', 'utf-8')).toBe('node_modules\n/target\n# Nx cache and workspace data (as nx init ignores them)\n.nx/cache\n# Nx workspace data\n.nx/workspace-data\n');
    const updated = lines(info).at(-1)!;
    expect(updated).toMatch(/^rust-perf: init updated Cargo\.toml, \.gitignore, nx\.json \(created\) \[/);
    // Every file the line names was written.
    for (const f of ['Cargo.toml', '.gitignore', 'nx.json']) expect(tree.listChanges().map((c) => c.path)).toContain(f);
    info.mockClear();
    await run(tree, { skipConfig: true });
    expect(lines(info).at(-1)).toMatch(/^rust-perf: init changed nothing/);
  });

  it('[gen-committed-mold] by default no linker flag is written (no test link runs); an earlier init\'s mold flag is kept until --linker default', async () => {
    const tree = treeWith(files());
    await initGenerator(tree, {});
    expect(tree.exists('rust/.cargo/config.toml')).toBe(false);
    expect(lines(info).join('\n')).not.toMatch(/linker/);
    const earlier = `[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n`;
    tree.write('rust/.cargo/config.toml', earlier);
    await initGenerator(tree, {});
    expect(tree.read('rust/.cargo/config.toml', 'utf-8')).toBe(earlier);
    await initGenerator(tree, { linker: 'default' });
    expect(tree.read('rust/.cargo/config.toml', 'utf-8')).not.toContain('fuse-ld');
  });

  it('[doctor-cpu-hint-keeps-values] --cpu alone changes target-cpu only: the user\'s kept profile values and the earlier linker flag stay', async () => {
    const tree = treeWith({ 'Cargo.toml': LONE });
    await run(tree, { cpu: 'x86-64-v3' });
    const manifest = tree.read('Cargo.toml', 'utf-8');
    await initGenerator(tree, { cpu: 'native' });
    expect(tree.read('Cargo.toml', 'utf-8')).toBe(manifest);
    expect(tree.read('.cargo/config.toml', 'utf-8')).toContain('rustflags = ["-C", "target-cpu=native"]');
    expect(tree.read('.cargo/config.toml', 'utf-8')).not.toContain('x86-64-v3');
    expect(lines(info)).toContain(`rust-perf: replaced -C target-cpu=x86-64-v3 with -C target-cpu=native in .cargo/config.toml [target.'cfg(target_arch = "x86_64")'] rustflags`);
  });
});
