// Test helpers: an in-memory Nx workspace holding a Cargo workspace, and a way to put the Tree's
// files on disk so real cargo can judge the result.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { Tree } from '@nx/devkit';

export const EXAMPLE_RUST = join(__dirname, '../../../../../examples/trading-desk/rust');

export function treeWith(files: Record<string, string>): Tree {
  const tree = createTreeWithEmptyWorkspace();
  for (const [p, t] of Object.entries(files)) tree.write(p, t);
  return tree;
}

/** The example Cargo workspace copied under rust/ (sources and manifests, no target/). */
export function treeWithExample(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  const walk = (dir: string) => {
    for (const e of readdirSync(dir)) {
      if (e === 'target') continue;
      const abs = join(dir, e);
      if (statSync(abs).isDirectory()) walk(abs);
      else tree.write(`rust/${relative(EXAMPLE_RUST, abs)}`, readFileSync(abs));
    }
  };
  walk(EXAMPLE_RUST);
  return tree;
}

/** Writes every file of the Tree under `prefix` to `dir`. */
export function materialize(tree: Tree, prefix: string, dir: string): void {
  const walk = (p: string) => {
    for (const c of tree.children(p)) {
      const path = `${p}/${c}`;
      if (tree.isFile(path)) {
        mkdirSync(dirname(join(dir, relative(prefix, path))), { recursive: true });
        writeFileSync(join(dir, relative(prefix, path)), tree.read(path)!);
      } else walk(path);
    }
  };
  walk(prefix);
}

export function snapshotFiles(tree: Tree, paths: readonly string[]): Record<string, string | null> {
  return Object.fromEntries(paths.map((p) => [p, tree.exists(p) ? tree.read(p, 'utf-8') : null]));
}
