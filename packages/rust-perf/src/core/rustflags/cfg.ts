// Evaluates the `cfg(...)` keys of `[target.'cfg(...)']` tables against `rustc --print cfg`.
export class CfgSyntaxError extends Error {}

type Expr = { kind: 'all' | 'any'; items: Expr[] } | { kind: 'not'; item: Expr } | { kind: 'pred'; name: string; value?: string };

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

function parse(tokens: string[], text: string): Expr {
  let i = 0;
  const expect = (t: string) => {
    if (tokens[i] !== t) throw new CfgSyntaxError(`expected \`${t}\` in cfg expression: ${text}`);
    i++;
  };
  const expr = (): Expr => {
    const name = tokens[i++];
    if (!name || !/^[A-Za-z_]/.test(name)) throw new CfgSyntaxError(`expected a cfg name in: ${text}`);
    if ((name === 'all' || name === 'any' || name === 'not') && tokens[i] === '(') {
      i++;
      const items: Expr[] = [];
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

function evaluate(e: Expr, cfg: ReadonlySet<string>): boolean {
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
  const walk = (e: Expr): boolean | undefined => {
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
