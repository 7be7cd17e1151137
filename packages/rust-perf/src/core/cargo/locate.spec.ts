import { findCargoPackage, locateCargoWorkspace, workspacePackages } from './locate';
import type { FileReader } from './locate';

function reader(files: Record<string, string>): FileReader {
  return {
    read: (p) => files[p] ?? null,
    listDirs: (dir) => {
      const prefix = dir === '' ? '' : `${dir}/`;
      return [...new Set(Object.keys(files).filter((f) => f.startsWith(prefix) && f.slice(prefix.length).includes('/')).map((f) => f.slice(prefix.length).split('/')[0]))];
    },
  };
}

describe('locateCargoWorkspace', () => {
  it.each([
    ['root workspace', { 'Cargo.toml': '[workspace]\nmembers = ["a"]\n' }, undefined, ''],
    ['one level down', { 'rust/Cargo.toml': '[workspace]\n', 'apps/x/Cargo.toml': '[package]\nname="x"\n' }, undefined, 'rust'],
    ['--cargoRoot', { 'a/Cargo.toml': '[workspace]\n', 'b/Cargo.toml': '[workspace]\n' }, './b/', 'b'],
    ['root wins over nested', { 'Cargo.toml': '[workspace]\n', 'fixtures/Cargo.toml': '[workspace]\n' }, undefined, ''],
  ])('%s', (_n, files, cargoRoot, expected) => expect(locateCargoWorkspace(reader(files), cargoRoot)).toBe(expected));

  it('lists what it searched when nothing is found', () => {
    expect(() => locateCargoWorkspace(reader({ 'rust/Cargo.toml': '[package]\nname = "x"\n', 'apps/web/package.json': '{}' }))).toThrow(
      'No Cargo workspace (a Cargo.toml with [workspace]) was found at the Nx root or one level down.\nSearched: Cargo.toml, apps/Cargo.toml, rust/Cargo.toml\nFix: pass --cargoRoot',
    );
  });

  it('names every workspace when several are found', () => {
    expect(() => locateCargoWorkspace(reader({ 'a/Cargo.toml': '[workspace]\n', 'b/Cargo.toml': '[workspace]\n' }))).toThrow('Several Cargo workspaces were found: a/Cargo.toml, b/Cargo.toml. Choose one with --cargoRoot.');
  });

  it('reports a missing --cargoRoot manifest', () => {
    expect(() => locateCargoWorkspace(reader({}), 'rust')).toThrow('--cargoRoot rust: rust/Cargo.toml does not exist.');
  });

  it('names file, line and column of a malformed manifest', () => {
    expect(() => locateCargoWorkspace(reader({ 'Cargo.toml': '[workspace]\nmembers = [1,\n' }))).toThrow(/^Cargo\.toml:\d+:\d+: invalid TOML/);
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
