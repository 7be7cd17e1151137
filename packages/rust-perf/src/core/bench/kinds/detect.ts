// Which kind of bench each bench target is, from its manifest entry and its root source file.
// Pure: callers pass the manifest's text and a reader for the source (the executor reads the disk,
// inference reads it once per cache miss).
import { getIn, parseToml } from '../../toml/toml';

/**
 * criterion: `criterion_main!`/`criterion_group!`; divan: calls `divan::main()`;
 * libtest: the default harness (`#[bench]` needs a nightly toolchain);
 * latency: any other `harness = false` program with its own `main` (it prints, or writes, its own numbers).
 */
export type BenchKind = 'criterion' | 'divan' | 'libtest' | 'latency';

export interface BenchInfo {
  name: string;
  kind: BenchKind;
  /** `harness` from the `[[bench]]` table; cargo's default (and auto-discovered benches') is true. */
  harness: boolean;
  /** `required-features` of the `[[bench]]` table: cargo skips (or refuses) the bench without them. */
  requiredFeatures: string[];
  /** libtest benches: whether the source has a `#[bench]` function at all. */
  hasBenchFunctions?: boolean;
}

// Comments are removed first: divan's and criterion's own docs show these calls in `///` comments.
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, '');
}

export function detectBenchKind(harness: boolean, source: string | undefined): { kind: BenchKind; hasBenchFunctions?: boolean } {
  const code = withoutComments(source ?? '');
  if (harness) return { kind: 'libtest', hasBenchFunctions: /#\[\s*bench\s*\]/.test(code) };
  if (/\bcriterion_main\s*!|\bcriterion_group\s*!/.test(code)) return { kind: 'criterion' };
  if (/\bdivan\s*::\s*main\s*\(|\bDivan\s*::\s*from_args\s*\(/.test(code)) return { kind: 'divan' };
  return { kind: 'latency' };
}

interface BenchDecl {
  name?: string;
  path?: string;
  harness?: boolean;
  'required-features'?: string[];
}

/** The `[[bench]]` tables of a manifest, by name (auto-discovered benches have none). */
export function benchDeclarations(manifestText: string, file: string): Map<string, BenchDecl> {
  const manifest = parseToml(manifestText, file);
  const declared = (getIn(manifest, ['bench']) as BenchDecl[] | undefined) ?? [];
  return new Map(declared.filter((d) => typeof d.name === 'string').map((d) => [d.name as string, d]));
}

/**
 * Every bench target of a package with its kind. `targets` are cargo's bench targets (cargo metadata's,
 * or inference's: name and root file), so auto-discovered `benches/*.rs` are included as cargo sees them.
 */
export function benchInfos(
  targets: readonly { name: string; srcPath?: string }[],
  manifestText: string,
  manifestFile: string,
  readSource: (srcPath: string) => string | undefined,
): BenchInfo[] {
  const declared = benchDeclarations(manifestText, manifestFile);
  return targets.map((t) => {
    const d = declared.get(t.name);
    const harness = d?.harness ?? true;
    const detected = detectBenchKind(harness, t.srcPath ? readSource(t.srcPath) : undefined);
    const requiredFeatures = Array.isArray(d?.['required-features']) ? d['required-features'].filter((f): f is string => typeof f === 'string') : [];
    return { name: t.name, harness, requiredFeatures, ...detected };
  });
}

/** The features a run of these benches needs: the option's, then each bench's `required-features`, once each. */
export function featuresFor(benches: readonly BenchInfo[], option: readonly string[] | undefined): string[] {
  const all = [...(option ?? []), ...benches.flatMap((b) => b.requiredFeatures)];
  return [...new Set(all.flatMap((f) => f.split(/[\s,]+/)).filter(Boolean))];
}

/** `--features a,b` for cargo, or nothing. */
export function featuresArgs(features: readonly string[]): string[] {
  return features.length ? ['--features', features.join(',')] : [];
}

/**
 * A libtest bench on a stable toolchain: `#[bench]` is unstable (`#![feature(test)]`), so it is skipped
 * with this note instead of failing the build.
 */
export function libtestNote(bench: string, rustcRelease: string, hasBenchFunctions: boolean | undefined): string {
  if (hasBenchFunctions === false) return `bench ${bench}: uses the libtest harness and has no #[bench] functions; nothing to measure (set \`harness = false\` in its [[bench]] table for criterion, divan or a latency program).`;
  return `bench ${bench}: a libtest #[bench] bench needs a nightly toolchain (#![feature(test)]); rustc ${rustcRelease} is not nightly, so it is skipped. Run it with \`cargo +nightly bench --bench ${bench}\`, or port it to criterion or divan.`;
}

export const isNightly = (rustcRelease: string): boolean => /-nightly|-dev/.test(rustcRelease);
