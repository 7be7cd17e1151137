// Which Nx project, Cargo package and Cargo workspace an executor run is about, written once for
// every executor: the project is the Nx project running the target (else the package option, else a
// fallback name), the package defaults to the project, and cargoRoot is relative to the Nx root.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';

export interface ProjectOptions {
  package?: string;
  cargoRoot?: string;
}

export interface ResolvedProject {
  /** The Nx project (names the output folder). */
  project: string;
  /** The Cargo package name. */
  pkg: string;
  /** Absolute folder of the Cargo workspace's root Cargo.toml. */
  cargoRoot: string;
}

export function resolveProject(options: ProjectOptions, context: ExecutorContext, fallback = ''): ResolvedProject {
  const project = context.projectName ?? options.package ?? fallback;
  const pkg = options.package ?? project;
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  return { project, pkg, cargoRoot };
}

/** As resolveProject, failing with the fix when no package is named or cargoRoot holds no Cargo.toml. */
export function resolveCargoProject(options: ProjectOptions, context: ExecutorContext, fallback = ''): ResolvedProject {
  const resolved = resolveProject(options, context, fallback);
  if (!resolved.pkg) throw new Error('the `package` option is required (the Cargo package name)');
  const manifest = path.join(resolved.cargoRoot, 'Cargo.toml');
  if (!fs.existsSync(manifest)) throw new Error(`${manifest} does not exist: set \`cargoRoot\` to the folder of the Cargo workspace's root Cargo.toml (relative to ${context.root})`);
  return resolved;
}
