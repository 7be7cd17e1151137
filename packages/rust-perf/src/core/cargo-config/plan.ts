// Plans `.cargo/config.toml` (pure: text in, text out). Fixes the seed's mistakes:
// - cargo ignores `[build] rustflags` as soon as any `[target.<triple>]` or `[target.<cfg>]` rustflags
//   matches, and joins the flags of every matching target table (checked with cargo 1.95 `build -v`).
//   So we write mutually exclusive cfg tables and copy the user's [build] flags into them.
// - CPU flags are scoped to x86_64 (`x86-64-v3` means nothing elsewhere; no unconditional +avx2,+fma).
// - The linker flag is scoped to the host the link was proven on; macOS and Windows/MSVC targets
//   never get a `-fuse-ld` flag (link.exe and ld64 do not understand it).
// - No [profile.*] here: it silently overrides Cargo.toml.
import { formatKeyPath, formatValue, getIn, parseToml, setTomlValue } from '../toml/toml';
import type { TomlTable, TomlValue } from '../toml/toml';
import { cfgSatisfiable, parseCfgKey } from '../rustflags/cfg';
import { exclusiveCfg } from './exclusive';
import type { UserTargetTable } from './exclusive';
import { flagUnits, type Host } from '../rustflags/units';

export type CpuChoice = 'none' | 'x86-64-v2' | 'x86-64-v3' | 'native';


export interface ConfigPlanInput {
  /** Current text of .cargo/config.toml, or null when it does not exist. */
  existing: string | null;
  file: string;
  /**
   * target-cpu for x86_64 targets. Given (the user named --cpu): it replaces the target-cpu in
   * init's tables without --force. Undefined: the one an earlier init wrote stays (none if none).
   */
  cpu?: CpuChoice;
  /**
   * Linker flags proven on the host (e.g. ['-C', 'link-arg=-fuse-ld=mold']); [] for rustc's own
   * linker. Given (the user named --linker): they replace init's -fuse-ld flag without --force.
   * Undefined: the flag an earlier init wrote stays.
   */
  linkerFlags?: string[];
  host: Host;
  force: boolean;
  /** `rustc --print cfg --target <triple>` lines for each triple key of the user's target tables (null: rustc does not know it). */
  tripleCfg?: Readonly<Record<string, readonly string[] | null>>;
  /** The other cargo config files that apply (e.g. $CARGO_HOME/config.toml): their target tables join ours too. */
  otherConfigs?: readonly { file: string; table: TomlTable }[];
}

export interface ConfigPlan {
  /** New text, or null when there is nothing to write (no file and nothing to add). */
  text: string | null;
  notes: string[];
  kept: string[];
}

export interface RustflagsTable {
  cfg: string;
  flags: string[];
  comment: string;
}

const CPU_COMMENT: Record<string, string> = {
  none: '',
  'x86-64-v2': 'SSE4.2/POPCNT baseline, x86-64 CPUs from ~2009 on',
  'x86-64-v3': 'AVX2/FMA/BMI2 baseline, x86-64 CPUs from ~2015 on',
  native: 'the building machine\'s CPU: every binary built from this config, CI artifacts included, needs that CPU',
};

/** The exclusive target tables for a choice of CPU and linker flags. */
/** The linker a -fuse-ld flag names (mold, lld, …), or null. */
export function fuseLdName(flags: readonly string[]): string | null {
  return /-fuse-ld=([\w.-]+)/.exec(flags.join(' '))?.[1] ?? null;
}

/** What a committed linker flag asks of every machine, said where the flag is. */
export function linkerNeedComment(flags: readonly string[]): string {
  const name = fuseLdName(flags) ?? flags.join(' ');
  return `-fuse-ld=${name} (init --linker ${name}): every machine that builds this repository, CI runners included, needs ${name} installed (apt-get install ${name} / brew install ${name}); nx g rust-perf:init --linker default removes it.`;
}

