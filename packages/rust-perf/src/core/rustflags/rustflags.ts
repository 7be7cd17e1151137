// Cargo picks ONE source of rustflags, first match wins (cargo doc "build.rustflags"):
//   1. CARGO_ENCODED_RUSTFLAGS   2. RUSTFLAGS
//   3. all matching target.<triple>.rustflags and target.'cfg(..)'.rustflags (joined)
//   4. build.rustflags
// Setting RUSTFLAGS to add one flag would silently drop the user's config flags, so we compute the
// set cargo would have used and pass it, plus ours, in CARGO_ENCODED_RUSTFLAGS.
import { getIn, type TomlTable, type TomlValue } from '../toml/toml';
import type { CargoConfigFile } from '../context/cargo-configs';
import { RunContext } from '../context/run-context';
import { cfgMatches } from './cfg';

/** Where a run of flags came from: an environment variable, a config table (`build` or a target key), or the rust-perf target itself. */
export type FlagOrigin = { kind: 'env'; name: string } | { kind: 'config'; file: string; table: string } | { kind: 'added'; by: string };

export interface FlagGroup {
  flags: string[];
  origin: FlagOrigin;
}

export interface RustflagsPlan {
  env: Record<string, string | undefined>;
  flags: string[];
  /** `flags` in the order cargo gets them, each run with its origin. */
  groups: FlagGroup[];
  /** The config files read, lowest precedence first (planRustflags only). */
  configs?: CargoConfigFile[];
  /** `rustc --print cfg` of the build's target, when a cfg table needed it (tells init's tables from the user's). */
  cfgLines?: readonly string[];
  warnings: string[];
  /** Where the user's part of `flags` came from, for messages ("RUSTFLAGS", "<file> [build]", "none"). */
  source?: string;
  /** The target triple the flags apply to (explicit --target, CARGO_BUILD_TARGET, build.target, else host). */
  target?: string;
}

/** A config value for rustflags: an array of strings, or one string split on whitespace. */
export function flagsFromValue(value: TomlValue | string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.map(String);
  return undefined;
}

/** Splits the user's env flags the way cargo does. */
export function envFlags(env: NodeJS.ProcessEnv): { flags: string[]; source: string } | undefined {
  const encoded = env.CARGO_ENCODED_RUSTFLAGS;
  if (encoded !== undefined) return { flags: encoded === '' ? [] : encoded.split('\x1f'), source: 'CARGO_ENCODED_RUSTFLAGS' };
  const plain = env.RUSTFLAGS;
  if (plain !== undefined) return { flags: plain.split(/\s+/).filter(Boolean), source: 'RUSTFLAGS' };
  return undefined;
}

export interface ConfigFlags {
  /** target.<triple> and matching cfg tables, joined; undefined when none has rustflags. */
  target?: { flags: string[]; sources: string[]; groups: FlagGroup[] };
  build?: { flags: string[]; sources: string[]; groups: FlagGroup[] };
}

function tripleEnvName(triple: string): string {
  return `CARGO_TARGET_${triple.toUpperCase().replace(/[-.]/g, '_')}_RUSTFLAGS`;
}

/** Rustflags from config files and their CARGO_* env equivalents, split by kind. */
export function configFlags(configs: readonly CargoConfigFile[], env: NodeJS.ProcessEnv, triple: string, cfgLines: readonly string[] | undefined): ConfigFlags {
  const out: ConfigFlags = {};
  const add = (kind: 'target' | 'build', flags: string[] | undefined, source: string, origin: FlagOrigin) => {
    if (!flags) return;
    const slot = (out[kind] ??= { flags: [], sources: [], groups: [] });
    // Arrays from several config files are joined, higher precedence later.
    slot.flags.push(...flags);
    slot.sources.push(source);
    slot.groups.push({ flags, origin });
  };
  for (const { file, table } of configs) {
    add('build', flagsFromValue(getIn(table, ['build', 'rustflags'])), `${file} [build]`, { kind: 'config', file, table: 'build' });
    const targets = getIn(table, ['target']);
    if (targets && typeof targets === 'object' && !Array.isArray(targets)) {
      for (const [key, section] of Object.entries(targets)) {
        if (!section || typeof section !== 'object' || Array.isArray(section)) continue;
        const flags = flagsFromValue((section as TomlTable).rustflags);
        if (!flags) continue;
        const matches = key.startsWith('cfg(') ? cfgLines !== undefined && cfgMatches(key, cfgLines) : key === triple;
        if (matches) add('target', flags, `${file} [target.${key.startsWith('cfg(') ? `'${key}'` : key}]`, { kind: 'config', file, table: key });
      }
    }
  }
  add('build', flagsFromValue(env.CARGO_BUILD_RUSTFLAGS), 'CARGO_BUILD_RUSTFLAGS', { kind: 'env', name: 'CARGO_BUILD_RUSTFLAGS' });
  add('target', flagsFromValue(env[tripleEnvName(triple)]), tripleEnvName(triple), { kind: 'env', name: tripleEnvName(triple) });
  return out;
}

function needsCfg(configs: readonly CargoConfigFile[]): boolean {
  return configs.some(({ table }) => {
    const t = getIn(table, ['target']);
    return !!t && typeof t === 'object' && Object.entries(t).some(([k, v]) => k.startsWith('cfg(') && !!v && typeof v === 'object' && 'rustflags' in v);
  });
}

