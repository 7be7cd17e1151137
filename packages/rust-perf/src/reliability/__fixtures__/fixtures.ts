// Helpers for the reliability catalogue tests: hashes of every user file, a generator Tree backed by
// a real folder (flushed like Nx does, only when the generator succeeds), and captured logs.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing';
import type { Tree } from '@nx/devkit';

/** sha256 of every file under `root` (symlinks by their target text), skipping `skip` folders. */
export function hashTree(root: string, skip: readonly string[] = ['target']): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      const rel = path.relative(root, abs);
      if (skip.includes(rel)) continue;
      if (e.isSymbolicLink()) out[rel] = `link:${fs.readlinkSync(abs)}`;
      else if (e.isDirectory()) walk(abs);
      else out[rel] = createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
    }
  };
  walk(root);
  return out;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
}

/** A Tree holding the folder's files with `root` pointing at it (so on-disk checks see the real files). */
export function diskTree(root: string): Tree {
  const tree = createTreeWithEmptyWorkspace();
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) walk(abs);
      else tree.write(path.relative(root, abs), fs.readFileSync(abs));
    }
  };
  walk(root);
  Object.defineProperty(tree, 'root', { value: root });
  return tree;
}

/** Runs a generator as `nx g` does: changes reach the disk only when it succeeds (Nx's flush uses writeFileSync). */
export async function runGenerator(tree: Tree, gen: () => Promise<unknown>): Promise<Error | undefined> {
  try {
    await gen();
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
  for (const c of tree.listChanges()) {
    const abs = path.join(tree.root, c.path);
    if (c.type === 'DELETE' || (fs.existsSync(abs) && fs.readFileSync(abs).equals(c.content ?? Buffer.alloc(0)))) continue;
    fs.mkdirSync(path.dirname(path.join(tree.root, c.path)), { recursive: true });
    fs.writeFileSync(path.join(tree.root, c.path), c.content ?? '');
  }
  return undefined;
}

/** Captures console.log/error (executors log through Nx's logger, which writes to the console). */
export function captureConsole(): { text(): string } {
  const lines: string[] = [];
  jest.spyOn(console, 'log').mockImplementation((...m: unknown[]) => void lines.push(m.map(String).join(' ')));
  jest.spyOn(console, 'error').mockImplementation((...m: unknown[]) => void lines.push(m.map(String).join(' ')));
  jest.spyOn(console, 'warn').mockImplementation((...m: unknown[]) => void lines.push(m.map(String).join(' ')));
  jest.spyOn(console, 'info').mockImplementation((...m: unknown[]) => void lines.push(m.map(String).join(' ')));
  return { text: () => lines.join('\n') };
}
