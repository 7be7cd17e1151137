// The per-bench opt-out: `[package.metadata.rust-perf] skip-benches = ["name", …]` in a package's
// Cargo.toml. A bench named there gets no `bench--<name>` target, is not in `bench`/`bench-ci` and is
// not part of pgo-profile's default (bench) workload; cargo itself still builds and runs it.
import * as fs from 'node:fs';
import { getIn, locateKey } from '../toml/toml';
import type { TomlTable, TomlValue } from '../toml/toml';

export const SKIP_BENCHES_KEY = 'skip-benches';
export const SKIP_BENCHES_PATH = ['package', 'metadata', 'rust-perf', SKIP_BENCHES_KEY] as const;

export class SkipBenchesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SkipBenchesError';
  }
}

/** Line and column (1-based) of the string `item` in the array at `path`, else of the key itself. */
export function locateArrayItem(text: string, file: string, path: readonly string[], item: string): { line: number; column: number } {
  const key = locateKey(text, file, path);
  const lines = text.split('\n');
  let offset = lines.slice(0, key.line - 1).reduce((n, l) => n + l.length + 1, 0) + key.column - 1;
  for (const quoted of [JSON.stringify(item), `'${item}'`]) {
    const at = text.indexOf(quoted, offset);
    if (at < 0) continue;
    offset = at;
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before[before.length - 1].length + 1 };
  }
  return key;
}

const shape = `${SKIP_BENCHES_KEY} must be an array of bench target names, e.g. ${SKIP_BENCHES_KEY} = ["simd"]`;

/**
 * The names as written, checked: an array of non-empty strings. `at` locates the key (or an item)
 * for the message; `where` is the file.
 */
export function readSkipBenches(value: TomlValue | unknown, where: string, at: (item?: string) => { line: number; column: number }): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v.trim() === '')) {
    const bad = Array.isArray(value) ? value.find((v) => typeof v !== 'string' || v.trim() === '') : undefined;
    const pos = at(typeof bad === 'string' ? bad : undefined);
    throw new SkipBenchesError(`${where}:${pos.line}:${pos.column}: [package.metadata.rust-perf] ${shape}; got ${JSON.stringify(bad ?? value)}`);
  }
  return [...new Set(value as string[])];
}

/** skip-benches of a TOML manifest's parsed document (inference), each name with where it is written. */
export function skipBenchesFromManifest(doc: TomlValue, text: string, file: string): Array<{ name: string; line: number; column: number }> {
  const value = getIn(doc as TomlTable, [...SKIP_BENCHES_PATH]);
  const locate = (item?: string) => (item === undefined ? locateKey(text, file, [...SKIP_BENCHES_PATH]) : locateArrayItem(text, file, [...SKIP_BENCHES_PATH], item));
  return readSkipBenches(value, file, locate).map((name) => ({ name, ...locate(name) }));
}

/** @public: plugins/cargo-model.ts loads this module lazily (a require knip cannot follow). */
export function unknownSkipMessage(file: string, pos: { line: number; column: number }, name: string, benchNames: readonly string[]): string {
  return `${file}:${pos.line}:${pos.column}: [package.metadata.rust-perf] ${SKIP_BENCHES_KEY} names "${name}", which is not a bench target of this package (benches: ${benchNames.join(', ') || 'none'}); fix the name or remove it.`;
}

/**
 * skip-benches from `cargo metadata`'s `metadata` of a package (the executors). The manifest is read
 * again only to place an error at its line and column.
 */
export function skipBenchesOf(metadata: unknown, manifestPath: string): string[] {
  const value = (metadata as { 'rust-perf'?: Record<string, unknown> } | null | undefined)?.['rust-perf']?.[SKIP_BENCHES_KEY];
  return readSkipBenches(value, manifestPath, (item) => {
    try {
      const text = fs.readFileSync(manifestPath, 'utf8');
      return item === undefined ? locateKey(text, manifestPath, [...SKIP_BENCHES_PATH]) : locateArrayItem(text, manifestPath, [...SKIP_BENCHES_PATH], item);
    } catch {
      return { line: 1, column: 1 };
    }
  });
}