export function plannedTables(cpu: string, linkerFlags: readonly string[], host: Host): RustflagsTable[] {
  const cpuFlags = cpu === 'none' ? [] : ['-C', `target-cpu=${cpu}`];
  const onHost = `all(target_arch = "${host.arch}", target_os = "${host.os}")`;
  if (cpuFlags.length === 0 && linkerFlags.length === 0) return [];
  const cpuComment = CPU_COMMENT[cpu] ?? `target-cpu=${cpu}`;
  if (linkerFlags.length === 0) {
    return [{ cfg: 'cfg(target_arch = "x86_64")', flags: cpuFlags, comment: `CPU tuning for x86_64 targets only (${cpuComment}).` }];
  }
  const need = linkerNeedComment(linkerFlags);
  if (cpuFlags.length === 0) {
    return [{ cfg: `cfg(${onHost})`, flags: [...linkerFlags], comment: `Linker for this host OS (${host.arch}-${host.os}); other targets keep rustc's default linker.\n# ${need}` }];
  }
  if (host.arch === 'x86_64') {
    return [
      { cfg: `cfg(${onHost})`, flags: [...cpuFlags, ...linkerFlags], comment: `x86_64 on this host OS: CPU tuning plus the linker.\n# ${need}` },
      { cfg: `cfg(all(target_arch = "x86_64", not(target_os = "${host.os}")))`, flags: cpuFlags, comment: 'Other x86_64 targets (Windows/MSVC, macOS, …): CPU tuning only, no linker flags.' },
    ];
  }
  return [
    { cfg: 'cfg(target_arch = "x86_64")', flags: cpuFlags, comment: 'CPU tuning for x86_64 targets only.' },
    { cfg: `cfg(${onHost})`, flags: [...linkerFlags], comment: `Linker for this host OS (${host.arch}-${host.os}).\n# ${need}` },
  ];
}

/** Every table shape plannedTables can produce for this host, so a later run can find its own flags. */
function knownCfgs(host: Host): string[] {
  const out = new Set<string>();
  for (const cpu of ['native', 'none'] as const) for (const l of [[], ['x']]) for (const t of plannedTables(cpu, l, host)) out.add(t.cfg);
  return [...out];
}

/** Our own tables: a shape plannedTables produces, or one narrowed by exclusiveCfg (`cfg(all(<ours>, not(…)…))`). */
export function isOurCfg(key: string, host: Host): boolean {
  return knownCfgs(host).some((k) => {
    if (k === key) return true;
    const inner = /^cfg\(all\(([\s\S]*)\)\)$/.exec(k)?.[1] ?? k.slice(4, -1);
    return key.startsWith(`cfg(all(${inner}, not(`) && key.endsWith('))');
  });
}

/**
 * Every comment line init writes above one of its tables for this host (plannedTables' comments,
 * all choices; a linker table's first line names no linker), and those of earlier versions, which
 * wrote a linker table whenever mold was installed.
 */
function initComments(host: Host): Set<string> {
  const out = new Set<string>([
    '# x86_64 on this host OS: CPU tuning plus the linker proven here.',
    `# Linker proven on this host (${host.arch}-${host.os}); other targets keep rustc's default linker.`,
    `# Linker proven on this host (${host.arch}-${host.os}).`,
  ]);
  for (const cpu of ['none', 'x86-64-v2', 'x86-64-v3', 'native'] as const) {
    for (const l of [[], ['x']]) for (const t of plannedTables(cpu, l, host)) for (const line of `# ${t.comment}`.split('\n')) out.add(line);
  }
  return out;
}

/**
 * Whether init wrote the `[target.<key>]` table of this config text: a table shape init writes,
 * with init's comment right above its header. A table of that shape the user wrote has no such
 * comment (or another one), so provenance in logs never calls the user's table ours.
 */
