// Which benches to run and the exact cargo/criterion argv for each.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getIn, parseToml } from '../toml/toml';

export interface BenchTarget {
  name: string;
  /** false for criterion (`harness = false`); true means libtest's #[bench] harness. */
  harness: boolean;
}

/** cargo metadata's view of one package (the fields we use). */
export interface MetadataPackage {
  name: string;
  manifest_path: string;
  targets: { name: string; kind: string[]; src_path?: string }[];
  dependencies: { name: string; kind: string | null }[];
  /** `[package.metadata]` as JSON (null when absent) */
  metadata?: Record<string, unknown> | null;
}

/**
 * Bench targets of a package: names from cargo metadata (it also sees auto-discovered
 * `benches/*.rs`), `harness` from the manifest's `[[bench]]` tables because cargo metadata omits it.
 * Cargo's default harness is libtest (true).
 */
export function benchTargets(pkg: MetadataPackage, manifestText: string): BenchTarget[] {
  const manifest = parseToml(manifestText, pkg.manifest_path);
  const declared = (getIn(manifest, ['bench']) as { name?: string; harness?: boolean }[] | undefined) ?? [];
  return pkg.targets
    .filter((t) => t.kind.includes('bench'))
    .map((t) => ({ name: t.name, harness: declared.find((d) => d.name === t.name)?.harness ?? true }));
}

export class BenchSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BenchSelectionError';
  }
}

export interface BenchSelection {
  run: string[];
  /** Messages about libtest benches that were left out. */
  skipped: string[];
}

const LIBTEST_HELP =
  'rust-perf reads criterion\'s results, so only criterion benches are supported: add criterion to [dev-dependencies] and declare the bench with `[[bench]] name = "<name>" harness = false`. libtest #[bench] benches (nightly) still run with plain `cargo bench`.';

/** Picks the benches to run: the requested ones (each must exist and use criterion) or every criterion bench. */
export function selectBenches(pkg: MetadataPackage, targets: readonly BenchTarget[], requested: readonly string[] | undefined): BenchSelection {
  const manifest = pkg.manifest_path;
  if (requested && requested.length > 0) {
    for (const name of requested) {
      const t = targets.find((x) => x.name === name);
      if (!t) {
        const known = targets.map((x) => x.name).join(', ') || 'none';
        throw new BenchSelectionError(`${manifest}: package \`${pkg.name}\` has no bench target \`${name}\` (bench targets: ${known}).`);
      }
      if (t.harness) throw new BenchSelectionError(`${manifest}: bench \`${name}\` uses the libtest harness (harness = true). ${LIBTEST_HELP}`);
    }
    return { run: [...requested], skipped: [] };
  }
  const run = targets.filter((t) => !t.harness).map((t) => t.name);
  const skipped = targets.filter((t) => t.harness).map((t) => `${manifest}: skipping bench \`${t.name}\`: it uses the libtest harness. ${LIBTEST_HELP}`);
  if (run.length === 0) {
    const why = targets.length === 0 ? 'has no bench targets' : `has only libtest benches (${targets.map((t) => t.name).join(', ')})`;
    throw new BenchSelectionError(`${manifest}: package \`${pkg.name}\` ${why}. ${LIBTEST_HELP}`);
  }
  return { run, skipped };
}

export function dependsOnCriterion(pkg: MetadataPackage): boolean {
  return pkg.dependencies.some((d) => d.name === 'criterion');
}

export interface CriterionArgsOptions {
  saveBaseline?: string;
  /** A criterion baseline name (not a summary.json). */
  baseline?: string;
  warmUpTime?: number;
  measurementTime?: number;
  sampleSize?: number;
  /** criterion's positional filter (a regular expression over benchmark ids) */
  filter?: string;
  /** criterion's --noplot: its HTML plots are not what rust-perf reports, and drawing them took 97 % of a short benchmark's time on a loaded 2-core VM. */
  noplot?: boolean;
}

/** Arguments for the criterion bench binary (after `--`). */
export function criterionArgs(o: CriterionArgsOptions): string[] {
  const args: string[] = [];
  if (o.saveBaseline) args.push('--save-baseline', o.saveBaseline);
  if (o.baseline) args.push('--baseline', o.baseline);
  if (o.warmUpTime !== undefined) args.push('--warm-up-time', String(o.warmUpTime));
  if (o.measurementTime !== undefined) args.push('--measurement-time', String(o.measurementTime));
  if (o.sampleSize !== undefined) args.push('--sample-size', String(o.sampleSize));
  if (o.noplot) args.push('--noplot');
  if (o.filter) args.push(o.filter);
  return args;
}

/**
 * `cargo bench -p <pkg> --bench <name> -- <criterion args>`: one bench per invocation because
 * `cargo bench -- --save-baseline x` also hands the flag to the lib's libtest harness, which rejects it.
 */
export function cargoBenchArgs(pkg: string, bench: string, criterion: readonly string[]): string[] {
  return ['bench', '-p', pkg, '--bench', bench, '--', ...criterion];
}

export type BaselineRef = { kind: 'summary'; file: string } | { kind: 'criterion'; name: string };

/** `--baseline` is a path to a summary.json (a `.json` suffix or an existing file) or a criterion baseline name. */
export function resolveBaseline(value: string, workspaceRoot: string): BaselineRef {
  const file = path.resolve(workspaceRoot, value);
  if (value.endsWith('.json') || value.includes('/') || fs.statSync(file, { throwIfNoEntry: false })?.isFile()) return { kind: 'summary', file };
  return { kind: 'criterion', name: value };
}
