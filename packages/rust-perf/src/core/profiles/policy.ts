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

export interface EditResult {
  text: string;
  set: PlannedValue[];
  kept: KeptValue[];
}

export function sameTomlValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Applies `values` to TOML text under the keep-unless-forced policy. Throws TomlSyntaxError on malformed input. */
export function applyValues(text: string, values: readonly PlannedValue[], options: { force: boolean; file: string }): EditResult {
  const doc = parseToml(text, options.file);
  const set: PlannedValue[] = [];
  const kept: KeptValue[] = [];
  for (const v of values) {
    const current = getIn(doc, v.path);
    if (current !== undefined && sameTomlValue(current, v.value)) continue;
    if (current !== undefined && !options.force) {
      kept.push({ path: v.path, current, wanted: v.value });
      continue;
    }
    set.push(v);
  }
  // One call for all edits, so an edit refused after others is reported at the line of the user's file.
  return { text: set.length > 0 ? setTomlValues(text, set.map((v) => [v.path, v.value] as const), options.file) : text, set, kept };
}

/** `kept lto = false in rust/Cargo.toml [profile.release] (use --force to set "thin")` */
export function describeKept(k: KeptValue, file: string): string {
  const table = k.path.slice(0, -1);
  const key = k.path[k.path.length - 1];
  const where = table.length > 0 ? ` [${formatKeyPath(table)}]` : '';
  return `kept ${formatKeyPath([key])} = ${formatValue(k.current)} in ${file}${where} (use --force to set ${formatValue(k.wanted)})`;
}
