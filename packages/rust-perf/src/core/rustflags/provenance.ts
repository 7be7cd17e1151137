// Where each rustflag a build gets really came from, for the build log: the user's own table, a
// table init wrote (it marks each with its comment, core/cargo-config/plan.ts), the user's
// [build] flags init copied into its table, an environment variable, or the rust-perf target.
import * as path from 'node:path';
import { flagUnits, type Host } from './units';
import { flagsFromValue, type FlagGroup } from './rustflags';
import type { CargoConfigFile } from '../context/cargo-configs';
import { getIn } from '../toml/toml';

export interface LabelledFlag {
  /** One flag unit as cargo passes it (`-C target-cpu=x86-64-v3`). */
  flag: string;
  from: string;
}

/** The build target's arch and OS from `rustc --print cfg` lines (undefined without them). */
export function hostFromCfg(cfgLines: readonly string[] | undefined): Host | undefined {
  const value = (name: string) => cfgLines?.map((l) => new RegExp(`^${name}="(.*)"$`).exec(l)?.[1]).find((v) => v !== undefined);
  const arch = value('target_arch');
  const os = value('target_os');
  return arch && os ? { arch, os } : undefined;
}

/**
 * Whether init wrote the `[target.<key>]` table in this config text (core/cargo-config/plan.ts isInitTable):
 * passed in, since init's table shapes belong to the config planner above this module.
 */
export type InitTableTest = (text: string, key: string, host: Host) => boolean;

export function labelRustflags(groups: readonly FlagGroup[], configs: readonly CargoConfigFile[], host: Host | undefined, cwd: string, isInitTable: InitTableTest): LabelledFlag[] {
  // Files outside the workspace ($CARGO_HOME/config.toml) keep their absolute path.
  const rel = (file: string) => {
    const r = path.relative(cwd, file);
    return r === '' || r.startsWith('..') || path.isAbsolute(r) ? file : r;
  };
  const byFile = new Map(configs.map((c) => [c.file, c]));
  // [build] flag units of every config: init copies them into its tables, so there they are still the user's.
  const buildUnits = configs.flatMap((c) => flagUnits(flagsFromValue(getIn(c.table, ['build', 'rustflags'])) ?? []).map((u) => ({ unit: u.join(' '), file: c.file })));
  const out: LabelledFlag[] = [];
  for (const g of groups) {
    const o = g.origin;
    for (const unit of flagUnits(g.flags)) {
      const flag = unit.join(' ');
      let from: string;
      if (o.kind === 'env') from = `the environment (${o.name})`;
      else if (o.kind === 'added') from = `added by ${o.by}`;
      else if (o.table === 'build') from = `your [build] rustflags in ${rel(o.file)}`;
      else {
        const where = `${rel(o.file)} [target.'${o.table}']`;
        const text = byFile.get(o.file)?.text;
        const ours = host !== undefined && text !== undefined && isInitTable(text, o.table, host);
        const copied = ours ? buildUnits.find((b) => b.unit === flag) : undefined;
        if (copied) from = `your [build] rustflags in ${rel(copied.file)}, copied by init into its table ${where}`;
        else from = ours ? `rust-perf's table, written by init: ${where}` : `your table ${o.table.startsWith('cfg(') ? where : `${rel(o.file)} [target.${o.table}]`}`;
      }
      out.push({ flag, from });
    }
  }
  return out;
}

/** The log lines: the flags on one line (as before), then one line per flag naming its origin. */
export function describeRustflags(flags: readonly string[], labelled: readonly LabelledFlag[]): string[] {
  if (flags.length === 0) return [];
  const width = Math.min(48, Math.max(...labelled.map((l) => l.flag.length)));
  return [`  rustflags: ${flags.join(' ')}`, ...labelled.map((l) => `    ${l.flag.padEnd(width)}  ${l.from}`)];
}
