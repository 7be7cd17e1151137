// The conflict policy shared by every generator edit: set what is missing, skip what already
// has our value (so a second run changes nothing), and keep a value the user chose unless forced.
import { formatKeyPath, formatValue, getIn, parseToml, setTomlValues } from '../toml/toml';
import type { TomlValue } from '../toml/toml';

export interface PlannedValue {
  path: readonly string[];
  value: TomlValue;
}

export interface KeptValue {
  path: readonly string[];
  current: TomlValue;
  wanted: TomlValue;
}

/** Keys of one decision (see INTENT_GROUPS): the user's value for one keeps the others unset. */
export interface KeyGroup {
  keys: readonly string[];
  note?: string;
}

/** A value not set because the user chose another key of its group in the same table. */
export interface GroupKept {
  /** The user's keys of the group in that table, with their values. */
  because: { key: string; value: TomlValue }[];
  table: readonly string[];
  skipped: PlannedValue[];
}

export interface EditResult {
  text: string;
  set: PlannedValue[];
  kept: KeptValue[];
  groupKept: GroupKept[];
  /** Notes of the groups a set value belongs to (once each). */
  notes: string[];
}

export function sameTomlValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies `values` to TOML text under the keep-unless-forced policy. Throws TomlSyntaxError on malformed input. */
export function applyValues(text: string, values: readonly PlannedValue[], options: { force: boolean; file: string; groups?: readonly KeyGroup[] }): EditResult {
  const doc = parseToml(text, options.file);
  const set: PlannedValue[] = [];
  const kept: KeptValue[] = [];
  const groupKept: GroupKept[] = [];
  const notes: string[] = [];
  const groupOf = (path: readonly string[]) => options.groups?.find((g) => g.keys.includes(path[path.length - 1]));
  for (const v of values) {
    const group = groupOf(v.path);
    const table = v.path.slice(0, -1);
    if (group && !options.force && getIn(doc, v.path) === undefined) {
      const because = group.keys.flatMap((key) => {
        const value = getIn(doc, [...table, key]);
        return value === undefined ? [] : [{ key, value }];
      });
      if (because.length > 0) {
        const entry = groupKept.find((g) => sameTomlValue(g.table, table) && sameTomlValue(g.because, because));
        if (entry) entry.skipped.push(v);
        else groupKept.push({ because, table, skipped: [v] });
        continue;
      }
    }
    const current = getIn(doc, v.path);
    if (current !== undefined && sameTomlValue(current, v.value)) continue;
    if (current !== undefined && !options.force) {
      kept.push({ path: v.path, current, wanted: v.value });
      continue;
    }
    set.push(v);
    if (group?.note && !notes.includes(group.note)) notes.push(group.note);
  }
  // One call for all edits, so an edit refused after others is reported at the line of the user's file.
  const out = set.length > 0 ? setTomlValues(text, set.map((v) => [v.path, v.value] as const), options.file) : text;
  return { text: out, set, kept, groupKept, notes };
}

/** `kept debug = 1 in Cargo.toml [profile.release], so strip is not set (one decision: debug, strip, split-debuginfo); use --force to set strip = true` */
export function describeGroupKept(g: GroupKept, file: string, groups: readonly KeyGroup[]): string {
  const group = groups.find((x) => x.keys.includes(g.because[0].key));
  const where = g.table.length > 0 ? ` [${formatKeyPath(g.table)}]` : '';
  const skipped = g.skipped.map((v) => formatKeyPath([v.path[v.path.length - 1]]));
  return `kept ${g.because.map((b) => `${formatKeyPath([b.key])} = ${formatValue(b.value)}`).join(', ')} in ${file}${where}, so ${skipped.join(', ')} ${skipped.length === 1 ? 'is' : 'are'} not set (one decision: ${group?.keys.join(', ')}); use --force to set ${g.skipped.map((v) => `${formatKeyPath([v.path[v.path.length - 1]])} = ${formatValue(v.value)}`).join(', ')}`;
}

/** `kept lto = false in rust/Cargo.toml [profile.release] (use --force to set "thin")` */
export function describeKept(k: KeptValue, file: string): string {
  const table = k.path.slice(0, -1);
  const key = k.path[k.path.length - 1];
  const where = table.length > 0 ? ` [${formatKeyPath(table)}]` : '';
  return `kept ${formatKeyPath([key])} = ${formatValue(k.current)} in ${file}${where} (use --force to set ${formatValue(k.wanted)})`;
}
