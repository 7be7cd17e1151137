// Evaluates the `cfg(...)` keys of `[target.'cfg(...)']` tables against `rustc --print cfg`.
export class CfgSyntaxError extends Error {}

export type CfgExpr = { kind: 'all' | 'any'; items: CfgExpr[] } | { kind: 'not'; item: CfgExpr } | { kind: 'pred'; name: string; value?: string };

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:([A-Za-z_][A-Za-z0-9_]*)|("(?:[^"\\]|\\.)*")|([(),=]))/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new CfgSyntaxError(`invalid cfg expression at column ${pos + 1}: ${text}`);
    tokens.push(m[1] ?? m[2] ?? m[3]);
    pos = re.lastIndex;
  }
  return tokens;
}

function parse(tokens: string[], text: string): CfgExpr {
  let i = 0;
  const expect = (t: string) => {
    if (tokens[i] !== t) throw new CfgSyntaxError(`expected \`${t}\` in cfg expression: ${text}`);
    i++;
  };
  const expr = (): CfgExpr => {
    const name = tokens[i++];
    if (!name || !/^[A-Za-z_]/.test(name)) throw new CfgSyntaxError(`expected a cfg name in: ${text}`);
    if ((name === 'all' || name === 'any' || name === 'not') && tokens[i] === '(') {
      i++;
      const items: CfgExpr[] = [];
      while (tokens[i] !== ')') {
        items.push(expr());
        if (tokens[i] === ',') i++;
        else if (tokens[i] !== ')') throw new CfgSyntaxError(`expected \`,\` or \`)\` in cfg expression: ${text}`);
      }
      expect(')');
      if (name === 'not') {
        if (items.length !== 1) throw new CfgSyntaxError(`not() takes one predicate: ${text}`);
        return { kind: 'not', item: items[0] };
      }
      return { kind: name, items };
    }
    if (tokens[i] === '=') {
      i++;
      const lit = tokens[i++];
      if (!lit?.startsWith('"')) throw new CfgSyntaxError(`expected a string after \`${name} =\`: ${text}`);
      return { kind: 'pred', name, value: JSON.parse(lit) as string };
    }
    return { kind: 'pred', name };
  };
  const result = expr();
  if (i !== tokens.length) throw new CfgSyntaxError(`unexpected \`${tokens[i]}\` in cfg expression: ${text}`);
  return result;
}

function evaluate(e: CfgExpr, cfg: ReadonlySet<string>): boolean {
  switch (e.kind) {
    case 'all':
      return e.items.every((x) => evaluate(x, cfg));
    case 'any':
      return e.items.some((x) => evaluate(x, cfg));
    case 'not':
      return !evaluate(e.item, cfg);
    case 'pred':
      return cfg.has(e.value === undefined ? e.name : `${e.name}="${e.value}"`);
  }
}

/** True when a `cfg(...)` table key matches the target described by `rustc --print cfg` lines. */
export function cfgMatches(key: string, rustcCfgLines: readonly string[]): boolean {
  const m = /^\s*cfg\s*\(([\s\S]*)\)\s*$/.exec(key);
  if (!m) throw new CfgSyntaxError(`not a cfg(...) key: ${key}`);
  const cfg = new Set(rustcCfgLines.map((l) => l.trim()));
  return evaluate(parse(tokenize(m[1]), key), cfg);
}

/**
 * Three-valued evaluation of a cfg predicate (the text inside `cfg(...)`, e.g. `target_env = "musl"`):
 * `lookup` answers each `name` / `name = "value"` with true, false or undefined (cannot tell), and
 * all/any/not combine them as Kleene logic does, so `any(unix, feature = "x")` is true on unix whatever x is.
 */
export function cfgValue(predicate: string, lookup: (name: string, value?: string) => boolean | undefined): boolean | undefined {
  const walk = (e: CfgExpr): boolean | undefined => {
    switch (e.kind) {
      case 'all': {
        const v = e.items.map(walk);
        return v.includes(false) ? false : v.includes(undefined) ? undefined : true;
      }
      case 'any': {
        const v = e.items.map(walk);
        return v.includes(true) ? true : v.includes(undefined) ? undefined : false;
      }
      case 'not': {
        const v = walk(e.item);
        return v === undefined ? undefined : !v;
      }
      case 'pred':
        return lookup(e.name, e.value);
    }
  };
  return walk(parse(tokenize(predicate), `cfg(${predicate})`));
}

/** Parses the key of a `[target.'cfg(...)']` table. Throws CfgSyntaxError. */
export function parseCfgKey(key: string): CfgExpr {
  const m = /^\s*cfg\s*\(([\s\S]*)\)\s*$/.exec(key);
  if (!m) throw new CfgSyntaxError(`not a cfg(...) key: ${key}`);
  return parse(tokenize(m[1]), key);
}

/** Cargo's spelling: `all(a, b)`, `target_os = "linux"`. */
export function formatCfg(e: CfgExpr): string {
  switch (e.kind) {
    case 'all':
    case 'any':
      return `${e.kind}(${e.items.map(formatCfg).join(', ')})`;
    case 'not':
      return `not(${formatCfg(e.item)})`;
    case 'pred':
      return e.value === undefined ? e.name : `${e.name} = ${JSON.stringify(e.value)}`;
  }
}

// Keys a target has exactly one value of: `target_os = "linux"` and `target_os = "windows"` never both hold.
const SINGLE_VALUED = new Set(['target_arch', 'target_os', 'target_env', 'target_abi', 'target_vendor', 'target_pointer_width', 'target_endian']);

function predicates(e: CfgExpr, out: Map<string, { name: string; value?: string }>): void {
  if (e.kind === 'pred') out.set(e.value === undefined ? e.name : `${e.name}="${e.value}"`, { name: e.name, value: e.value });
  else if (e.kind === 'not') predicates(e.item, out);
  else for (const i of e.items) predicates(i, out);
}

/**
 * Could some target satisfy `e`? Each predicate is a free boolean except that a single-valued key
 * (target_os, target_env, …) holds at most one value. With more than 16 predicates the answer is a
 * conservative `true`.
 */
export function cfgSatisfiable(e: CfgExpr): boolean {
  const preds = new Map<string, { name: string; value?: string }>();
  predicates(e, preds);
  const keys = [...preds.keys()];
  if (keys.length > 16) return true;
  for (let mask = 0; mask < 1 << keys.length; mask++) {
    const on = new Set(keys.filter((_, i) => (mask >> i) & 1));
    const perName = new Map<string, number>();
    let valid = true;
    for (const k of on) {
      const p = preds.get(k)!;
      if (p.value === undefined || !SINGLE_VALUED.has(p.name)) continue;
      const n = (perName.get(p.name) ?? 0) + 1;
      perName.set(p.name, n);
      if (n > 1) valid = false;
    }
    // `windows` (target_family = "windows") targets are target_os = "windows", and never `unix`.
    const windowsFamily = on.has('windows') || on.has('target_family="windows"');
    const unixFamily = on.has('unix') || on.has('target_family="unix"');
    const otherOs = [...on].some((k) => k.startsWith('target_os=') && k !== 'target_os="windows"');
    if ((windowsFamily && (otherOs || unixFamily)) || (unixFamily && on.has('target_os="windows"'))) valid = false;
    if (valid && evaluate(e, on)) return true;
  }
  return false;
}
