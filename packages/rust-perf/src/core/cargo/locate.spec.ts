import { findCargoPackage, findCargoRoots, locateCargoWorkspace, selectCargoRoots, workspacePackages } from './locate';
import type { FileReader } from './locate';
import { mkdtempSync, rmSync } from 'node:fs';
import { pkg, writeCrates } from './__fixtures__/crates';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { run } from '../process/run';

function reader(files: Record<string, string>): FileReader {
  return {
    read: (p) => files[p] ?? null,
    listDirs: (dir) => {
      const prefix = dir === '' ? '' : `${dir}/`;
      return [...new Set(Object.keys(files).filter((f) => f.startsWith(prefix) && f.slice(prefix.length).includes('/')).map((f) => f.slice(prefix.length).split('/')[0]))];
    },
  };
}

const roots = (files: Record<string, string>) => findCargoRoots(reader(files));
const dirs = (files: Record<string, string>) => roots(files).roots.map((r) => [r.dir, r.kind, r.packages.join(',')]);

describe('findCargoRoots: roots as cargo finds them', () => {
  it.each<[string, Record<string, string>, string[][]]>([
    ['a lone package at the Nx root (no [workspace])', { 'Cargo.toml': pkg('hyperfine'), 'build.rs': '' }, [['', 'package', 'hyperfine']]],
    ['a root workspace; its members are never roots', { 'Cargo.toml': '[workspace]\nmembers = ["a"]\n', 'a/Cargo.toml': pkg('a') }, [['', 'workspace', 'a']]],
    ['two standalone packages under apps/', { 'apps/a/Cargo.toml': pkg('a'), 'apps/b/Cargo.toml': pkg('b') }, [['apps/a', 'package', 'a'], ['apps/b', 'package', 'b']]],
    [
      'a workspace under rust/ beside a package under tools/, any depth',
      { 'rust/Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n', 'rust/crates/md/Cargo.toml': pkg('market-data'), 'rust/crates/common/Cargo.toml': pkg('common'), 'tools/gen/deep/Cargo.toml': pkg('gen') },
      [['rust', 'workspace', 'common,market-data'], ['tools/gen/deep', 'package', 'gen']],
    ],
    [
      'nested workspaces: the inner one is a root of its own, its members go to it',
      { 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\n', 'crates/a/Cargo.toml': pkg('a'), 'crates/a/inner/Cargo.toml': '[workspace]\nmembers = ["x"]\n', 'crates/a/inner/x/Cargo.toml': pkg('x') },
      [['', 'workspace', 'a'], ['crates/a/inner', 'workspace', 'x']],
    ],
    [
      'globbed members with an excluded one: the excluded package is not tuned by default',
      { 'Cargo.toml': '[workspace]\nmembers = ["crates/*"]\nexclude = ["crates/old"]\n', 'crates/new/Cargo.toml': pkg('new'), 'crates/old/Cargo.toml': pkg('old') },
      [['', 'workspace', 'new']],
    ],
    [
      'a package claimed by a workspace two levels up (members = ["libs/*/*"]) is a member, not a root',
      { 'Cargo.toml': '[workspace]\nmembers = ["libs/*/*"]\n', 'libs/net/tcp/Cargo.toml': pkg('tcp') },
      [['', 'workspace', 'tcp']],
    ],
    [
      'a package claimed two levels up through package.workspace',
      { 'rust/Cargo.toml': '[workspace]\n', 'rust/a/b/Cargo.toml': pkg('deep', 'workspace = "../.."\n') },
      [['rust', 'workspace', 'deep']],
    ],
    [
      'a root package with [workspace] is one root (package and workspace)',
      { 'Cargo.toml': `${pkg('app')}\n[workspace]\nmembers = ["lib"]\n`, 'lib/Cargo.toml': pkg('lib') },
      [['', 'workspace', 'app,lib']],
    ],
    [
      'a package inside target/ or node_modules/ is never read',
      { 'Cargo.toml': pkg('app'), 'target/package/app-0.1.0/Cargo.toml': pkg('app'), 'node_modules/x/native/Cargo.toml': pkg('napi'), 'apps/y/target/debug/build/Cargo.toml': 'not toml [' },
      [['', 'package', 'app']],
    ],
  ])('%s', (_n, files, expected) => expect(dirs(files)).toEqual(expected));

  it('a package under a workspace that neither lists nor excludes it is skipped with the fix cargo needs', () => {
    const search = roots({ 'Cargo.toml': '[workspace]\nmembers = ["a"]\n', 'a/Cargo.toml': pkg('a'), 'tools/x/Cargo.toml': pkg('x') });
    expect(search.roots.map((r) => r.dir)).toEqual(['']);
    expect(search.skipped).toEqual([
      { manifestPath: 'tools/x/Cargo.toml', reason: 'cargo refuses to build it: Cargo.toml above it is a workspace that neither lists it in members nor excludes it (fix: add "tools/x" to members or to exclude in Cargo.toml)' },
    ]);
  });

  it('an excluded package is reported with how to tune it anyway', () => {
    expect(roots({ 'Cargo.toml': '[workspace]\nexclude = ["scratch"]\n', 'scratch/Cargo.toml': pkg('scratch') }).skipped).toEqual([
      { manifestPath: 'scratch/Cargo.toml', reason: 'excluded by [workspace] exclude of Cargo.toml (pass --cargoRoot scratch to tune it on its own)' },
    ]);
  });

  it('uses the reader\'s not-ignored manifest list when it has one (.gitignore, .nxignore)', () => {
    const files = { 'apps/a/Cargo.toml': pkg('a'), 'vendor/b/Cargo.toml': pkg('b') };
    expect(findCargoRoots({ ...reader(files), manifests: () => ['apps/a/Cargo.toml'] }).roots.map((r) => r.dir)).toEqual(['apps/a']);
  });
});

describe('selectCargoRoots and locateCargoWorkspace', () => {
  it('--cargoRoot picks roots, several times, even one the ignore files hide', () => {
    const files = { 'a/Cargo.toml': '[workspace]\n', 'b/Cargo.toml': pkg('b'), 'c/Cargo.toml': pkg('c') };
    expect(selectCargoRoots({ ...reader(files), manifests: () => ['a/Cargo.toml'] }, ['./c/', 'a']).roots.map((r) => [r.dir, r.kind])).toEqual([['c', 'package'], ['a', 'workspace']]);
    expect(locateCargoWorkspace(reader(files), './b/')).toBe('b');
  });

  it('[gen-cargo-root-member] refuses a --cargoRoot that is a workspace member: cargo reads profiles only from the root', () => {
    expect(() => selectCargoRoots(reader({ 'rust/Cargo.toml': '[workspace]\nmembers = ["md"]\n', 'rust/md/Cargo.toml': pkg('md') }), ['rust/md'])).toThrow(
      '--cargoRoot rust/md: rust/md/Cargo.toml is a member of the Cargo workspace rust/Cargo.toml, and cargo reads profiles only from the workspace root. Fix: --cargoRoot rust',
    );
  });

  it('[gen-no-cargo-manifest] no Cargo manifest at all: one line naming what it looked for', () => {
    expect(() => selectCargoRoots(reader({ 'apps/web/package.json': '{}' }))).toThrow(
      /^No Cargo manifest found: looked for Cargo\.toml in every folder of this Nx workspace that \.gitignore and \.nxignore do not ignore \(target\/ and node_modules\/ skipped\)\. Fix: create a package with `cargo new <name>`, or pass --cargoRoot <folder> for one that is ignored\.$/,
    );
  });

  it('names every root when a single-root command finds several', () => {
    expect(() => locateCargoWorkspace(reader({ 'a/Cargo.toml': '[workspace]\n', 'b/Cargo.toml': pkg('b') }))).toThrow('Several Cargo roots were found: a/Cargo.toml, b/Cargo.toml. Choose one with --cargoRoot.');
  });

  it('reports a missing --cargoRoot manifest', () => {
    expect(() => locateCargoWorkspace(reader({}), 'rust')).toThrow('--cargoRoot rust: rust/Cargo.toml does not exist.');
  });

  it('names file, line and column of a malformed manifest anywhere in the repository', () => {
    expect(() => findCargoRoots(reader({ 'Cargo.toml': '[workspace]\nmembers = [1,\n' }))).toThrow(/^Cargo\.toml:\d+:\d+: invalid TOML/);
    expect(() => findCargoRoots(reader({ 'apps/a/Cargo.toml': pkg('a'), 'apps/b/Cargo.toml': '[package]\nname = \n' }))).toThrow(/^apps\/b\/Cargo\.toml:3:1: invalid TOML/);
  });
});

describe('members', () => {
  const files = {
    'rust/Cargo.toml': '[workspace]\nmembers = ["common", "crates/*"]\nexclude = ["crates/old"]\n',
    'rust/common/Cargo.toml': '[package]\nname = "common"\n',
    'rust/crates/md/Cargo.toml': '[package]\nname = "market-data"\n',
    'rust/crates/old/Cargo.toml': '[package]\nname = "old"\n',
    'rust/crates/notes/readme.md': '',
  };
  it('expands globs and drops excluded members', () => expect(workspacePackages(reader(files), 'rust').map((p) => p.root)).toEqual(['rust/common', 'rust/crates/md']));
  it('finds a package by Cargo name or folder', () => {
    expect(findCargoPackage(reader(files), 'rust', 'market-data').root).toBe('rust/crates/md');
    expect(findCargoPackage(reader(files), 'rust', 'md').name).toBe('market-data');
    expect(() => findCargoPackage(reader(files), 'rust', 'nope')).toThrow('No package named "nope" in the Cargo workspace rust/Cargo.toml. Packages: common, market-data.');
  });
});

// Cargo is the truth: from every manifest, `cargo metadata --no-deps` names the workspace root it
// builds from. Each root we find must be its own, each member's must be its root, and cargo must
// refuse the package we skip as unclaimed.
describe('findCargoRoots agrees with cargo metadata', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rust-perf-roots-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('roots, members two levels down, nested and excluded workspaces, an unclaimed package', async () => {
    const files: Record<string, string> = {
      'Cargo.toml': pkg('lone'),
      'apps/a/Cargo.toml': pkg('a'),
      'rust/Cargo.toml': '[workspace]\nmembers = ["crates/*", "libs/*/*"]\nexclude = ["crates/scratch"]\nresolver = "2"\n',
      'rust/crates/md/Cargo.toml': pkg('md'),
      'rust/crates/scratch/Cargo.toml': pkg('scratch'),
      'rust/libs/net/tcp/Cargo.toml': pkg('tcp'),
      'rust/tools/inner/Cargo.toml': '[workspace]\nmembers = ["x"]\nresolver = "2"\n',
      'rust/tools/inner/x/Cargo.toml': pkg('x'),
      'rust/stray/Cargo.toml': pkg('stray'),
    };
    writeCrates(dir, files);
    const search = findCargoRoots(reader(files));
    expect(search.roots.map((r) => r.dir)).toEqual(['', 'apps/a', 'rust', 'rust/tools/inner']);
    expect(search.skipped.map((s) => s.manifestPath)).toEqual(['rust/crates/scratch/Cargo.toml', 'rust/stray/Cargo.toml']);

    const cargoRootOf = async (manifest: string) => {
      const r = await run('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline', '--manifest-path', join(dir, manifest)], { cwd: dir, env: { CARGO_TARGET_DIR: join(dir, 'target') } });
      return r.exitCode === 0 ? relative(dir, (JSON.parse(r.stdout) as { workspace_root: string }).workspace_root) : `error: ${r.stderr}`;
    };
    const rootOfManifest = new Map<string, string>([
      ['rust/crates/md/Cargo.toml', 'rust'],
      ['rust/libs/net/tcp/Cargo.toml', 'rust'],
      ['rust/tools/inner/x/Cargo.toml', 'rust/tools/inner'],
      ['rust/crates/scratch/Cargo.toml', 'rust/crates/scratch'],
      ...search.roots.map((r) => [r.manifestPath, r.dir] as [string, string]),
    ]);
    for (const [manifest, root] of rootOfManifest) expect([manifest, await cargoRootOf(manifest)]).toEqual([manifest, root]);
    expect(await cargoRootOf('rust/stray/Cargo.toml')).toMatch(/believes it's in a workspace when it's not/);
  });
});
