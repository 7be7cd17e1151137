// `rust-perf lock-hash <cargoRoot>`: Cargo.lock's content for the cache key. Nx hashes only files git
// tracks; a git-ignored lockfile (common for libraries) would otherwise key no build at all.
// Loads node builtins only: it runs once per Cargo root on every Nx run that hashes a Cargo target.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One line: `Cargo.lock sha256:<hex>`, or `no Cargo.lock` (cargo resolves afresh; nothing to key on). */
export function lockHashLine(text: string | undefined): string {
  return text === undefined ? 'no Cargo.lock' : `Cargo.lock sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export function lockHash(cargoRoot: string, cwd = process.cwd()): string {
  let text: string | undefined;
  try {
    text = readFileSync(join(cwd, cargoRoot, 'Cargo.lock'), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  return lockHashLine(text);
}
