// Finds the Cargo workspace of an Nx repo and the packages in it. Pure over a small file-reading
// interface so it runs on Nx's Tree in generators and on the disk elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseToml, getIn } from '../toml/toml';
import type { TomlTable } from '../toml/toml';
import { parseManifest } from './manifest';
import { resolveCargoLayout } from './workspace';

export interface FileReader {
  /** Text of a file relative to the Nx root, or null when it does not exist. */
  read(path: string): string | null;
  /** Names of the sub-folders of a folder relative to the Nx root ('' is the root). */
  listDirs(path: string): string[];
}

/** A FileReader over the disk, paths relative to root. */
export function diskFileReader(root: string): FileReader {
  return {
    read: (rel) => (fs.existsSync(path.join(root, rel)) && fs.statSync(path.join(root, rel)).isFile() ? fs.readFileSync(path.join(root, rel), 'utf8') : null),
    listDirs: (rel) => {
      try {
        return fs
          .readdirSync(path.join(root, rel), { withFileTypes: true })
          .filter((e) => e.isDirectory())
          .map((e) => e.name);
      } catch {
        return [];
      }
    },
  };
}

export class CargoWorkspaceNotFoundError extends Error {
  constructor(readonly searched: string[], detail: string) {
    super(`${detail}\nSearched: ${searched.join(', ')}\nFix: pass --cargoRoot <folder holding the workspace Cargo.toml>, or add [workspace] to your root Cargo.toml.`);
    this.name = 'CargoWorkspaceNotFoundError';
  }
}

const SKIP = new Set(['node_modules', 'dist', 'target', 'tmp']);

export function joinPath(dir: string, name: string): string {
  return dir === '' || dir === '.' ? name : `${dir.replace(/\/+$/, '')}/${name}`;
}

function hasWorkspace(reader: FileReader, dir: string): boolean {
  const file = joinPath(dir, 'Cargo.toml');
  const text = reader.read(file);
  if (text === null) return false;
  return getIn(parseToml(text, file), ['workspace']) !== undefined;
}

/**
 * The Cargo workspace root ('' for the Nx root, else e.g. 'rust'): `cargoRoot` when given, else the
 * one `Cargo.toml` with [workspace] at the Nx root or one level down. Errors list what was searched.
 */
export function locateCargoWorkspace(reader: FileReader, cargoRoot?: string): string {
  if (cargoRoot !== undefined && cargoRoot !== '') {
    const root = cargoRoot.replace(/^\.\/?/, '').replace(/\/+$/, '');
    const file = joinPath(root, 'Cargo.toml');
    if (reader.read(file) === null) throw new CargoWorkspaceNotFoundError([file], `--cargoRoot ${cargoRoot}: ${file} does not exist.`);
    return root;
  }
  const candidates = ['', ...reader.listDirs('').filter((d) => !d.startsWith('.') && !SKIP.has(d)).sort()];
  const searched = candidates.map((d) => joinPath(d, 'Cargo.toml'));
  const found = candidates.filter((d) => hasWorkspace(reader, d));
  if (found.length === 0) throw new CargoWorkspaceNotFoundError(searched, 'No Cargo workspace (a Cargo.toml with [workspace]) was found at the Nx root or one level down.');
  // A root workspace wins: nested ones are usually excluded members or fixtures.
  if (found.includes('')) return '';
  if (found.length > 1) {
    throw new CargoWorkspaceNotFoundError(searched, `Several Cargo workspaces were found: ${found.map((d) => joinPath(d, 'Cargo.toml')).join(', ')}. Choose one with --cargoRoot.`);
  }
  return found[0];
}

export interface CargoPackage {
  name: string;
  /** Folder of the package relative to the Nx root. */
  root: string;
  manifestPath: string;
  manifest: TomlTable;
}

// Every Cargo.toml below a folder; cargo's own membership rules (workspace.ts) then decide which count.
function manifestFilesUnder(reader: FileReader, dir: string): string[] {
  const here = reader.read(joinPath(dir, 'Cargo.toml')) !== null ? [joinPath(dir, 'Cargo.toml')] : [];
  const below = reader
    .listDirs(dir)
    .filter((d) => !d.startsWith('.') && !SKIP.has(d))
    .sort()
    .flatMap((d) => manifestFilesUnder(reader, joinPath(dir, d)));
  return [...here, ...below];
}

/** The packages of the Cargo workspace at cargoRoot, by cargo's rules (globs, exclude, root package, path deps). */
export function workspacePackages(reader: FileReader, cargoRoot: string): CargoPackage[] {
  const manifests = manifestFilesUnder(reader, cargoRoot).map((f) => parseManifest(reader.read(f)!, f));
  const rootDir = cargoRoot === '' ? '.' : cargoRoot;
  return resolveCargoLayout(manifests)
    .packages.filter((p) => p.cargoRoot === rootDir)
    .map((p) => ({ name: p.manifest.package.name, root: p.root === '.' ? '' : p.root, manifestPath: p.file, manifest: parseToml(reader.read(p.file)!, p.file) }));
}

/** Finds a member by Cargo package name (or, failing that, by folder name). */
export function findCargoPackage(reader: FileReader, cargoRoot: string, project: string): CargoPackage {
  const packages = workspacePackages(reader, cargoRoot);
  const byName = packages.find((p) => p.name === project) ?? packages.find((p) => p.root.split('/').pop() === project);
  if (!byName) {
    throw new Error(`No package named "${project}" in the Cargo workspace ${joinPath(cargoRoot, 'Cargo.toml')}. Packages: ${packages.map((p) => p.name).join(', ') || `(none). Fix: list the crate folders in [workspace] members = ["…"] of ${joinPath(cargoRoot, 'Cargo.toml')}`}.`);
  }
  return byName;
}
