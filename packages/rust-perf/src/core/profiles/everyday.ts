// The profiles everyday commands use — `cargo build`/`cargo run` (dev), `cargo test` (test, which
// inherits dev) and `cargo bench` (bench, which inherits release) — before and after init, so init
// says what it changes there and `--keepEverydayProfiles` can leave them as they were.
import { getIn, parseToml } from '../toml/toml';
import type { TomlTable, TomlValue } from '../toml/toml';
import type { PlannedValue } from './policy';

export const EVERYDAY_PROFILES = ['dev', 'test', 'bench'] as const;
export type EverydayProfile = (typeof EVERYDAY_PROFILES)[number];

/** The keys whose change costs build time or changes the code everyday commands produce. */
const KEYS = ['opt-level', 'debug', 'strip', 'lto', 'codegen-units', 'incremental', 'overflow-checks', 'debug-assertions'] as const;

// Cargo's built-in dev and release profiles (the Cargo book, "Profiles": default profiles); `strip`
// false stands for "none" (with debug = false cargo ≥ 1.77 strips debuginfo only, never symbols).
const BUILT_IN: Record<'dev' | 'release', Record<string, TomlValue>> = {
  dev: { 'opt-level': 0, debug: true, strip: false, lto: false, 'codegen-units': 256, incremental: true, 'overflow-checks': true, 'debug-assertions': true },
  release: { 'opt-level': 3, debug: false, strip: false, lto: false, 'codegen-units': 16, incremental: false, 'overflow-checks': false, 'debug-assertions': false },
};
const BUILT_IN_PARENT: Record<string, 'dev' | 'release'> = { test: 'dev', bench: 'release', dev: 'dev', release: 'release' };

// Cargo spells one setting several ways; compared in one spelling (debug 2 = true, lto "off" = false).
function canonical(key: string, value: TomlValue): TomlValue {
  if (key === 'debug') return value === 2 || value === 'full' ? true : value === 0 || value === 'none' ? false : value;
  if (key === 'lto') return value === 'off' ? false : value === 'fat' ? true : value;
  if (key === 'strip') return value === 'none' ? false : value === 'symbols' ? true : value;
  return value;
}

/** The values of one profile as cargo resolves them: its table, then what it inherits, then the built-in. */
export function effectiveProfile(doc: TomlTable, name: string): Record<string, TomlValue> {
  const chain: string[] = [];
  for (let p: string | undefined = name; p !== undefined && !chain.includes(p); ) {
    chain.push(p);
    const inherits = getIn(doc, ['profile', p, 'inherits']);
    p = typeof inherits === 'string' ? inherits : p === BUILT_IN_PARENT[p] ? undefined : BUILT_IN_PARENT[p];
  }
  const base = BUILT_IN[BUILT_IN_PARENT[chain[chain.length - 1]] ?? 'dev'];
  const out: Record<string, TomlValue> = {};
  for (const key of KEYS) {
    const own = chain.map((p) => getIn(doc, ['profile', p, key])).find((v) => v !== undefined);
    out[key] = canonical(key, own ?? base[key]);
  }
  return out;
}

export interface EverydayChange {
  profile: EverydayProfile;
  key: string;
  before: TomlValue;
  after: TomlValue;
}

/** What changes in the dev, test and bench profiles between two versions of a manifest. */
export function everydayChanges(before: string, after: string, file: string): EverydayChange[] {
  const a = parseToml(before, file);
  const b = parseToml(after, file);
  return EVERYDAY_PROFILES.flatMap((profile) => {
    const x = effectiveProfile(a, profile);
    const y = effectiveProfile(b, profile);
    return KEYS.filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k])).map((key) => ({ profile, key, before: x[key], after: y[key] }));
  });
}

/**
 * `--keepEverydayProfiles`: init's rows without dev and bench, plus bench values that hold what
 * bench had before (bench inherits release, whose lto and codegen-units init changes). `apply` is
 * init's own edit, so the pins see exactly the release values init will write.
 */
export function keepEverydayValues(before: string, file: string, values: readonly PlannedValue[], apply: (text: string, values: readonly PlannedValue[]) => string): PlannedValue[] {
  const rest = values.filter((v) => !(v.path[0] === 'profile' && (v.path[1] === 'dev' || v.path[1] === 'bench' || v.path[1] === 'test')));
  const pins = everydayChanges(before, apply(before, rest), file)
    .filter((c) => c.profile === 'bench')
    .map((c): PlannedValue => ({ path: ['profile', 'bench', c.key], value: c.before }));
  return [...rest, ...pins];
}

const show = (v: TomlValue) => JSON.stringify(v);

/** init's lines about the everyday profiles: each change, what it costs (measured, docs/numbers.md), how to keep them. */
export function describeEverydayChanges(changes: readonly EverydayChange[], file: string): string[] {
  if (changes.length === 0) return [`${file}: the dev, test and bench profiles (cargo build, test, bench) are unchanged`];
  const lines = [`${file}: init changes the profiles of everyday commands:`];
  for (const profile of EVERYDAY_PROFILES) {
    const mine = changes.filter((c) => c.profile === profile);
    if (mine.length === 0) continue;
    const via = profile === 'test' ? ' (inherits dev)' : profile === 'bench' ? ' (inherits release)' : '';
    lines.push(`  ${profile}${via}: ${mine.map((c) => `${c.key} ${show(c.before)} → ${show(c.after)}`).join(', ')}`);
    const cost = EVERYDAY_COSTS[profile];
    if (cost !== undefined && mine.some((c) => cost.keys.includes(c.key))) lines.push(`    ${cost.text}`);
  }
  lines.push('  to keep dev, test and bench as they were: nx g rust-perf:init --keepEverydayProfiles');
  return lines;
}

/** Measured costs (docs/numbers.md, "Everyday profiles"), printed beside the change they belong to. */
export const EVERYDAY_COSTS: Partial<Record<EverydayProfile, { keys: readonly string[]; text: string }>> = {
  dev: {
    keys: ['opt-level'],
    text: 'cost, measured: a cold `cargo test --no-run` of rust-perf\'s example workspace took 125.8 s of CPU with opt-level 1 and 63.4 s with 0 (wall 741.3 s and 355.0 s, one run each on a busy 2-core VM; docs/numbers.md)',
  },
  bench: {
    keys: ['lto', 'codegen-units'],
    text: 'cost, measured: a cold `cargo bench --no-run` of rust-perf\'s example workspace took 277.1 s of CPU with these values and 117.6 s with Cargo\'s (wall 1296.8 s and 702.7 s, one run each on a busy 2-core VM; docs/numbers.md)',
  },
};
