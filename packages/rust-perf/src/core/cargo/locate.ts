// Finds the Cargo roots of an Nx repo (workspaces and lone packages) and the packages in them. Pure over a small file-reading
// interface so it runs on Nx's Tree in generators and on the disk elsewhere.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { posix } from 'node:path';
import { parseToml } from '../toml/toml';
import type { TomlTable } from '../toml/toml';
import { parseManifest } from './manifest';
import { isExcludedBy, isWithin, resolveCargoLayout, type CargoLayout } from './workspace';

export interface FileReader {
  /** Text of a file relative to the Nx root, or null when it does not exist. */
  read(path: string): string | null;
  /** Names of the sub-folders of a folder relative to the Nx root ('' is the root). */
  listDirs(path: string): string[];
  /**
   * Every Cargo.toml of the repository the user has not ignored (.gitignore, .nxignore), relative to
   * the Nx root. Without it the folders are walked, skipping hidden ones and SKIP.
   */
  manifests?(): string[];
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

/** No Cargo root where init or a generator looked; the message says what was looked for and how to fix it. */
export class CargoWorkspaceNotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CargoWorkspaceNotFoundError';
  }
}

// Never sources of a Cargo root: cargo's build output and npm's packages (their Cargo.toml files are
// crates' copies, not the user's).
const SKIP = new Set(['node_modules', 'target']);

export function joinPath(dir: string, name: string): string {
  return dir === '' || dir === '.' ? name : `${dir.replace(/\/+$/, '')}/${name}`;
}

const normalizeDir = (dir: string) => dir.replace(/\\/g, '/').replace(/^\.\/?/, '').replace(/\/+$/, '');
const layoutDir = (dir: string) => (dir === '' ? '.' : dir);
const nxDir = (dir: string) => (dir === '.' ? '' : dir);

/** Every Cargo.toml the search may use: the reader's not-ignored list, never one under target/ or node_modules/. */
export function cargoManifestFiles(reader: FileReader): string[] {
  const files = reader.manifests ? reader.manifests() : walkManifests(reader, '');
  return files.filter((f) => f === 'Cargo.toml' || f.endsWith('/Cargo.toml')).filter((f) => !f.split('/').some((c) => SKIP.has(c))).sort();
}

function walkManifests(reader: FileReader, dir: string): string[] {
  const here = reader.read(joinPath(dir, 'Cargo.toml')) !== null ? [joinPath(dir, 'Cargo.toml')] : [];
  const below = reader
    .listDirs(dir)
    .filter((d) => !d.startsWith('.') && !SKIP.has(d))
    .sort()
    .flatMap((d) => walkManifests(reader, joinPath(dir, d)));
  return [...here, ...below];
}

/** A folder cargo builds from: its Cargo.toml is the one whose profiles and .cargo/config.toml apply. */
export interface CargoRoot {
  /** Folder of the root manifest relative to the Nx root ('' is the Nx root). */
  dir: string;
  manifestPath: string;
  /** workspace: the manifest has [workspace] (with or without a root package); package: a package no workspace claims. */
  kind: 'workspace' | 'package';
  /** Names of the packages built from this root, sorted by folder. */
  packages: string[];
}

/** A manifest that would be a root but is left out by default, and why. */
export interface SkippedRoot {
  manifestPath: string;
  reason: string;
}

export interface CargoRootSearch {
  roots: CargoRoot[];
  skipped: SkippedRoot[];
  /** Every manifest the search read. */
  manifests: string[];
  /** What cargo's membership rules make of them (workspace.ts). */
  layout: CargoLayout;
}

/**
 * The Cargo roots of a repository, found as cargo finds a package's workspace: every manifest with
 * [workspace] is a root, and so is a package no workspace above it claims (workspace.ts applies
 * cargo's membership rules). Members are never roots. A lone package under a workspace that neither
 * lists nor excludes it is one cargo refuses to build; one under an `exclude` entry is a fixture
 * or scratch crate the user took out: both are reported, not tuned.
 */
