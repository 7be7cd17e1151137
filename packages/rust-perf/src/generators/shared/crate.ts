import type { Tree } from '@nx/devkit';
import { findCargoPackage, joinPath, selectCargoRoots } from '../../core/cargo/locate';
import type { CargoPackage } from '../../core/cargo/locate';
import { getIn, parseToml } from '../../core/toml/toml';
import type { TomlTable } from '../../core/toml/toml';
import { treeReader } from './tree';

export interface ResolvedCrate {
  cargoRoot: string;
  workspaceManifestPath: string;
  pkg: CargoPackage;
}

/**
 * `--project` is the Cargo package name (the Nx project name rust-perf infers) or its folder, looked
 * up in `--cargoRoot` when given, else in every Cargo root of the repository.
 */
export function resolveCrate(tree: Tree, project: string, cargoRoot?: string): ResolvedCrate {
  const reader = treeReader(tree);
  const { roots } = selectCargoRoots(reader, cargoRoot === undefined || cargoRoot === '' ? [] : [cargoRoot]);
  const holding = roots.length === 1 ? roots : roots.filter((r) => r.packages.includes(project) || r.packages.length > 0 && safeFind(reader, r.dir, project));
  if (holding.length > 1) throw new Error(`A package "${project}" is in several Cargo roots: ${holding.map((r) => r.manifestPath).join(', ')}. Choose one with --cargoRoot.`);
  const root = (holding[0] ?? roots[0]).dir;
  if (holding.length === 0 && roots.length > 1) {
    throw new Error(`No package named "${project}" in the Cargo roots ${roots.map((r) => r.manifestPath).join(', ')}. Packages: ${roots.flatMap((r) => r.packages).join(', ')}.`);
  }
  return { cargoRoot: root, workspaceManifestPath: joinPath(root, 'Cargo.toml'), pkg: findCargoPackage(reader, root, project) };
}

function safeFind(reader: ReturnType<typeof treeReader>, root: string, project: string): boolean {
  try {
    findCargoPackage(reader, root, project);
    return true;
  } catch {
    return false;
  }
}

export function workspaceDependencies(text: string, file: string): TomlTable {
  return (getIn(parseToml(text, file), ['workspace', 'dependencies']) as TomlTable | undefined) ?? {};
}

/** Relative path from one folder to another, both relative to the Nx root. */
export function relativeDir(from: string, to: string): string {
  const a = from.split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return [...a.slice(i).map(() => '..'), ...b.slice(i)].join('/') || '.';
}
