// [workspace.dependencies] that init adds, and the per-crate presets of crate-deps, as data.
// Versions looked up with `cargo info` (crates.io, Nov 2026) and checked to resolve and build together
// (e2e: presets + `cargo build --release` of the example workspace). Deliberate choices:
// - bincode "2.0": bincode 3.0.0 is a tombstone release that does not compile; 1.3 is frozen.
//   2.x has its own Encode/Decode API; the "serde" feature keeps serde derives usable
//   (bincode::serde::encode_to_vec / decode_from_slice) instead of 1.x's bincode::serialize.
// - parking_lot "0.12": 0.13 requires rustc 1.95; 0.12 builds on older toolchains and is what
//   governor and tokio use, so the tree holds one copy.
// - smallvec "1.15": 2.x is still a beta; 1.x has the union and const_generics features.
// - reqwest "0.12" with rustls-tls (ring): builds with no system OpenSSL and no cmake/aws-lc.
import type { PlannedValue } from '../profiles/policy';
import { formatValue, getIn } from '../toml/toml';
import type { TomlTable, TomlValue } from '../toml/toml';

export interface WorkspaceDep {
  name: string;
  value: TomlValue;
  why: string;
}

export const WORKSPACE_DEPS: readonly WorkspaceDep[] = [
  { name: 'serde', value: { version: '1', features: ['derive'] }, why: 'derive Serialize/Deserialize (the presets add "rc")' },
  { name: 'simd-json', value: '0.19', why: 'SIMD JSON parsing of feed messages' },
  { name: 'bincode', value: { version: '2.0', features: ['serde'] }, why: 'compact binary encoding; 2.x API, serde-compatible via the "serde" feature' },
  { name: 'rmp-serde', value: '1.3', why: 'MessagePack with serde' },
  { name: 'crossbeam-channel', value: '0.5', why: 'fast MPMC channels' },
  { name: 'crossbeam-skiplist', value: '0.1', why: 'concurrent ordered maps' },
  { name: 'crossbeam-queue', value: '0.3', why: 'lock-free bounded/unbounded queues' },
  { name: 'parking_lot', value: '0.12', why: 'smaller, faster Mutex/RwLock' },
  { name: 'hdrhistogram', value: '7.5', why: 'latency histograms with percentiles' },
  { name: 'core_affinity', value: '0.8', why: 'pin threads to cores' },
  { name: 'smallvec', value: { version: '1.15', features: ['union', 'const_generics'] }, why: 'inline small vectors' },
  { name: 'ahash', value: '0.8', why: 'fast non-cryptographic hashing for HashMap' },
  { name: 'tikv-jemallocator', value: '0.7', why: 'jemalloc global allocator (see the allocator generator)' },
  { name: 'mimalloc', value: '0.1', why: 'mimalloc global allocator (see the allocator generator)' },
  { name: 'dhat', value: '0.3', why: 'heap profiling' },
  { name: 'wide', value: '1', why: 'portable SIMD vector types' },
  { name: 'tokio', value: { version: '1', features: ['rt-multi-thread', 'macros', 'sync', 'time', 'net'] }, why: 'async runtime (used by market-data and reqwest)' },
  { name: 'governor', value: '0.10', why: 'rate limiting of outgoing orders' },
  { name: 'reqwest', value: { version: '0.12', 'default-features': false, features: ['json', 'stream', 'rustls-tls'] }, why: 'HTTP client; rustls so no system OpenSSL is needed' },
];

export const CRITERION_DEP: TomlValue = { version: '0.5', 'default-features': false, features: ['cargo_bench_support'] };

export function workspaceDepValues(): PlannedValue[] {
  return WORKSPACE_DEPS.map((d) => ({ path: ['workspace', 'dependencies', d.name], value: d.value }));
}

export interface DepMerge {
  /** The merged entry (the user's own when nothing changes). */
  value: TomlValue;
  /** What changed, e.g. `features + "macros", "net"`; empty when nothing did. */
  changes: string[];
  /** What of ours was not taken because the user's entry says otherwise. */
  keptTheirs: string[];
}