export function isInitTable(text: string, key: string, host: Host): boolean {
  if (!isOurCfg(key, host)) return false;
  const lines = text.split(/\r?\n/);
  const header = `[target.${formatKeyPath([key])}]`;
  const i = lines.findIndex((l) => l.trim() === header);
  const comments = initComments(host);
  for (let j = i - 1; j >= 0 && lines[j].startsWith('#'); j--) if (comments.has(lines[j].trimEnd())) return true;
  return false;
}

function targetTables(table: TomlTable): [string, TomlTable][] {
  const t = getIn(table, ['target']);
  if (!t || typeof t !== 'object' || Array.isArray(t)) return [];
  return Object.entries(t).filter((e): e is [string, TomlTable] => !!e[1] && typeof e[1] === 'object' && !Array.isArray(e[1]) && (e[1] as TomlTable).rustflags !== undefined);
}

/** Triple keys (not `cfg(…)`) of target tables with rustflags, whose cfg the caller asks rustc for. */
export function userTriples(tables: readonly TomlTable[]): string[] {
  return [...new Set(tables.flatMap((t) => targetTables(t).map(([k]) => k).filter((k) => !k.startsWith('cfg('))))];
}

/** Removes a table init wrote (header, its rustflags and the comment lines right above it). Null when its header is not found as written. */
function removeTable(text: string, key: string): string | null {
  const lines = text.split('\n');
  const header = `[target.${formatKeyPath([key])}]`;
  const i = lines.findIndex((l) => l.trim() === header);
  if (i < 0) return null;
  let end = i + 1;
  while (end < lines.length && !lines[end].trimStart().startsWith('[')) end++;
  let start = i;
  while (start > 0 && lines[start - 1].startsWith('#')) start--;
  // Keep the blank lines after it, then collapse the doubled blank line the removal leaves.
  while (end > i + 1 && lines[end - 1].trim() === '') end--;
  lines.splice(start, end - start);
  while (start < lines.length && lines[start].trim() === '' && (start === 0 || lines[start - 1].trim() === '')) lines.splice(start, 1);
  return lines.join('\n');
}

/** The codegen option a unit sets, for the flags we manage: target-cpu and the -fuse-ld link-arg. */
export function managedKey(unit: readonly string[]): string | null {
  const opt = unit.length === 2 && unit[0] === '-C' ? unit[1] : unit[0].startsWith('-C') ? unit[0].slice(2) : null;
  if (opt === null) return null;
  if (opt.startsWith('target-cpu=')) return 'target-cpu';
  if (opt.startsWith('link-arg=-fuse-ld=')) return 'fuse-ld';
  if (opt.startsWith('linker=')) return 'linker';
  return null;
}

export function readFlags(value: TomlValue | undefined): string[] | null {
  if (value === undefined) return null;
  if (typeof value === 'string') return value.split(/\s+/).filter(Boolean);
  if (Array.isArray(value)) return value.map(String);
  return null;
}

/** Every rustflag a config file sets, in [build] and each [target] table (yours and init's). */
export function configRustflags(doc: TomlTable): string[] {
  const target = getIn(doc, ['target']);
  const targets = target && typeof target === 'object' && !Array.isArray(target) ? Object.values(target) : [];
  return [getIn(doc, ['build']), ...targets].flatMap((t) => (t && typeof t === 'object' && !Array.isArray(t) ? (readFlags((t as TomlTable).rustflags) ?? []) : []));
}

const sameUnit = (a: readonly string[], b: readonly string[]) => a.join('\u0000') === b.join('\u0000');

const flagsText = (flags: readonly string[]) => `\`${flags.join(' ')}\``;

