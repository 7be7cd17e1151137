// Cargo profile presets as data: one row per key, each with the reason shown in --help and the docs.
//
// Checked with cargo 1.95 / rustc 1.95 on x86_64-unknown-linux-gnu (nm + readelf -S of a built binary):
// - `strip = true` (release) removes .symtab: perf and flamegraphs see only addresses.
// - `debug = "line-tables-only"` + `strip = false` keeps .symtab (function names) and .debug_line
//   (file:line, including inlined frames) — enough for perf/flamegraphs, far smaller than `debug = true`.
// - Since cargo 1.77 `debug = false` implies `strip = "debuginfo"`, so a profiling profile must set
//   `strip` explicitly; `strip = false` keeps the symbol table even when inheriting `strip = true`.
import type { TomlValue } from '../toml/toml';
import type { PlannedValue } from './policy';

export type ProfileName = 'release' | 'bench' | 'dev' | 'release-debug' | 'profiling' | 'staging' | 'production' | 'ci';
export type LtoChoice = 'thin' | 'fat';
export type PanicChoice = 'abort' | 'unwind';

export interface ProfileRow {
  profile: ProfileName;
  key: string;
  value: TomlValue;
  why: string;
  /** First cargo version that understands this value. */
  since?: string;
}

export interface ProfileOptions {
  lto: LtoChoice;
  panic: PanicChoice;
}

export const DEFAULT_PROFILE_OPTIONS: ProfileOptions = { lto: 'thin', panic: 'abort' };

export const PROFILE_NAMES: readonly ProfileName[] = ['release', 'bench', 'dev', 'release-debug', 'profiling', 'staging', 'production', 'ci'];

export function profileRows(options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): ProfileRow[] {
  return [
    { profile: 'release', key: 'opt-level', value: 3, why: 'all LLVM optimizations' },
    { profile: 'release', key: 'lto', value: options.lto, why: 'cross-crate inlining; "thin" builds much faster than "fat" for most of the gain (--lto)' },
    { profile: 'release', key: 'codegen-units', value: 1, why: 'one unit per crate lets LLVM optimize across the whole crate (slower to build)' },
    { profile: 'release', key: 'strip', value: true, why: 'smaller shipped binaries; profiling profiles below keep symbols', since: '1.59' },
    { profile: 'release', key: 'panic', value: options.panic, why: '"abort" drops unwinding tables and landing pads; use "unwind" if you catch panics (--panic)' },
    { profile: 'release', key: 'overflow-checks', value: false, why: 'no arithmetic overflow checks (the release default, made explicit)' },
    { profile: 'release', key: 'debug-assertions', value: false, why: 'no debug_assert! (the release default, made explicit)' },
    { profile: 'release', key: 'incremental', value: false, why: 'incremental builds produce slower code and do not help clean CI builds' },

    { profile: 'bench', key: 'inherits', value: 'release', why: 'benchmarks measure the code you ship' },
    { profile: 'bench', key: 'debug', value: true, why: 'debug info so flamegraphs of benchmarks show functions and lines' },
    { profile: 'bench', key: 'strip', value: false, why: 'keep the symbol table (release strips it)', since: '1.59' },

    { profile: 'dev', key: 'opt-level', value: 1, why: 'basic optimizations: tests of hot code run much faster, builds stay quick' },
    { profile: 'dev', key: 'debug', value: true, why: 'full debug info for debuggers' },
    { profile: 'dev', key: 'incremental', value: true, why: 'fast rebuilds while editing' },

    { profile: 'release-debug', key: 'inherits', value: 'release', why: 'the release build, debuggable', since: '1.57' },
    { profile: 'release-debug', key: 'debug', value: true, why: 'full debug info to debug optimized-build issues' },
    { profile: 'release-debug', key: 'strip', value: false, why: 'keep symbols (release strips them)', since: '1.59' },

    { profile: 'profiling', key: 'inherits', value: 'release', why: 'profile the code you ship (used by the flamegraph target)', since: '1.57' },
    { profile: 'profiling', key: 'debug', value: 'line-tables-only', why: 'function names and file:line for perf, without full debug info', since: '1.71' },
    { profile: 'profiling', key: 'strip', value: false, why: 'keep the symbol table; cargo >= 1.77 would otherwise strip debuginfo', since: '1.59' },

    { profile: 'staging', key: 'inherits', value: 'release', why: 'release settings for pre-production', since: '1.57' },
    { profile: 'staging', key: 'lto', value: 'thin', why: 'most of LTO\'s gain at a fraction of "fat"\'s build time' },

    { profile: 'production', key: 'inherits', value: 'release', why: 'release settings, maximum optimization (used by build-pgo)', since: '1.57' },
    { profile: 'production', key: 'lto', value: 'fat', why: 'whole-program LTO: slowest build, fastest code; pairs with PGO' },
    { profile: 'production', key: 'codegen-units', value: 1, why: 'one unit per crate for the best code' },

    { profile: 'ci', key: 'inherits', value: 'release', why: 'optimized, but fast to build for CI checks', since: '1.57' },
    { profile: 'ci', key: 'lto', value: false, why: 'no LTO: the slowest part of optimized builds' },
    { profile: 'ci', key: 'codegen-units', value: 16, why: 'parallel code generation' },
    { profile: 'ci', key: 'incremental', value: false, why: 'CI builds start clean; incremental state only costs time and disk' },
  ];
}

/**
 * Keys that undo each other are one decision: if the user set any key of a group in a profile, init
 * keeps the whole group there (e.g. `debug = 1` with our `strip = true` would ship a binary without
 * the debug info the project keeps on purpose).
 */
export interface IntentGroup {
  name: string;
  keys: readonly string[];
  /** Printed when init sets a key of this group: what init cannot see. */
  note?: string;
}

export const INTENT_GROUPS: readonly IntentGroup[] = [
  { name: 'debug info', keys: ['debug', 'strip', 'split-debuginfo'] },
  { name: 'LTO and code generation', keys: ['lto', 'codegen-units', 'incremental'] },
  {
    name: 'panic strategy',
    keys: ['panic'],
    note: 'init cannot see whether your code (or a dependency) relies on catch_unwind, which panic = "abort" disables; use --panic unwind if it does',
  },
];

/** The values init writes: `[profile.<name>] <key> = <value>` for every row. */
export function profileValues(options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): PlannedValue[] {
  return profileRows(options).map((r) => ({ path: ['profile', r.profile, r.key], value: r.value }));
}

/** A Markdown table of the rows, used by the docs (and checked against them by a test). */
export function renderProfileTable(options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): string {
  const lines = ['| profile | key | value | why |', '| --- | --- | --- | --- |'];
  for (const r of profileRows(options)) {
    lines.push(`| ${r.profile} | ${r.key} | \`${JSON.stringify(r.value)}\` | ${r.why}${r.since ? ` (cargo ${r.since}+)` : ''} |`);
  }
  return lines.join('\n');
}

/** One line per profile for schema descriptions: `release: opt-level=3, lto="thin", …`. */
export function summarizeProfiles(options: ProfileOptions = DEFAULT_PROFILE_OPTIONS): string {
  return PROFILE_NAMES.map((p) => `${p}: ${profileRows(options).filter((r) => r.profile === p).map((r) => `${r.key}=${JSON.stringify(r.value)}`).join(', ')}`).join('; ');
}