/**
 * Merges our entry into the user's without losing information: features are unioned (theirs first),
 * and version, default-features, optional, package, path, git (and its branch/tag/rev), registry are
 * the user's whenever they wrote them. Only keys the user did not write are added.
 */
export function mergeDependency(theirs: TomlValue, ours: TomlValue): DepMerge {
  const asEntry = (v: TomlValue): Record<string, TomlValue> => (typeof v === 'string' ? { version: v } : (asTable(v) ?? {}));
  const current = asEntry(theirs);
  const wanted = asEntry(ours);
  const next: Record<string, TomlValue> = { ...current };
  const changes: string[] = [];
  const keptTheirs: string[] = [];
  const have = Array.isArray(current.features) ? current.features.map(String) : [];
  const add = (Array.isArray(wanted.features) ? wanted.features.map(String) : []).filter((f) => !have.includes(f));
  if (add.length > 0) {
    next.features = [...have, ...add];
    changes.push(`features + ${add.map((f) => JSON.stringify(f)).join(', ')}`);
  }
  const fromElsewhere = current.path !== undefined || current.git !== undefined;
  for (const [key, value] of Object.entries(wanted)) {
    if (key === 'features') continue;
    if (current[key] !== undefined) {
      if (JSON.stringify(current[key]) !== JSON.stringify(value)) keptTheirs.push(`${key} = ${JSON.stringify(current[key])}`);
      continue;
    }
    // Turning default features off would drop features their build may rely on.
    if (key === 'default-features' && value === false) {
      keptTheirs.push('default features on');
      continue;
    }
    // A path or git dependency takes its version from there.
    if (key === 'version' && fromElsewhere) continue;
    next[key] = value;
    changes.push(`${key} = ${JSON.stringify(value)}`);
  }
  if (changes.length === 0) return { value: theirs, changes, keptTheirs };
  return { value: next, changes, keptTheirs };
}

export type PresetName = 'market-data' | 'common' | 'execution-engine';

export interface CrateDep {
  name: string;
  /** Extra features on top of the workspace entry. */
  features?: string[];
}

export interface Preset {
  deps: CrateDep[];
  /** Path dependency on the `common` crate when it exists in the workspace. */
  common: boolean;
}

// The seed's per-crate snippets. execution-engine's reqwest comes from the workspace entry (rustls).
export const PRESETS: Record<PresetName, Preset> = {
  'market-data': { deps: [{ name: 'simd-json' }, { name: 'crossbeam-channel' }, { name: 'parking_lot' }, { name: 'ahash' }, { name: 'tokio' }], common: true },
  common: { deps: [{ name: 'bincode' }, { name: 'rmp-serde' }, { name: 'smallvec' }, { name: 'serde', features: ['derive', 'rc'] }], common: false },
  'execution-engine': { deps: [{ name: 'reqwest' }, { name: 'governor' }, { name: 'parking_lot' }], common: true },
};

export function parseDepList(list: string): CrateDep[] {
  return list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, features] = s.split(':');
      return features ? { name, features: features.split('+').filter(Boolean) } : { name };
    });
}

/** `dep = { workspace = true[, features] }` under [dependencies]. */
export function crateDepValue(dep: CrateDep): TomlValue {
  return dep.features && dep.features.length > 0 ? { workspace: true, features: dep.features } : { workspace: true };
}

export interface CrateDepsPlan {
  /** Values for the crate's Cargo.toml. */
  crate: PlannedValue[];
  /** Workspace entries the crate needs that [workspace.dependencies] lacks (known ones only). */
  workspace: PlannedValue[];
  kept: string[];
}

function asTable(v: TomlValue | undefined): Record<string, TomlValue> | null {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, TomlValue>) : null;
}

/**
 * Plans `dep = { workspace = true }` entries. An existing `{ workspace = true }` entry gets the
 * missing features added (never removed); any other existing form is the user's choice and kept.
 */
