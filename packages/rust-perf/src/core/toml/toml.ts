// The one TOML module: parse with positions, and edit by splicing text so that every comment,
// blank line, key order and quoting outside the edited keys stays byte-identical.
//
// Built on toml-eslint-parser (a TOML 1.0 parser that returns an AST with source ranges).
// @rainbowatcher/toml-edit-js was tried first: its edit paths split on '.', so a key such as
// target.'cfg(target_arch = "x86_64")' cannot be addressed, and creating [a.b] writes an empty
// [a] table too (see README, "TOML editing").
import { parseTOML, getStaticTOMLValue } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: invalid TOML: ${reason}`);
    this.name = 'TomlSyntaxError';
  }
}

function parseAst(text: string, file: string): AST.TOMLProgram {
  try {
    return parseTOML(text, { filePath: file });
  } catch (e) {
    const err = e as { message?: string; lineNumber?: number; column?: number };
    // toml-eslint-parser reports 1-based lines and 0-based columns.
    throw new TomlSyntaxError(file, err.lineNumber ?? 1, (err.column ?? 0) + 1, err.message ?? String(e));
  }
}

/** Parses TOML text into plain values; errors name file, line and column. */
export function parseToml(text: string, file: string): TomlTable {
  const value = getStaticTOMLValue(parseAst(text, file)) as unknown;
  return normalize(value) as TomlTable;
}

// Dates and bigints become strings: nothing we edit needs them, and plain JSON-able values compare simply.
function normalize(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(normalize);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = normalize(v);
    return out;
  }
  return value;
}

export function getIn(table: TomlTable | undefined, path: readonly string[]): TomlValue | undefined {
  let cur: TomlValue | undefined = table;
  for (const key of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as TomlTable)[key];
  }
  return cur;
}

const BARE_KEY = /^[A-Za-z0-9_-]+$/;

export function formatKey(key: string): string {
  if (BARE_KEY.test(key)) return key;
  if (!key.includes("'") && !/[\n\r]/.test(key)) return `'${key}'`;
  return JSON.stringify(key);
}

export function formatKeyPath(path: readonly string[]): string {
  return path.map(formatKey).join('.');
}

/** Inline TOML text for a value (strings, numbers, booleans, arrays, inline tables). */
export function formatValue(value: TomlValue): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as TOML`);
    return Number.isInteger(value) ? String(value) : String(value).includes('.') ? String(value) : value.toFixed(1);
  }
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(formatValue).join(', ')}]`;
  const entries = Object.entries(value);
  if (entries.length === 0) return '{}';
  return `{ ${entries.map(([k, v]) => `${formatKey(k)} = ${formatValue(v)}`).join(', ')} }`;
}

interface KeyValueSite {
  path: string[];
  node: AST.TOMLKeyValue;
  table: AST.TOMLTable | null;
}

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

function tablePath(table: AST.TOMLTable): string[] {
  return table.resolvedKey.map(String);
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((k, i) => path[i] === k);
}

// Key order is not meaning: a new key lands before a sub-table's keys in text but after them in the parse.
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, canonical((value as Record<string, unknown>)[k])]));
  }
  return value;
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
}

function lineEnd(text: string, index: number): number {
  const nl = text.indexOf('\n', index);
  return nl === -1 ? text.length : nl + 1;
}

function lineStart(text: string, index: number): number {
  return text.lastIndexOf('\n', index - 1) + 1;
}

function indentOf(text: string, index: number): string {
  const start = lineStart(text, index);
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/**
 * Sets `path` to `value`, preserving everything else. Existing scalars are replaced in place
 * (their trailing comments kept); missing keys are added at the end of their table; missing
 * tables are created after the last table that shares their first key, else at the end.
 * The result is re-parsed and checked: the edit must change exactly `path`.
 */
export function setTomlValue(text: string, path: readonly string[], value: TomlValue, file = 'TOML'): string {
  if (path.length === 0) throw new Error('empty TOML path');
  const ast = parseAst(text, file);
  const before = normalize(getStaticTOMLValue(ast)) as TomlTable;
  const next = splice(text, ast, path, value);
  const after = parseToml(next, file);
  const expected = structuredClone(before);
  assignIn(expected, path, value);
  if (!sameValue(after, expected)) {
    throw new Error(`internal error: editing ${formatKeyPath(path)} in ${file} would change other values; nothing was written`);
  }
  return next;
}

/** Applies several edits in order; a convenience over setTomlValue. */
export function setTomlValues(text: string, edits: ReadonlyArray<readonly [readonly string[], TomlValue]>, file = 'TOML'): string {
  return edits.reduce((acc, [path, value]) => setTomlValue(acc, path, value, file), text);
}

function assignIn(table: TomlTable, path: readonly string[], value: TomlValue): void {
  let cur = table;
  for (const key of path.slice(0, -1)) {
    const nextTable = cur[key];
    if (!nextTable || typeof nextTable !== 'object' || Array.isArray(nextTable)) cur[key] = {};
    cur = cur[key] as TomlTable;
  }
  cur[path[path.length - 1]] = value;
}

function collectSites(ast: AST.TOMLProgram): { sites: KeyValueSite[]; tables: AST.TOMLTable[]; top: AST.TOMLTopLevelTable } {
  const top = ast.body[0];
  const sites: KeyValueSite[] = [];
  const tables: AST.TOMLTable[] = [];
  for (const item of top.body) {
    if (item.type === 'TOMLKeyValue') {
      sites.push({ path: item.key.keys.map(keyName), node: item, table: null });
    } else {
      tables.push(item);
      if (item.kind === 'array') continue; // [[x]] entries are addressed by appendArrayTable only
      for (const kv of item.body) sites.push({ path: [...tablePath(item), ...kv.key.keys.map(keyName)], node: kv, table: item });
    }
  }
  return { sites, tables, top };
}

function splice(text: string, ast: AST.TOMLProgram, path: readonly string[], value: TomlValue): string {
  const { sites, tables, top } = collectSites(ast);

  // 1. The key exists: replace its value text only.
  const exact = sites.find((s) => sameValue(s.path, path));
  if (exact) {
    const [from, to] = exact.node.value.range;
    return text.slice(0, from) + formatValue(value) + text.slice(to);
  }

  // 2. An inline table holds the path: rewrite that inline table.
  const inline = sites.find((s) => startsWith(path, s.path) && s.node.value.type === 'TOMLInlineTable');
  if (inline) {
    const current = normalize(getStaticTOMLValue(inline.node.value)) as TomlTable;
    assignIn(current, path.slice(inline.path.length), value);
    const [from, to] = inline.node.value.range;
    return text.slice(0, from) + formatValue(current) + text.slice(to);
  }

  // 3. Dotted keys below the path (serde.workspace = true): replace them with one key.
  const below = sites.filter((s) => startsWith(s.path, path) && s.path.length > path.length);
  if (below.length > 0) {
    const owner = below[0].table;
    const rel = path.slice(owner ? tablePath(owner).length : 0);
    let out = text;
    for (const site of [...below].reverse()) {
      const start = lineStart(out, site.node.range[0]);
      const end = lineEnd(out, site.node.range[1]);
      out = site === below[0] ? out.slice(0, site.node.range[0]) + `${formatKeyPath(rel)} = ${formatValue(value)}` + out.slice(site.node.range[1]) : out.slice(0, start) + out.slice(end);
    }
    return out;
  }

  // 4. Add the key to the deepest existing standard table that holds it.
  const owner = tables
    .filter((t) => t.kind === 'standard' && startsWith(path, tablePath(t)) && tablePath(t).length < path.length)
    .sort((a, b) => tablePath(b).length - tablePath(a).length)[0];
  const ownerLen = owner ? tablePath(owner).length : 0;
  const rest = path.slice(ownerLen);
  const line = `${formatKeyPath(rest)} = ${formatValue(value)}`;

  if (owner && rest.length === 1) return insertInTable(text, owner, line);
  if (!owner && rest.length === 1) {
    // Top-level key: after the last top-level key, before the first table.
    const lastTop = top.body.filter((i): i is AST.TOMLKeyValue => i.type === 'TOMLKeyValue').pop();
    const at = lastTop ? lineEnd(text, lastTop.range[1]) : 0;
    return text.slice(0, at) + line + '\n' + text.slice(at);
  }

  // 5. A new table [path[..-1]] placed after its siblings (same first key), else at the end.
  const tableKey = path.slice(0, -1);
  const header = `[${formatKeyPath(tableKey)}]\n${formatKey(path[path.length - 1])} = ${formatValue(value)}\n`;
  const siblings = tables.filter((t) => tablePath(t)[0] === path[0]);
  const anchor = siblings.length > 0 ? siblings[siblings.length - 1] : null;
  if (anchor) {
    const at = endOfTable(text, anchor);
    return text.slice(0, at) + '\n' + header + text.slice(at);
  }
  return appendBlock(text, header);
}

// End of a table's last line of content, so a following blank line and comments stay with the next table.
function endOfTable(text: string, table: AST.TOMLTable): number {
  return lineEnd(text, table.range[1]);
}

function insertInTable(text: string, table: AST.TOMLTable, line: string): string {
  const last = table.body[table.body.length - 1];
  const at = last ? lineEnd(text, last.range[1]) : lineEnd(text, table.key.range[1]);
  const indent = last ? indentOf(text, last.range[0]) : '';
  const needsNewline = at > 0 && text[at - 1] !== '\n';
  return text.slice(0, at) + (needsNewline ? '\n' : '') + indent + line + '\n' + text.slice(at);
}

function appendBlock(text: string, block: string): string {
  if (text.trim() === '') return block;
  const base = text.endsWith('\n') ? text : text + '\n';
  return base + '\n' + block;
}

/** Appends a [[name]] entry (e.g. [[bench]]) after the last entry of that array, else at the end. */
export function appendArrayTable(text: string, name: readonly string[], entry: TomlTable, file = 'TOML'): string {
  const ast = parseAst(text, file);
  const { tables } = collectSites(ast);
  const body = Object.entries(entry)
    .map(([k, v]) => `${formatKey(k)} = ${formatValue(v)}\n`)
    .join('');
  const block = `[[${formatKeyPath(name)}]]\n${body}`;
  const same = tables.filter((t) => t.kind === "array" && sameValue(t.key.keys.map(keyName), name));
  const anchor = same[same.length - 1];
  const next = anchor ? text.slice(0, endOfTable(text, anchor)) + '\n' + block + text.slice(endOfTable(text, anchor)) : appendBlock(text, block);
  parseToml(next, file);
  return next;
}
