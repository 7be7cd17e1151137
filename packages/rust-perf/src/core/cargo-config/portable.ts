// The portable-config migration (pure: text in, text out). Before 0.1.0, init's default --cpu was
// native and wrote `-C target-cpu=native` into its own [target.'cfg(…)'] tables: every binary built
// from that config, CI artifacts included, needs the building CPU (SIGILL elsewhere, and valgrind
// 3.19 cannot decode the AVX-512 it enables). Since 0.1.0 init is portable by default and the
// build-native target does CPU-tuned builds with the CPU in its cache key. This removes exactly
// that flag from init's own tables, as `init --cpu none --force` would, and nothing else: the
// user's tables, other flags and the linker init proved stay.
import { formatKeyPath, getIn, parseToml } from '../toml/toml';
import type { TomlTable } from '../toml/toml';
import { isOurCfg, managedKey, planCargoConfig, plannedTables, readFlags } from './plan';
import { flagUnits, type Host } from '../rustflags/units';

export interface PortableConfigChange {
  /** New text, or null when the file has no target-cpu=native in init's tables (nothing to do). */
  text: string | null;
  /** init's tables that held target-cpu=native, as `[target.'…']` headers. */
  tables: string[];
  notes: string[];
}

const OLD_HOST_COMMENT = 'x86_64 on this host OS: CPU tuning plus the linker proven here.';

const isNative = (unit: readonly string[]) => managedKey(unit) === 'target-cpu' && unit.join('').endsWith('target-cpu=native');

export function portableCargoConfig(existing: string, file: string, host: Host): PortableConfigChange {
  const doc = parseToml(existing, file);
  const targets = (getIn(doc, ['target']) as TomlTable | undefined) ?? {};
  const ours = Object.keys(targets).filter((k) => isOurCfg(k, host));
  const unitsOf = (k: string) => flagUnits(readFlags(getIn(doc, ['target', k, 'rustflags'])) ?? []);
  const native = ours.filter((k) => unitsOf(k).some(isNative));
  if (native.length === 0) return { text: null, tables: [], notes: [] };
  // The linker init proved on this host stays: the plan for --cpu none keeps it and drops only the CPU flag.
  const linkerUnits = ours.flatMap(unitsOf).filter((u) => managedKey(u) === 'fuse-ld' || managedKey(u) === 'linker');
  const linkerFlags = linkerUnits.filter((u, i) => linkerUnits.findIndex((v) => v.join('\u0000') === u.join('\u0000')) === i).flat();
  const plan = planCargoConfig({ existing, file, cpu: 'none', linkerFlags, host, force: true });
  let text = plan.text ?? '';
  // A kept table's comment still says "CPU tuning": give it the comment init writes for it now.
  for (const t of plannedTables('none', linkerFlags, host)) {
    const header = `[target.${formatKeyPath([t.cfg])}]`;
    text = text.replace(`# ${OLD_HOST_COMMENT}\n${header}`, `# ${t.comment}\n${header}`);
  }
  return { text, tables: native.map((k) => `[target.${formatKeyPath([k])}]`), notes: plan.notes };
}