export function findCargoRoots(reader: FileReader, extraManifests: readonly string[] = []): CargoRootSearch {
  const files = [...new Set([...cargoManifestFiles(reader), ...extraManifests])].sort();
  const manifests = files.map((f) => parseManifest(reader.read(f)!, f));
  const layout = resolveCargoLayout(manifests);
  const roots: CargoRoot[] = [];
  const skipped: SkippedRoot[] = [];
  const packagesOf = (dir: string) => layout.packages.filter((p) => p.cargoRoot === dir).map((p) => p.manifest.package.name);
  const enclosing = (dir: string) => layout.workspaces.filter((w) => w.root !== dir && isWithin(dir, w.root)).sort((a, b) => b.root.length - a.root.length);
  const candidates = [
    ...layout.workspaces.map((w) => ({ dir: w.root, file: w.file, kind: 'workspace' as const })),
    ...layout.packages.filter((p) => p.cargoRoot === p.root && !p.manifest.workspace).map((p) => ({ dir: p.root, file: p.file, kind: 'package' as const })),
  ].sort((a, b) => a.dir.localeCompare(b.dir));
  for (const c of candidates) {
    const above = enclosing(c.dir);
    const excluder = above.find((w) => isExcludedBy(w.manifest, w.root, c.dir));
    // cargo walks up past workspaces that exclude the package; the first one that does not is its workspace.
    const claimer = above.find((w) => !isExcludedBy(w.manifest, w.root, c.dir));
    if (c.kind === 'package' && claimer) {
      const rel = posix.relative(claimer.root, c.dir);
      skipped.push({ manifestPath: c.file, reason: `cargo refuses to build it: ${claimer.file} above it is a workspace that neither lists it in members nor excludes it (fix: add "${rel}" to members or to exclude in ${claimer.file})` });
    } else if (excluder) {
      skipped.push({ manifestPath: c.file, reason: `excluded by [workspace] exclude of ${excluder.file} (pass --cargoRoot ${c.dir} to tune it on its own)` });
    } else {
      roots.push({ dir: nxDir(c.dir), manifestPath: c.file, kind: c.kind, packages: packagesOf(c.dir) });
    }
  }
  return { roots, skipped, manifests: files, layout };
}

/**
 * The roots init and the generators work on: each `--cargoRoot` given (it must hold a root
 * manifest, not a member's), else every root findCargoRoots finds.
 */
export function selectCargoRoots(reader: FileReader, requested: readonly string[] = []): CargoRootSearch {
  const wanted = requested.map(normalizeDir).filter((d, i, all) => all.indexOf(d) === i);
  const files = wanted.map((d) => joinPath(d, 'Cargo.toml'));
  for (const [i, file] of files.entries()) {
    if (reader.read(file) === null) throw new CargoWorkspaceNotFoundError(`--cargoRoot ${requested[i]}: ${file} does not exist.`);
  }
  // An explicitly named folder counts even when .gitignore/.nxignore hides it from the search.
  const search = findCargoRoots(reader, files);
  if (wanted.length > 0) {
    const { layout } = search;
    const roots = wanted.map((dir, i): CargoRoot => {
      const found = search.roots.find((r) => r.dir === dir);
      if (found) return found;
      const member = layout.packages.find((p) => p.root === layoutDir(dir) && p.cargoRoot !== p.root);
      if (member) {
        throw new CargoWorkspaceNotFoundError(`--cargoRoot ${requested[i]}: ${files[i]} is a member of the Cargo workspace ${joinPath(nxDir(member.cargoRoot), 'Cargo.toml')}, and cargo reads profiles only from the workspace root. Fix: --cargoRoot ${member.cargoRoot}`);
      }
      const manifest = parseManifest(reader.read(files[i])!, files[i]);
      return { dir, manifestPath: files[i], kind: manifest.workspace ? 'workspace' : 'package', packages: layout.packages.filter((p) => p.cargoRoot === layoutDir(dir)).map((p) => p.manifest.package.name) };
    });
    return { ...search, roots, skipped: [] };
  }
  // A skipped manifest always has a workspace above it, and the outermost one is a root.
  if (search.roots.length > 0) return search;
  throw new CargoWorkspaceNotFoundError(
    'No Cargo manifest found: looked for Cargo.toml in every folder of this Nx workspace that .gitignore and .nxignore do not ignore (target/ and node_modules/ skipped). Fix: create a package with `cargo new <name>`, or pass --cargoRoot <folder> for one that is ignored.',
  );
}

/**
 * The one Cargo root a single-root command works on ('' for the Nx root, else e.g. 'rust'):
 * `cargoRoot` when given, else the only root found. Several roots: the error names them.
 */
export function locateCargoWorkspace(reader: FileReader, cargoRoot?: string): string {
  const { roots } = selectCargoRoots(reader, cargoRoot === undefined || cargoRoot === '' ? [] : [cargoRoot]);
  if (roots.length > 1) throw new CargoWorkspaceNotFoundError(`Several Cargo roots were found: ${roots.map((r) => r.manifestPath).join(', ')}. Choose one with --cargoRoot.`);
  return roots[0].dir;
}

export interface CargoPackage {
  name: string;
  /** Folder of the package relative to the Nx root. */
  root: string;
  manifestPath: string;
  manifest: TomlTable;
}

/** The packages of the Cargo workspace at cargoRoot, by cargo's rules (globs, exclude, root package, path deps). */
export function workspacePackages(reader: FileReader, cargoRoot: string): CargoPackage[] {
  // Every Cargo.toml below the root; cargo's own membership rules (workspace.ts) then decide which count.
  const manifests = walkManifests(reader, cargoRoot).map((f) => parseManifest(reader.read(f)!, f));
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
