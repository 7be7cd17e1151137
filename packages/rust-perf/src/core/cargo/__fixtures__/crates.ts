// Test helpers: a Cargo manifest and a tree of library crates on disk, for asking real cargo.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const pkg = (name: string, extra = '') => `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n${extra}`;

/** Writes each manifest under dir with an empty src/lib.rs beside it, so cargo can load every package. */
export function writeCrates(dir: string, files: Record<string, string>): void {
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(join(dir, dirname(file), 'src'), { recursive: true });
    writeFileSync(join(dir, file), text);
    writeFileSync(join(dir, dirname(file), 'src', 'lib.rs'), '');
  }
}