export function planCrateDeps(input: {
  crateManifest: Record<string, TomlValue>;
  crateFile: string;
  workspaceDeps: Record<string, TomlValue>;
  workspaceFile: string;
  deps: readonly CrateDep[];
  /** `{ path }` of the common crate, when the preset wants it and it exists. */
  commonPath?: string;
  force: boolean;
}): CrateDepsPlan {
  const plan: CrateDepsPlan = { crate: [], workspace: [], kept: [] };
  const current = asTable(input.crateManifest.dependencies) ?? {};
  for (const dep of input.deps) {
    if (input.workspaceDeps[dep.name] === undefined) {
      const known = WORKSPACE_DEPS.find((d) => d.name === dep.name);
      if (!known) throw new Error(`${dep.name} is not in [workspace.dependencies] of ${input.workspaceFile}. Fix: add it there (e.g. ${dep.name} = "<version>"), or run nx g rust-perf:init for the known ones.`);
      plan.workspace.push({ path: ['workspace', 'dependencies', dep.name], value: known.value });
    }
    const wanted = crateDepValue(dep);
    const existing = current[dep.name];
    const table = asTable(existing);
    if (existing === undefined) {
      plan.crate.push({ path: ['dependencies', dep.name], value: wanted });
    } else if (table && table.workspace === true) {
      const have = Array.isArray(table.features) ? table.features.map(String) : [];
      const missing = (dep.features ?? []).filter((f) => !have.includes(f));
      if (missing.length > 0) plan.crate.push({ path: ['dependencies', dep.name, 'features'], value: [...have, ...missing] });
    } else if (input.force) {
      // --force moves the entry onto the workspace one without losing what it says: features are
      // unioned and optional stays; an entry from another source (path, git, renamed package) is kept.
      const entry = typeof existing === 'string' ? { version: existing } : (table ?? {});
      const source = ['path', 'git', 'package', 'registry'].filter((k) => entry[k] !== undefined);
      if (source.length > 0) {
        plan.kept.push(`kept ${dep.name} = ${JSON.stringify(existing)} in ${input.crateFile} [dependencies]: its ${source.join(', ')} names another source than [workspace.dependencies], so --force does not replace it`);
        continue;
      }
      const have = Array.isArray(entry.features) ? entry.features.map(String) : [];
      const features = [...have, ...(dep.features ?? []).filter((f) => !have.includes(f))];
      plan.crate.push({ path: ['dependencies', dep.name], value: { workspace: true, ...(features.length > 0 ? { features } : {}), ...(entry.optional !== undefined ? { optional: entry.optional } : {}) } });
      const moved = ['version', 'default-features'].filter((k) => entry[k] !== undefined).map((k) => `${k} = ${JSON.stringify(entry[k])}`);
      if (moved.length > 0) plan.kept.push(`${dep.name} in ${input.crateFile} now follows ${input.workspaceFile} [workspace.dependencies]; it said ${moved.join(', ')} (--force)`);
    } else {
      plan.kept.push(`kept ${dep.name} = ${JSON.stringify(existing)} in ${input.crateFile} [dependencies] (use --force to set ${JSON.stringify(wanted)})`);
    }
  }
  if (input.commonPath !== undefined && current.common === undefined) plan.crate.push({ path: ['dependencies', 'common'], value: { path: input.commonPath } });
  return plan;
}

/** Plans [workspace.dependencies]: missing entries are added; an existing one is merged only with --force, and never loses what the user wrote. */
export function planWorkspaceDeps(manifest: TomlTable, file: string, force: boolean): { values: PlannedValue[]; report: string[]; kept: string[] } {
  const values: PlannedValue[] = [];
  const report: string[] = [];
  const kept: string[] = [];
  for (const d of WORKSPACE_DEPS) {
    const path = ['workspace', 'dependencies', d.name];
    const current = getIn(manifest, path);
    if (current === undefined) {
      values.push({ path, value: d.value });
      continue;
    }
    const merged = mergeDependency(current, d.value);
    if (merged.changes.length === 0) continue;
    if (!force) {
      kept.push(`kept ${d.name} = ${formatValue(current)} in ${file} [workspace.dependencies] (use --force to add ${merged.changes.join('; ')}; what you wrote is kept)`);
      continue;
    }
    values.push({ path, value: merged.value });
    report.push(`merged ${d.name} in ${file} [workspace.dependencies]: ${merged.changes.join('; ')}${merged.keptTheirs.length > 0 ? `; kept your ${merged.keptTheirs.join(', ')}` : ''}`);
  }
  return { values, report, kept };
}
