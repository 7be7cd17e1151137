// Thin Tree adapters shared by the generators: reading for core/cargo/locate, writes that happen
// only when text changes (so a second run reports no changes), and a writability check before
// anything is written. TOML files are read as strict UTF-8 and written in their own line ending.
import { accessSync, constants, existsSync, lstatSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { logger, visitNotIgnoredFiles } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import type { FileReader } from '../../core/cargo/locate';
import { decodeToml, lineEndingOf, withLineEnding } from '../../core/toml/toml';
import type { LineEnding } from '../../core/toml/toml';

/** A file's text; a .toml file must be UTF-8 (bad bytes are a file:line error, never silently replaced). */
function readText(tree: Tree, path: string): string {
  return path.endsWith('.toml') ? decodeToml(tree.read(path)!, path) : tree.read(path, 'utf-8')!;
}

export function treeReader(tree: Tree): FileReader {
  return {
    read: (path) => (tree.exists(path) && tree.isFile(path) ? readText(tree, path) : null),
    listDirs: (path) => tree.children(path).filter((c) => !tree.isFile(path === '' ? c : `${path}/${c}`)),
    // Nx's own walk: .gitignore and .nxignore apply as they do to inference's **/Cargo.toml glob.
    manifests: () => {
      const found: string[] = [];
      try {
        visitNotIgnoredFiles(tree, '', (file) => {
          if (file === 'Cargo.toml' || file.endsWith('/Cargo.toml')) found.push(file);
        });
      } catch (e) {
        if (!isOlderNxThanDevkit(e)) throw e;
        // An Nx 22 workspace without @nx/devkit of its own gets devkit 24 from npm, whose walk needs
        // Nx 23's ignore checkers: fall back to locate's walk (hidden folders, target/, node_modules/ skipped).
        logger.warn(`rust-perf: this workspace's nx is older than the @nx/devkit rust-perf loaded, so the Cargo root search cannot apply .gitignore/.nxignore (it still skips hidden folders, target/ and node_modules/). Fix: npm install -D @nx/devkit@<your nx version> (e.g. @nx/devkit@22).`);
        return undefined;
      }
      return found;
    },
  };
}

/** @nx/devkit's own refusal to walk a tree under an nx that predates its ignore checkers. */
export function isOlderNxThanDevkit(e: unknown): boolean {
  return e instanceof Error && e.message.includes('does not export the ignore checkers');
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
    return this.tree.exists(path) ? readText(this.tree, path) : null;
  }

  write(path: string, text: string): void {
    this.files.set(path, text);
  }

  /** Writes changed files; returns the paths that really changed. */
  commit(): string[] {
    const final = [...this.files].map(([p, t]) => [p, this.inOwnLineEnding(p, t)] as const);
    const changed = final.filter(([p, t]) => !this.tree.exists(p) || this.tree.read(p, 'utf-8') !== t);
    assertWritable(this.tree, changed.map(([p]) => p));
    for (const [p, t] of changed) this.tree.write(p, t);
    return changed.map(([p]) => p);
  }

  /**
   * A file keeps its line ending (TOML shapes): lines we add to an all-CRLF file become CRLF. A new
   * TOML file (e.g. .cargo/config.toml) takes the line ending of the nearest Cargo.toml above it,
   * so a Windows checkout does not get LF files beside its CRLF manifest.
   */
  private inOwnLineEnding(path: string, text: string): string {
    const old = this.tree.exists(path) ? this.tree.read(path, 'utf-8')! : null;
    if (old !== null) return allCrlf(old) ? withLineEnding(text, '\r\n') : text;
    if (!path.endsWith('.toml')) return text;
    return withLineEnding(text, this.manifestLineEnding(path));
  }

  private manifestLineEnding(path: string): LineEnding {
    for (let dir = dirname(path); ; dir = dirname(dir)) {
      const manifest = dir === '.' ? 'Cargo.toml' : posix.join(dir, 'Cargo.toml');
      const text = manifest !== path ? this.read(manifest) : null;
      if (text !== null) return lineEndingOf(text);
      if (dir === '.' || dir === '/' || dir === '') return '\n';
    }
  }
}

/** CRLF everywhere: then any lone LF in the new text is one we added. A mixed file is left as the TOML edits made it. */
function allCrlf(text: string): boolean {
  return text.includes('\r\n') && !/(^|[^\r])\n/.test(text);
}

export function reportKept(kept: readonly string[]): void {
  for (const k of kept) logger.warn(k);
}
