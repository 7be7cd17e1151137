// Thin Tree adapters shared by the generators: reading for core/cargo/locate, writes that happen
// only when text changes (so a second run reports no changes), and a writability check before
// anything is written.
import { accessSync, constants, existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import type { FileReader } from '../../core/cargo/locate';

export function treeReader(tree: Tree): FileReader {
  return {
    read: (path) => (tree.exists(path) && tree.isFile(path) ? tree.read(path, 'utf-8') : null),
    listDirs: (path) => tree.children(path).filter((c) => !tree.isFile(path === '' ? c : `${path}/${c}`)),
  };
}

/** Fails before any write when a file we are about to change is read-only on disk. */
export function assertWritable(tree: Tree, paths: readonly string[]): void {
  for (const p of paths) {
    const abs = join(tree.root, p);
    // Nx writes through links: a linked Cargo.toml would edit a file that may be shared or outside the workspace.
    if (lstatOrUndefined(abs)?.isSymbolicLink()) {
      const target = existsSync(abs) ? realpathSync(abs) : '(a missing file)';
      throw new Error(`${p} is a symbolic link to ${target}; nothing was written. Fix: run the generator in the workspace that owns ${target}, or replace the link with a copy (cp --remove-destination ${target} ${abs}).`);
    }
    if (!existsSync(abs)) continue;
    // Mode bits too: root passes access(W_OK) even for a file the user marked read-only.
    let writable = (statSync(abs).mode & 0o222) !== 0;
    try {
      accessSync(abs, constants.W_OK);
    } catch {
      writable = false;
    }
    if (!writable) {
      throw new Error(`${p} is read-only (${abs}); nothing was written. Fix: chmod u+w ${abs}`);
    }
  }
}

function lstatOrUndefined(path: string): ReturnType<typeof lstatSync> | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Collects file edits so generators validate everything first, then write all or nothing. */
export class PendingWrites {
  private readonly files = new Map<string, string>();
  constructor(private readonly tree: Tree) {}

  read(path: string): string | null {
    if (this.files.has(path)) return this.files.get(path)!;
    return this.tree.exists(path) ? this.tree.read(path, 'utf-8') : null;
  }

  write(path: string, text: string): void {
    this.files.set(path, text);
  }

  /** Writes changed files; returns the paths that really changed. */
  commit(): string[] {
    const changed = [...this.files].filter(([p, t]) => !this.tree.exists(p) || this.tree.read(p, 'utf-8') !== t);
    assertWritable(this.tree, changed.map(([p]) => p));
    for (const [p, t] of changed) this.tree.write(p, t);
    return changed.map(([p]) => p);
  }
}

export function reportKept(kept: readonly string[]): void {
  for (const k of kept) logger.warn(k);
}
