// Makes a planned `[target.'cfg(…)']` table exclusive of the user's own rustflags tables. Cargo
// joins the rustflags of EVERY matching target table (checked with cargo 1.95 `build -v --target
// x86_64-unknown-linux-musl`: a cfg(all(target_arch = "x86_64", target_os = "linux")) table joins a
// [target.x86_64-unknown-linux-musl] table), so a table we add must never match a build theirs matches.
import { CfgSyntaxError, cfgMatches, cfgSatisfiable, formatCfg, parseCfgKey } from '../rustflags/cfg';
import type { CfgExpr } from '../rustflags/cfg';

export interface UserTargetTable {
  /** The table key as cargo reads it: a triple, or `cfg(…)`. */
  key: string;
  /** Where it is, for messages: `rust/.cargo/config.toml [target.x86_64-unknown-linux-musl]`. */
  where: string;
  /** For a triple key: `rustc --print cfg --target <triple>` lines, or null when rustc does not know the triple. */
  cfgLines?: readonly string[] | null;
}

export interface Exclusion {
  /** The narrowed key, or null when no table can be written without joining theirs. */
  cfg: string | null;
  /** One line per user table that overlapped, saying what was done. */
  notes: string[];
}

// The cfg keys that identify a triple for exclusion. Vendor is left out on purpose: excluding every
// vendor of x86_64-linux-musl is safe (it only narrows our table) and reads better.
const IDENTITY = ['target_arch', 'target_os', 'target_env', 'target_abi'];

function cfgValue(lines: readonly string[], name: string): string | undefined {
  for (const l of lines) {
    const m = /^\s*([A-Za-z_]+)\s*=\s*"(.*)"\s*$/.exec(l);
    if (m && m[1] === name) return m[2];
  }
  return undefined;
}

function items(e: CfgExpr): CfgExpr[] {
  return e.kind === 'all' ? e.items : [e];
}

/** Predicates of the triple that `ours` does not already force, so `not(all(…))` stays short. */
function tripleExclusion(ours: CfgExpr, lines: readonly string[]): CfgExpr {
  const preds: CfgExpr[] = [];
  for (const name of IDENTITY) {
    const value = cfgValue(lines, name);
    if (value === undefined || value === '') continue;
    const p: CfgExpr = { kind: 'pred', name, value };
    // Implied by ours when ours ∧ ¬p has no target.
    if (!cfgSatisfiable({ kind: 'all', items: [ours, { kind: 'not', item: p }] })) continue;
    preds.push(p);
  }
  if (preds.length === 0) return { kind: 'all', items: IDENTITY.map((name) => ({ kind: 'pred' as const, name, value: cfgValue(lines, name) ?? '' })).filter((p) => p.value !== '') };
  return preds.length === 1 ? preds[0] : { kind: 'all', items: preds };
}

/**
 * Narrows `ours` (a `cfg(…)` key) with `not(…)` so no build matches both it and any user table.
 * `flagsText` names our flags for the "add by hand" advice.
 */
export function exclusiveCfg(ours: string, userTables: readonly UserTargetTable[], flagsText: string): Exclusion {
  const base = parseCfgKey(ours);
  const extra: CfgExpr[] = [];
  const notes: string[] = [];
  // Always `cfg(all(<ours>, not(…), …))`, even for not(not(x)): plan.ts recognizes its own tables by that shape.
  const narrowedKey = () => (extra.length === 0 ? ours : `cfg(${formatCfg({ kind: 'all', items: [...items(base), ...extra.map((x) => ({ kind: 'not' as const, item: x }))] })})`);
  for (const t of userTables) {
    let theirs: CfgExpr;
    if (t.key.startsWith('cfg(')) {
      try {
        theirs = parseCfgKey(t.key);
      } catch (e) {
        if (!(e instanceof CfgSyntaxError)) throw e;
        return { cfg: null, notes: [`not written: [target.'${ours}'] with ${flagsText}, because ${t.where} has a cfg init cannot read (${e.message}), so it cannot tell whether cargo would join both. Add ${flagsText} to the tables you want by hand.`] };
      }
      const current = parseCfgKey(narrowedKey());
      if (!cfgSatisfiable({ kind: 'all', items: [current, theirs] })) continue;
      // Parts of an all(…) that ours already forces add nothing: not(all(x86_64, X)) reads as not(X).
      if (theirs.kind === 'all') {
        const rest = theirs.items.filter((i) => cfgSatisfiable({ kind: 'all', items: [current, { kind: 'not', item: i }] }));
        if (rest.length > 0) theirs = rest.length === 1 ? rest[0] : { kind: 'all', items: rest };
      }
      extra.push(theirs);
      notes.push(`${t.where} can match the same builds as [target.'${ours}'], and cargo would join both tables' rustflags: ours is narrowed with not(${formatCfg(theirs)}), so builds matching yours get none of ${flagsText} (add them to your table by hand if you want them there).`);
    } else {
      if (t.cfgLines === null || t.cfgLines === undefined) {
        return { cfg: null, notes: [`not written: [target.'${ours}'] with ${flagsText}, because rustc does not know the target ${t.key} of ${t.where} (rustc --print cfg --target ${t.key} failed), so init cannot tell whether cargo would join both tables. Add ${flagsText} to the tables you want by hand.`] };
      }
      if (!cfgMatches(narrowedKey(), t.cfgLines)) continue;
      const ex = tripleExclusion(parseCfgKey(narrowedKey()), t.cfgLines);
      extra.push(ex);
      notes.push(`${t.where} matches builds for ${t.key}, and so would [target.'${ours}']; cargo would join both tables' rustflags: ours is narrowed with not(${formatCfg(ex)}), so ${t.key} builds get only your flags (add ${flagsText} to your table by hand if you want them there).`);
    }
  }
  const key = narrowedKey();
  if (!cfgSatisfiable(parseCfgKey(key))) {
    return { cfg: null, notes: [`not written: [target.'${ours}'] with ${flagsText}, because your target tables (${userTables.map((t) => t.where).join(', ')}) already cover every build it would apply to, and cargo would join both. Add ${flagsText} to your table(s) by hand if you want them.`] };
  }
  return { cfg: key, notes };
}
