// Finds the Cargo workspace of an Nx repo and the packages in it. Pure over a small file-reading
// interface so it runs on Nx's Tree in generators and on the disk elsewhere.
import { parseToml, getIn } from '../toml/toml';
import type { TomlTable } from '../toml/toml';

export interface FileReader {
  /** Text of a file relative to the Nx root, or null when it does not exist. */
  read(path: string): string | null;
  /** Names of the sub-folders of a folder relative to the Nx root ('' is the root). */
  listDirs(path: string): string[];
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

/** Expands `members` (plain paths and trailing `*` globs), minus `exclude`. */
export function workspaceMembers(reader: FileReader, cargoRoot: string): string[] {
  const file = joinPath(cargoRoot, 'Cargo.toml');
  const text = reader.read(file);
  if (text === null) return [];
  const doc = parseToml(text, file);
  const members = (getIn(doc, ['workspace', 'members']) as string[] | undefined) ?? [];
  const exclude = new Set(((getIn(doc, ['workspace', 'exclude']) as string[] | undefined) ?? []).map((e) => joinPath(cargoRoot, e)));
  const out: string[] = [];
  if (getIn(doc, ['package', 'name']) !== undefined) out.push(cargoRoot);
  for (const m of members) {
    const clean = m.replace(/\/+$/, '');
    if (clean.endsWith('/*') || clean === '*') {
      const parent = joinPath(cargoRoot, clean.slice(0, -2));
      for (const d of reader.listDirs(clean === '*' ? cargoRoot : parent).sort()) {
        const dir = joinPath(clean === '*' ? cargoRoot : parent, d);
        if (reader.read(joinPath(dir, 'Cargo.toml')) !== null) out.push(dir);
      }
    } else {
      out.push(joinPath(cargoRoot, clean));
    }
  }
  return [...new Set(out)].filter((d) => !exclude.has(d));
}

/** Finds a member by Cargo package name (or, failing that, by folder name). */
export function findCargoPackage(reader: FileReader, cargoRoot: string, project: string): CargoPackage {
  const members = workspaceMembers(reader, cargoRoot);
  const packages: CargoPackage[] = [];
  for (const root of members) {
    const manifestPath = joinPath(root, 'Cargo.toml');
    const text = reader.read(manifestPath);
    if (text === null) continue;
    const manifest = parseToml(text, manifestPath);
    const name = getIn(manifest, ['package', 'name']);
    if (typeof name === 'string') packages.push({ name, root, manifestPath, manifest });
  }
  const byName = packages.find((p) => p.name === project) ?? packages.find((p) => p.root.split('/').pop() === project);
  if (!byName) {
    throw new Error(`No package named "${project}" in the Cargo workspace ${joinPath(cargoRoot, 'Cargo.toml')}. Packages: ${packages.map((p) => p.name).join(', ') || '(none)'}.`);
  }
  return byName;
}