/** `-C x` and `-Cx` (and `--cfg x` / `--cfg=x`) are one flag to rustc: compare them joined. */
function joinFlagPairs(flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < flags.length; i++) {
    const f = flags[i];
    if ((f === '-C' || f === '-Z' || f === '-L' || f === '-l' || f === '--cfg' || f === '--check-cfg') && i + 1 < flags.length) {
      out.push(f.startsWith('--') ? `${f}=${flags[++i]}` : `${f}${flags[++i]}`);
    } else out.push(f);
  }
  return out;
}

/** The [build] rustflags that the matching target tables do not also set (what cargo would drop). */
export function missingFlags(build: readonly string[], target: readonly string[]): string[] {
  const have = new Set(joinFlagPairs(target));
  return joinFlagPairs(build).filter((f) => !have.has(f));
}

export interface ResolveInput {
  configs: readonly CargoConfigFile[];
  env: NodeJS.ProcessEnv;
  triple: string;
  cfgLines?: readonly string[];
  add: readonly string[];
  /** Who adds `add`, for the provenance of those flags (e.g. "build-pgo's profdata option"). */
  addedBy?: string;
}

/** Pure part of the planner: which flags cargo would use, plus ours. */
export function resolveRustflags(input: ResolveInput): Omit<RustflagsPlan, 'target'> {
  const warnings: string[] = [];
  const fromConfig = configFlags(input.configs, input.env, input.triple, input.cfgLines);
  const user = envFlags(input.env);
  let base: string[];
  let source: string;
  let groups: FlagGroup[];
  if (user) {
    base = user.flags;
    source = user.source;
    groups = [{ flags: user.flags, origin: { kind: 'env', name: user.source } }];
    if (input.env.CARGO_ENCODED_RUSTFLAGS !== undefined && input.env.RUSTFLAGS !== undefined)
      warnings.push('Both CARGO_ENCODED_RUSTFLAGS and RUSTFLAGS are set; cargo uses CARGO_ENCODED_RUSTFLAGS and ignores RUSTFLAGS.');
    const ignored = [...(fromConfig.target?.sources ?? []), ...(fromConfig.build?.sources ?? [])];
    if (ignored.length > 0)
      warnings.push(
        `${user.source} is set, so cargo ignores the rustflags in ${ignored.join(', ')}. rust-perf keeps ${user.source} (${JSON.stringify(user.flags.join(' '))}) as cargo would; unset it to use the config's flags.`,
      );
  } else if (fromConfig.target) {
    base = fromConfig.target.flags;
    source = fromConfig.target.sources.join(', ');
    groups = fromConfig.target.groups;
    // Only flags the target tables lack are lost (init copies [build] rustflags into its target tables).
    const lost = fromConfig.build ? missingFlags(fromConfig.build.flags, fromConfig.target.flags) : [];
    if (fromConfig.build && lost.length > 0)
      warnings.push(
        `${fromConfig.build.sources.join(', ')} rustflags are ignored by cargo because ${source} also sets rustflags (target tables win over [build]); move ${JSON.stringify(lost.join(' '))} into the target table to keep ${lost.length === 1 ? 'it' : 'them'}.`,
      );
  } else if (fromConfig.build) {
    base = fromConfig.build.flags;
    source = fromConfig.build.sources.join(', ');
    groups = fromConfig.build.groups;
  } else {
    base = [];
    source = 'none';
    groups = [];
  }
  const flags = [...base, ...input.add];
  if (input.add.length > 0) groups = [...groups, { flags: [...input.add], origin: { kind: 'added', by: input.addedBy ?? 'this rust-perf target' } }];
  // With nothing to add, cargo's own choice stands untouched.
  const env: Record<string, string | undefined> = input.add.length === 0 ? {} : { CARGO_ENCODED_RUSTFLAGS: flags.join('\x1f'), RUSTFLAGS: undefined };
  return { env, flags, groups, ...(input.cfgLines ? { cfgLines: input.cfgLines } : {}), warnings, source };
}

/**
 * The effective rustflags cargo would use for this build (config files + user env), plus `add`, encoded for
 * CARGO_ENCODED_RUSTFLAGS (RUSTFLAGS removed), so the user's config and env flags are kept. The run's context
 * supplies the config files and rustc's facts; without one (or for another env) a fresh one is made.
 */
export async function planRustflags(opts: { cargoRoot: string /* absolute */; env: NodeJS.ProcessEnv; add: string[]; addedBy?: string; target?: string; context?: RunContext }): Promise<RustflagsPlan> {
  const context = opts.context && opts.context.env === opts.env && opts.context.cargoRoot === opts.cargoRoot ? opts.context : new RunContext(opts.cargoRoot, opts.env);
  const configs = [...context.cargoConfigs()];
  const configTarget = [...configs].reverse().map((c) => getIn(c.table, ['build', 'target'])).find((t): t is string => typeof t === 'string');
  const explicit = opts.target ?? opts.env.CARGO_BUILD_TARGET ?? configTarget;
  const triple = explicit ?? (await context.host());
  const cfgLines = needsCfg(configs) ? await context.cfg(explicit) : undefined;
  return { ...resolveRustflags({ configs, env: opts.env, triple, cfgLines, add: opts.add, addedBy: opts.addedBy }), configs, target: triple };
}