export function planCargoConfig(input: ConfigPlanInput): ConfigPlan {
  const { file, host, force } = input;
  const notes: string[] = [];
  const kept: string[] = [];
  const doc: TomlTable = input.existing === null ? {} : parseToml(input.existing, file);

  for (const key of Object.keys((getIn(doc, ['profile']) as TomlTable | undefined) ?? {})) {
    notes.push(`${file} has [profile.${key}]: it overrides Cargo.toml's profile of the same name without warning; consider moving it to Cargo.toml.`);
  }

  // The user's own rustflags tables, here and in the other config files cargo reads. A key of the
  // narrowed shape is ours only when narrowing one of our shapes against the user's other tables
  // gives exactly that key (a user may well write cfg(all(target_arch = "x86_64", not(windows)))).
  const keys = targetTables(doc).map(([k]) => k);
  const describe = (entries: { file: string; key: string }[]): UserTargetTable[] =>
    entries.map(({ file: f, key }) => ({ key, where: `${f} [target.${formatKeyPath([key])}]`, cfgLines: key.startsWith('cfg(') ? undefined : (input.tripleCfg?.[key] ?? null) }));
  const others = (input.otherConfigs ?? []).flatMap((c) => targetTables(c.table).map(([k]) => ({ file: c.file, key: k })));
  const plainUser = describe([...keys.filter((k) => !isOurCfg(k, host)).map((key) => ({ file, key })), ...others]);
  const reproducible = new Set(knownCfgs(host).map((k) => exclusiveCfg(k, plainUser, '').cfg));
  const ours = keys.filter((k) => knownCfgs(host).includes(k) || (isOurCfg(k, host) && reproducible.has(k)));
  const userTables = describe([...keys.filter((k) => !ours.includes(k)).map((key) => ({ file, key })), ...others]);

  // What an earlier init wrote stays unless the user names it now (--cpu, --linker) or --force.
  const ourUnits = ours.flatMap((k) => flagUnits(readFlags(getIn(doc, ['target', k, 'rustflags'])) ?? []));
  const earlier = (key: string) => ourUnits.find((u) => managedKey(u) === key);
  const earlierCpu = earlier('target-cpu')?.join('').replace(/^-C/, '').replace(/^target-cpu=/, '');
  const cpu = input.cpu ?? earlierCpu ?? 'none';
  const linkerFlags = input.linkerFlags ?? earlier('fuse-ld') ?? [];
  const replaces = (unit: readonly string[]) => force || (managedKey(unit) === 'target-cpu' && input.cpu !== undefined) || (managedKey(unit) === 'fuse-ld' && input.linkerFlags !== undefined);
  const tables = plannedTables(cpu, linkerFlags, host);
  const buildFlags = readFlags(getIn(doc, ['build', 'rustflags'])) ?? [];
  const buildUnits = flagUnits(buildFlags);
  if (buildUnits.length > 0 && tables.length > 0) {
    notes.push(`${file} [build] rustflags = ${formatValue(buildFlags)}: cargo ignores [build] rustflags when a [target] table matches, so they were copied into the target tables.`);
  }

  // Each planned table, narrowed so it never matches a build one of the user's tables matches.
  const desired = new Map<string, RustflagsTable>();
  for (const t of tables) {
    const ex = exclusiveCfg(t.cfg, userTables, flagsText(t.flags));
    notes.push(...ex.notes);
    if (ex.cfg !== null) desired.set(ex.cfg, { ...t, cfg: ex.cfg });
  }

  const carried = [...desired.values()].flatMap((t) => flagUnits(t.flags));
  let text = input.existing ?? '';
  const created: RustflagsTable[] = [];
  const keptStale: string[] = [];
  for (const cfg of [...new Set([...ours, ...desired.keys()])]) {
    const path = ['target', cfg, 'rustflags'];
    const current = readFlags(getIn(doc, path));
    const want = desired.get(cfg)?.flags;
    if (current === null) continue;
    const units = flagUnits(current);
    const wantUnits = want ? [...flagUnits(want), ...buildUnits] : [];
    let next = units.map((u) => [...u]);
    for (const w of wantUnits) {
      if (next.some((u) => sameUnit(u, w))) continue;
      const key = managedKey(w);
      const clash = key === null ? -1 : next.findIndex((u) => managedKey(u) === key);
      if (clash >= 0) {
        if (replaces(next[clash])) {
          if (!force) notes.push(`replaced ${next[clash].join(' ')} with ${w.join(' ')} in ${file} [target.${formatKeyPath([cfg])}] rustflags`);
          next[clash] = [...w];
        } else kept.push(`kept ${next[clash].join(' ')} in ${file} [target.${formatKeyPath([cfg])}] rustflags (use --force to set ${w.join(' ')})`);
        continue;
      }
      next.push([...w]);
    }
    // Flags we manage that the current choice does not want (e.g. --cpu none after --cpu native, or a
    // table of an earlier run that is not exclusive of the user's tables).
    const stale = next.filter((u) => managedKey(u) !== null && !wantUnits.some((w) => sameUnit(w, u)) && !wantUnits.some((w) => managedKey(w) === managedKey(u)));
    // A flag that moves to another of our tables (same value, new table shape) is not the user's to keep.
    const staleKept = stale.filter((u) => !replaces(u) && !carried.some((w) => sameUnit(w, u)));
    for (const u of stale) if (!staleKept.includes(u) && !force) notes.push(`removed ${u.join(' ')} from ${file} [target.${formatKeyPath([cfg])}] rustflags`);
    next = next.filter((u) => !stale.includes(u) || staleKept.includes(u));
    for (const u of staleKept) kept.push(`kept ${u.join(' ')} in ${file} [target.${formatKeyPath([cfg])}] rustflags (use --force to remove it)`);
    if (staleKept.length > 0 && want === undefined) keptStale.push(cfg);
    // A table of ours with nothing left but the [build] flags we copied goes away entirely.
    if (want === undefined && staleKept.length === 0 && next.every((u) => buildUnits.some((b) => sameUnit(b, u)))) {
      const removed = removeTable(text, cfg);
      if (removed !== null) {
        text = removed;
        notes.push(`removed [target.${formatKeyPath([cfg])}] from ${file}: init no longer writes it${force ? ' (--force)' : ''}`);
        continue;
      }
    }
    const flat = next.flat();
    if (!sameUnit(flat, current)) text = setTomlValue(text, path, flat, file);
  }
  for (const [cfg, t] of desired) {
    if (readFlags(getIn(doc, ['target', cfg, 'rustflags'])) !== null) continue;
    // An earlier run's table still holding flags would give the same builds our flags twice.
    const clash = keptStale.find((k) => cfgSatisfiable({ kind: 'all', items: [parseCfgKey(k), parseCfgKey(cfg)] }));
    if (clash) {
      notes.push(`[target.${formatKeyPath([cfg])}] not written: ${file} [target.${formatKeyPath([clash])}] from an earlier init still applies to the same builds; run init with --force to replace it.`);
      continue;
    }
    created.push(t);
  }

  if (created.length > 0) {
    const blocks = created.map((t) => `# ${t.comment}\n[target.${formatKeyPath([t.cfg])}]\nrustflags = ${formatValue([...t.flags, ...buildUnits.flat()])}\n`);
    if (input.existing === null) {
      text = `# Written by \`nx g rust-perf:init\`. Flags live in [target.'cfg(…)'] tables only: cargo ignores\n# [build] rustflags whenever a target table matches, and joins all matching target tables (so these\n# tables are narrowed to never match a build your own target tables match).\n# Profiles belong in Cargo.toml, not here (a [profile] here silently overrides it).\n\n${blocks.join('\n')}`;
    } else {
      text = `${text}${text === '' || text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n'}${blocks.join('\n')}`;
    }
  }
  if (text !== (input.existing ?? '')) parseToml(text, file);

  if (input.existing === null && created.length === 0) return { text: null, notes, kept };
  return { text, notes, kept };
}
