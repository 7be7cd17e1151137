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
import initGenerator, { updatedNxJson } from './generator';
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

const files = () => ({ 'rust/Cargo.toml': MANIFEST, 'rust/common/Cargo.toml': '[package]\nname = "common"\nversion = "0.1.0"\n' });
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
    for (const r of profileRows()) {
      if (r.profile === 'release' && r.key === 'lto') continue;
      expect([r.profile, r.key, getIn(doc, ['profile', r.profile, r.key])]).toEqual([r.profile, r.key, r.value]);
    }
    for (const d of WORKSPACE_DEPS.filter((d) => d.name !== 'serde')) expect(getIn(doc, ['workspace', 'dependencies', d.name])).toEqual(d.value);
    expect(text.startsWith(`# Trading desk workspace
[workspace]
members = ["common"] # more later
resolver = "2"

# Shared versions
[workspace.dependencies]
serde = { version = "1", features = ["derive", "std"] } # pinned by us
simd-json = "0.19"
`)).toBe(true);
    expect(text).toContain('# Hand-tuned release\n[profile.release]\nlto = false # link time matters more to us\nopt-level = 3\n');
    expect(warn.mock.calls.map((c) => c[0])).toEqual([
      'kept lto = false in rust/Cargo.toml [profile.release] (use --force to set "thin")',
      'kept serde = { version = "1", features = ["derive", "std"] } in rust/Cargo.toml [workspace.dependencies] (use --force to set { version = "1", features = ["derive"] })',
    ]);
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
    await run(tree, { [flag]: true, skipConfig: true });
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

  it('no Cargo workspace: lists what was searched', async () => {
    const tree = treeWith({ 'apps/web/package.json': '{}' });
    await expect(run(tree)).rejects.toThrow(/Searched: Cargo.toml, apps\/Cargo.toml/);
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

  it('schema --help lists the profiles generated from the rows', () => {
    expect(schema.properties.skipProfiles.description).toBe(`Do not write Cargo profiles. Profiles written: ${summarizeProfiles()}.`);
  });
});
