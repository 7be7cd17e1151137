import type { Tree } from '@nx/devkit';
import { findCargoPackage, joinPath, locateCargoWorkspace } from '../../core/cargo/locate';
import type { CargoPackage } from '../../core/cargo/locate';
import { getIn, parseToml } from '../../core/toml/toml';
import type { TomlTable } from '../../core/toml/toml';
import { treeReader } from './tree';

export interface ResolvedCrate {
  cargoRoot: string;
  workspaceManifestPath: string;
  pkg: CargoPackage;
}

/** `--project` is the Cargo package name (the Nx project name rust-perf infers) or its folder. */
export function resolveCrate(tree: Tree, project: string, cargoRoot?: string): ResolvedCrate {
  const reader = treeReader(tree);
  const root = locateCargoWorkspace(reader, cargoRoot);
  return { cargoRoot: root, workspaceManifestPath: joinPath(root, 'Cargo.toml'), pkg: findCargoPackage(reader, root, project) };
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
