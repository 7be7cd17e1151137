// The one TOML module: parse with positions, and edit by splicing text so that every comment,
// blank line, key order, quoting and line ending outside the edited keys stays byte-identical.
//
// Built on toml-eslint-parser (a TOML parser that returns an AST with source ranges).
// @rainbowatcher/toml-edit-js was tried first: its edit paths split on '.', so a key such as
// target.'cfg(target_arch = "x86_64")' cannot be addressed, and creating [a.b] writes an empty
// [a] table too (see docs/architecture.md, "TOML editing").
//
// A table can be defined in four ways (TOML shapes): a [header], dotted keys (`release.lto = false`
// at the top level or inside a parent table), an inline table (`release = { lto = false }`), or
// implicitly as the parent of a header ([profile.release] defines `profile`). An edit finds the
// form the file already uses and extends it in that form; when TOML forbids the edit (a key that
// is a string, not a table; a table to be replaced by a value) it refuses, naming the user's line.
import { parseTOML, getStaticTOMLValue } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
// Not re-exported by the package index (0.12), but shipped in lib/ with types.
import { generateConvertTOMLValue } from 'toml-eslint-parser/lib/utils';

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

/** The user's file is not valid TOML. */
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

/** The file is valid, but TOML (or our policy) forbids the edit in the shape the file has. Nothing is written. */
export class TomlEditRefused extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly key: string,
    readonly reason: string,
    /** Offset of the refused definition in the text that was edited. */
    readonly offset = -1,
  ) {
    super(`${file}:${line}:${column}: cannot set ${key}: ${reason}; nothing was written`);
    this.name = 'TomlEditRefused';
  }
}

/** Our own output failed its re-parse check: a rust-perf bug, never the user's file. Nothing is written. */
export class TomlEditBug extends Error {
  constructor(
    readonly file: string,
    readonly key: string,
    readonly table: string,
    readonly reason: string,
  ) {
    super(`rust-perf bug: setting ${key}${table ? ` in [${table}]` : ''} of ${file} produced ${reason}; ${file} itself is valid and nothing was written. Please report it to the rust-perf maintainers with a copy of ${file}; meanwhile set that key by hand.`);
    this.name = 'TomlEditBug';
  }
}

/** Cargo 1.95 reads TOML 1.1 (checked: multi-line inline tables, \e, \xHH, times without seconds); so do we. */
const TOML_VERSION = '1.1';

function lineColumnAt(text: string, index: number): { line: number; column: number } {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - (before.lastIndexOf('\n') + 1) + 1 };
}

function parseAst(text: string, file: string): AST.TOMLProgram {
  // TOML's newlines are LF or CRLF; a lone CR is invalid anywhere (toml-test invalid/control/*-cr),
  // and toml-eslint-parser lets it through.
  const bareCr = /\r(?!\n)/.exec(text);
  if (bareCr) {
    const at = lineColumnAt(text, bareCr.index);
    throw new TomlSyntaxError(file, at.line, at.column, 'carriage return (CR) not followed by a line feed');
  }
  try {
    return parseTOML(text, { filePath: file, tomlVersion: TOML_VERSION });
  } catch (e) {
    const err = e as { message?: string; lineNumber?: number; column?: number };
    // toml-eslint-parser reports 1-based lines and 0-based columns.
    throw new TomlSyntaxError(file, err.lineNumber ?? 1, (err.column ?? 0) + 1, err.message ?? String(e));
  }
}

/**
 * Decodes a TOML file's bytes. TOML must be UTF-8; decoding with replacement characters and
 * writing the text back would corrupt the user's file, so an invalid byte is a syntax error.
 */
export function decodeToml(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    const good = firstInvalidUtf8(bytes);
    const prefix = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.subarray(0, good));
    const at = lineColumnAt(prefix, prefix.length);
    throw new TomlSyntaxError(file, at.line, at.column, `invalid UTF-8 at byte ${good}`);
  }
}

/** Offset of the first byte that does not start a valid UTF-8 sequence. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i];
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    // The decoder judges each sequence (overlong forms, surrogates, > U+10FFFF).
    if (length === 0 || !decodes(bytes.subarray(i, i + length))) return i;
    i += length;
  }
  return bytes.length;
}

function decodes(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

export type LineEnding = '\n' | '\r\n';

/** The file's own line ending: CRLF when most of its lines end so, else LF (also for a one-line file). */
export function lineEndingOf(text: string): LineEnding {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf > lf ? '\r\n' : '\n';
}

/** Rewrites every lone LF as CRLF (for text we generated; TOML never needs a bare LF kept). */
export function withLineEnding(text: string, eol: LineEnding): string {
  return eol === '\r\n' ? text.replace(/\r?\n/g, '\r\n') : text;
}

/** Parses TOML text into plain values; errors name file, line and column. */
export function parseToml(text: string, file: string): TomlTable {
  const value = getStaticTOMLValue(parseAst(text, file)) as unknown;
  return normalize(value) as TomlTable;
}

// Every value as a typed string (integer vs float, NaN, ±inf, each date kind): getStaticTOMLValue
// reads 1 and 1.0 alike and rounds big integers, too coarse to prove an edit moved nothing else.
const typedValues = generateConvertTOMLValue((node: AST.TOMLValue): string => {
  if (node.kind === 'integer') return `integer:${node.bigint}`;
  if (node.kind === 'float') return `float:${Object.is(node.value, -0) ? '-0' : node.value}`;
  if (node.kind === 'string' || node.kind === 'boolean') return `${node.kind}:${node.value}`;
  return `${node.kind}:${Number.isNaN(node.value.getTime()) ? String(node.value) : node.value.toISOString()}`;
});

/** The typed form of a value we write (formatValue writes whole numbers as integers). */
function typedOf(value: TomlValue): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? `integer:${value}` : `float:${value}`;
  if (typeof value === 'string' || typeof value === 'boolean') return `${typeof value}:${value}`;
  if (Array.isArray(value)) return value.map(typedOf);
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, typedOf(v)]));
}

function fingerprint(value: unknown): string {
  return JSON.stringify(sortedKeys(value));
}

function sortedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortedKeys((value as Record<string, unknown>)[k])]));
  return value;
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
  if (!key.includes("'") && !/[\u0000-\u001f\u007f]/.test(key)) return `'${key}'`;
  return formatString(key);
}

export function formatKeyPath(path: readonly string[]): string {
  return path.map(formatKey).join('.');
}

// JSON's escapes are valid TOML basic-string escapes; JSON leaves DEL (0x7f) raw, which TOML forbids.
function formatString(value: string): string {
  return JSON.stringify(value).replace(/\u007f/g, '\\u007F');
}

/** Inline TOML text for a value (strings, numbers, booleans, arrays, inline tables). */
export function formatValue(value: TomlValue): string {
  if (typeof value === 'string') return formatString(value);
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

function keyName(key: AST.TOMLBare | AST.TOMLQuoted): string {
  return key.type === 'TOMLBare' ? key.name : key.value;
}

function startsWith(path: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length <= path.length && prefix.every((k, i) => path[i] === k);
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

// ---------------------------------------------------------------------------------------------
// Where each table and key of a document is defined.

/** Where key/value lines of a table are written: the top level, a [header]'s body, or an inline table. */
interface InlineContainer {
  kind: 'inline';
  path: string[];
  kvs: AST.TOMLKeyValue[];
  node: AST.TOMLInlineTable;
}
type Container = { kind: 'top'; path: string[]; kvs: AST.TOMLKeyValue[] } | { kind: 'header'; path: string[]; kvs: AST.TOMLKeyValue[]; table: AST.TOMLTable } | InlineContainer;

type Definition =
  /** [path] */
  | { kind: 'header'; node: AST.TOMLTable; container: Container }
  /** [[path]] */
  | { kind: 'array-of-tables'; node: AST.TOMLTable }
  /** the parent of a header: [profile.release] defines `profile` */
  | { kind: 'implicit'; node: AST.TOMLTable }
  /** dotted keys `release.lto = false` define `release` in their container */
  | { kind: 'dotted'; container: Container; kvs: AST.TOMLKeyValue[] }
  /** `release = { … }` */
  | { kind: 'inline'; kv: AST.TOMLKeyValue; container: Container; inner: InlineContainer }
  /** any other value: string, number, boolean, date, array */
  | { kind: 'value'; kv: AST.TOMLKeyValue; container: Container };

class Definitions {
  private readonly map = new Map<string, Definition>();
  readonly tables: AST.TOMLTable[] = [];
  readonly top: Container;

  constructor(ast: AST.TOMLProgram) {
    const top = ast.body[0];
    this.top = { kind: 'top', path: [], kvs: top.body.filter((i): i is AST.TOMLKeyValue => i.type === 'TOMLKeyValue') };
    this.addKeyValues(this.top);
    for (const item of top.body) {
      if (item.type !== 'TOMLTable') continue;
      this.tables.push(item);
      // [[bin]] resolves to [bin, <index>]; below it ([bin.x] is bin[last].x) paths carry an index
      // that our edits never address, so those tables only count as siblings.
      const resolved = item.kind === 'array' ? item.resolvedKey.slice(0, -1) : item.resolvedKey;
      if (resolved.some((k) => typeof k === 'number')) continue;
      const path = resolved.map(String);
      for (let i = 1; i < path.length; i++) {
        if (!this.map.has(key(path.slice(0, i)))) this.map.set(key(path.slice(0, i)), { kind: 'implicit', node: item });
      }
      if (item.kind === 'array') {
        this.map.set(key(path), { kind: 'array-of-tables', node: item });
        continue;
      }
      const container: Container = { kind: 'header', path, kvs: item.body, table: item };
      this.map.set(key(path), { kind: 'header', node: item, container });
      this.addKeyValues(container);
    }
  }

  private addKeyValues(container: Container): void {
    for (const kv of container.kvs) {
      const rel = kv.key.keys.map(keyName);
      for (let i = 1; i < rel.length; i++) {
        const path = [...container.path, ...rel.slice(0, i)];
        const def = this.map.get(key(path));
        if (def?.kind === 'dotted') def.kvs.push(kv);
        else this.map.set(key(path), { kind: 'dotted', container, kvs: [kv] });
      }
      const path = [...container.path, ...rel];
      if (kv.value.type === 'TOMLInlineTable') {
        const inner: InlineContainer = { kind: 'inline', path, kvs: kv.value.body, node: kv.value };
        this.map.set(key(path), { kind: 'inline', kv, container, inner });
        this.addKeyValues(inner);
      } else {
        this.map.set(key(path), { kind: 'value', kv, container });
      }
    }
  }

  get(path: readonly string[]): Definition | undefined {
    return this.map.get(key(path));
  }

  /** Paths strictly below `path` that a [header] or [[header]] defines. */
  headersBelow(path: readonly string[]): AST.TOMLTable[] {
    return this.tables.filter((t) => t.resolvedKey.length > path.length && startsWith(t.resolvedKey.map(String), path));
  }
}

function key(path: readonly string[]): string {
  return JSON.stringify(path);
}

/**
 * Where `path` is defined in a valid document (its key, or its [header]), for messages that name
 * file:line:column; a path that is not there gives its nearest defined parent, else 1:1.
 */
export function locateKey(text: string, file: string, path: readonly string[]): { line: number; column: number } {
  const defs = new Definitions(parseAst(text, file));
  for (let depth = path.length; depth > 0; depth--) {
    const def = defs.get(path.slice(0, depth));
    if (def === undefined) continue;
    const node = def.kind === 'dotted' ? def.kvs[0] : def.kind === 'value' || def.kind === 'inline' ? def.kv : def.node;
    return lineColumnAt(text, node.range[0]);
  }
  return { line: 1, column: 1 };
}

function headerText(t: AST.TOMLTable): string {
  const name = formatKeyPath(t.key.keys.map(keyName));
  return t.kind === 'array' ? `[[${name}]]` : `[${name}]`;
}

function describeValue(node: AST.TOMLContentNode): string {
  if (node.type === 'TOMLArray') return 'an array';
  if (node.type === 'TOMLInlineTable') return 'an inline table';
  return node.kind === 'integer' ? 'an integer' : `a ${node.kind}`;
}

// ---------------------------------------------------------------------------------------------
// Edits

/**
 * Sets `path` to `value`, preserving everything else. An existing value is replaced in place
 * (its trailing comment kept); a missing key is added to its table in the form the file defines
 * that table with (header, dotted keys, inline table); a missing table gets a [header] after the
 * last table that shares its first key, else at the end. New lines take the file's line ending.
 * The result is re-parsed: it must change exactly `path`, else TomlEditBug (nothing returned).
 */
export function setTomlValue(text: string, path: readonly string[], value: TomlValue, file = 'TOML'): string {
  return setTomlValues(text, [[path, value]], file);
}

/** Applies several edits in order, each checked as setTomlValue checks it (one parse per edit). */
export function setTomlValues(text: string, edits: ReadonlyArray<readonly [readonly string[], TomlValue]>, file = 'TOML'): string {
  const check = new EditCheck(text, file);
  for (const [path, value] of edits) {
    if (path.length === 0) throw new Error('empty TOML path');
    let next: string;
    try {
      next = splice(check.text, new Definitions(check.ast), path, value, file);
    } catch (e) {
      throw e instanceof TomlEditRefused ? check.inUserFile(e) : e;
    }
    check.accept(next, path, value);
  }
  return check.text;
}

/**
 * Checks `after`, our edit of `before`, the way every edit is checked: it parses, holds `value`
 * at `path`, changes nothing else and keeps an all-CRLF file all-CRLF. Throws TomlEditBug.
 */
export function verifyEdit(before: string, after: string, path: readonly string[], value: TomlValue, file: string): void {
  new EditCheck(before, file).accept(after, path, value);
}

/** Lengths of the common prefix and suffix of two texts, not overlapping; the side matched first takes what both could. */
function commonEnds(a: string, b: string, order: 'prefix first' | 'suffix first'): [number, number] {
  const max = Math.min(a.length, b.length);
  const prefix = (limit: number) => {
    let n = 0;
    while (n < limit && a[n] === b[n]) n++;
    return n;
  };
  const suffix = (limit: number) => {
    let n = 0;
    while (n < limit && a[a.length - 1 - n] === b[b.length - 1 - n]) n++;
    return n;
  };
  if (order === 'prefix first') {
    const p = prefix(max);
    return [p, suffix(max - p)];
  }
  const q = suffix(max);
  return [prefix(max - q), q];
}

/** The re-parse check after each edit: a failure here is our output's fault, reported as a rust-perf bug. */
class EditCheck {
  ast: AST.TOMLProgram;
  private values: TomlTable;
  private readonly crlfOnly: boolean;

  constructor(
    public text: string,
    private readonly file: string,
  ) {
    this.original = text;
    this.ast = parseAst(text, file); // the user's file: a TomlSyntaxError here is theirs
    this.values = typedValues(this.ast) as unknown as TomlTable;
    this.crlfOnly = /\r\n/.test(text) && !/(^|[^\r])\n/.test(text);
  }

  /**
   * Where each earlier edit replaced text, in the text before it: [earliest start, latest start,
   * removed, added]. An insertion next to equal text can be aligned several ways ("\n[a]" added
   * before "\n[b]"); a position is the user's when some alignment leaves it outside the change.
   */
  private readonly changes: [number, number, number, number][] = [];
  private readonly original: string;

  /** A refusal found after earlier edits, re-pointed at the line of the user's file (not our intermediate text). */
  inUserFile(e: TomlEditRefused): TomlEditRefused {
    let at = e.offset;
    for (const [earliest, latest, removed, added] of [...this.changes].reverse()) {
      if (at >= earliest + added) at += removed - added;
      else if (at >= latest) return e; // inside text we added: no user line to name
    }
    if (at < 0 || this.changes.length === 0) return e;
    const { line, column } = lineColumnAt(this.original, at);
    return new TomlEditRefused(e.file, line, column, e.key, e.reason, at);
  }

  accept(next: string, path: readonly string[], value: TomlValue): void {
    const bug = (reason: string) => new TomlEditBug(this.file, formatKeyPath(path.slice(-1)), formatKeyPath(path.slice(0, -1)), reason);
    let ast: AST.TOMLProgram;
    try {
      ast = parseAst(next, this.file);
    } catch (e) {
      throw bug(e instanceof TomlSyntaxError ? `invalid TOML (${e.reason}, line ${e.line} of the edited text)` : String(e));
    }
    const after = typedValues(ast) as unknown as TomlTable;
    assignIn(this.values, path, typedOf(value) as TomlValue);
    if (fingerprint(after) !== fingerprint(this.values)) throw bug('a change to other values');
    if (this.crlfOnly && /(^|[^\r])\n/.test(next)) throw bug('LF lines in a CRLF file');
    const [latest, suffix] = commonEnds(this.text, next, 'prefix first');
    const [earliest] = commonEnds(this.text, next, 'suffix first');
    this.changes.push([Math.min(earliest, latest), latest, this.text.length - latest - suffix, next.length - latest - suffix]);
    this.ast = ast;
    this.values = after;
    this.text = next;
  }
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

/** `{ a: { b: value } }` for rest [a, b]. */
function nest(rest: readonly string[], value: TomlValue): TomlValue {
  return rest.reduceRight<TomlValue>((v, k) => ({ [k]: v }), value);
}

function refuse(file: string, node: { loc: AST.SourceLocation; range: AST.Range }, path: readonly string[], reason: string): TomlEditRefused {
  return new TomlEditRefused(file, node.loc.start.line, node.loc.start.column + 1, formatKeyPath(path), reason, node.range[0]);
}

function splice(text: string, defs: Definitions, path: readonly string[], value: TomlValue, file: string): string {
  const eol = lineEndingOf(text);

  // 1. Every parent must be a table we can address.
  for (let i = 1; i < path.length; i++) {
    const parent = path.slice(0, i);
    const def = defs.get(parent);
    if (def?.kind === 'value') {
      throw refuse(file, def.kv, path, `${formatKeyPath(parent)} is ${describeValue(def.kv.value)} here, not a table. Fix: make ${formatKeyPath(parent)} a table by hand, or remove it`);
    }
    if (def?.kind === 'array-of-tables') {
      throw refuse(file, def.node, path, `${formatKeyPath(parent)} is an array of tables ([[${formatKeyPath(parent)}]]), which rust-perf does not edit. Fix: set the key by hand`);
    }
  }

  // 2. The key exists.
  const def = defs.get(path);
  if (def?.kind === 'value' || def?.kind === 'inline') {
    const [from, to] = def.kv.value.range;
    return text.slice(0, from) + formatValue(value) + text.slice(to);
  }
  if (def?.kind === 'header' || def?.kind === 'implicit') {
    const how = def.kind === 'header' ? 'a table defined by the header' : 'a table, the parent of';
    throw refuse(file, def.node, path, `it is ${how} ${headerText(def.node)} here; rust-perf does not replace a table with a value. Fix: remove the table, or set the key by hand`);
  }
  if (def?.kind === 'array-of-tables') {
    throw refuse(file, def.node, path, 'it is an array of tables here; rust-perf does not replace it. Fix: set the key by hand');
  }
  if (def?.kind === 'dotted') return replaceDotted(text, defs, def, path, value, file);

  // 3. Add it where its deepest existing table is defined, in that table's form.
  let depth = path.length - 1;
  while (depth > 0 && defs.get(path.slice(0, depth)) === undefined) depth--;
  const owner = depth > 0 ? defs.get(path.slice(0, depth))! : null;
  const rest = path.slice(depth);

  if (owner === null) {
    if (rest.length === 1) return addKeyValue(text, defs.top, `${formatKey(rest[0])} = ${formatValue(value)}`, eol, null);
    return addHeaderTable(text, defs, path, value, eol);
  }
  switch (owner.kind) {
    case 'inline':
      return addToInline(text, owner.inner.node, `${formatKey(rest[0])} = ${formatValue(nest(rest.slice(1), value))}`);
    case 'dotted': {
      const c = owner.container;
      const line = `${formatKeyPath(path.slice(c.path.length))} = ${formatValue(value)}`;
      if (c.kind === 'inline') return addToInline(text, c.node, line);
      return addKeyValue(text, c, line, eol, path.slice(0, depth));
    }
    case 'header': {
      const c = owner.container;
      // A new sub-table follows the style of the user's other sub-tables in [Q]: dotted keys, inline tables, else its own [header].
      if (rest.length === 1 || c.kvs.some((kv) => kv.key.keys.length > 1)) return addKeyValue(text, c, `${formatKeyPath(rest)} = ${formatValue(value)}`, eol, null);
      if (c.kvs.some((kv) => kv.value.type === 'TOMLInlineTable')) return addKeyValue(text, c, `${formatKey(rest[0])} = ${formatValue(nest(rest.slice(1), value))}`, eol, null);
      return addHeaderTable(text, defs, path, value, eol);
    }
    case 'implicit':
      return addHeaderTable(text, defs, path, value, eol);
    default:
      throw new Error(`unreachable: ${owner.kind}`);
  }
}

/** Dotted keys below the path (serde.workspace = true): replaced with one key holding the new value. */
function replaceDotted(text: string, defs: Definitions, def: Extract<Definition, { kind: 'dotted' }>, path: readonly string[], value: TomlValue, file: string): string {
  const sub = defs.headersBelow(path)[0];
  if (sub) throw refuse(file, sub, path, `a sub-table of it is defined by the header ${headerText(sub)} here. Fix: set the key by hand`);
  const c = def.container;
  if (c.kind === 'inline') {
    // Rewrite the whole inline table: its entries share one line, so no other line moves.
    const current = getStaticTOMLValue(c.node) as unknown as TomlTable;
    assignIn(current, path.slice(c.path.length), value);
    const [from, to] = c.node.range;
    return text.slice(0, from) + formatValue(normalize(current) as TomlTable) + text.slice(to);
  }
  const [first, ...others] = [...def.kvs].sort((a, b) => a.range[0] - b.range[0]);
  let out = text;
  for (const kv of others.reverse()) out = out.slice(0, lineStart(out, kv.range[0])) + out.slice(lineEnd(out, kv.range[1]));
  return out.slice(0, first.range[0]) + `${formatKeyPath(path.slice(c.path.length))} = ${formatValue(value)}` + out.slice(first.range[1]);
}

/** `, key = value` after an inline table's last entry (or `{ key = value }` for `{}`). */
function addToInline(text: string, node: AST.TOMLInlineTable, entry: string): string {
  const last = node.body[node.body.length - 1];
  if (!last) return text.slice(0, node.range[0]) + `{ ${entry} }` + text.slice(node.range[1]);
  return text.slice(0, last.range[1]) + `, ${entry}` + text.slice(last.range[1]);
}

/**
 * A new key/value line in a top-level or [header] container: after the last line of the same
 * dotted group (`group`), else after the container's last key, with that line's indentation.
 */
function addKeyValue(text: string, c: Container, line: string, eol: string, group: readonly string[] | null): string {
  const inGroup = group ? c.kvs.filter((kv) => startsWith([...c.path, ...kv.key.keys.map(keyName)], group)) : [];
  const last = inGroup[inGroup.length - 1] ?? c.kvs[c.kvs.length - 1];
  let at: number;
  if (last) at = lineEnd(text, last.range[1]);
  else if (c.kind === 'header') at = lineEnd(text, c.table.range[0]);
  else at = 0; // an empty top level: the very start, before the first header or comment
  const indent = last ? indentOf(text, last.range[0]) : '';
  const needsNewline = at > 0 && text[at - 1] !== '\n';
  return text.slice(0, at) + (needsNewline ? eol : '') + indent + line + eol + text.slice(at);
}

/** A new [table] for path[..-1] holding the last key, after the last table sharing path[0], else at the end. */
function addHeaderTable(text: string, defs: Definitions, path: readonly string[], value: TomlValue, eol: string): string {
  const header = `[${formatKeyPath(path.slice(0, -1))}]${eol}${formatKey(path[path.length - 1])} = ${formatValue(value)}${eol}`;
  const siblings = defs.tables.filter((t) => String(t.resolvedKey[0]) === path[0]);
  const anchor = siblings[siblings.length - 1];
  if (anchor) {
    const at = endOfTable(text, anchor);
    const needsNewline = at > 0 && text[at - 1] !== '\n';
    return text.slice(0, at) + (needsNewline ? eol : '') + eol + header + text.slice(at);
  }
  return appendBlock(text, header, eol);
}

// End of a table's last line of content, so a following blank line and comments stay with the next table.
function endOfTable(text: string, table: AST.TOMLTable): number {
  return lineEnd(text, table.range[1]);
}

function appendBlock(text: string, block: string, eol: string): string {
  if (text.trim() === '') return text + block;
  const base = text.endsWith('\n') ? text : text + eol;
  return base + eol + block;
}

/** Appends a [[name]] entry (e.g. [[bench]]) after the last entry of that array, else at the end. */
export function appendArrayTable(text: string, name: readonly string[], entry: TomlTable, file = 'TOML'): string {
  const ast = parseAst(text, file);
  const defs = new Definitions(ast);
  const eol = lineEndingOf(text);
  const existing = defs.get(name);
  if (existing && existing.kind !== 'array-of-tables') {
    const node = existing.kind === 'implicit' || existing.kind === 'header' ? existing.node : existing.kind === 'dotted' ? existing.kvs[0] : existing.kv;
    throw refuse(file, node, name, `${formatKeyPath(name)} is already defined here as something other than an array of tables ([[${formatKeyPath(name)}]])`);
  }
  const body = Object.entries(entry)
    .map(([k, v]) => `${formatKey(k)} = ${formatValue(v)}${eol}`)
    .join('');
  const block = `[[${formatKeyPath(name)}]]${eol}${body}`;
  const same = defs.tables.filter((t) => t.kind === 'array' && key(t.resolvedKey.slice(0, -1).map(String)) === key(name));
  const anchor = same[same.length - 1];
  const next = anchor ? text.slice(0, endOfTable(text, anchor)) + eol + block + text.slice(endOfTable(text, anchor)) : appendBlock(text, block, eol);
  try {
    parseAst(next, file);
  } catch (e) {
    throw new TomlEditBug(file, `[[${formatKeyPath(name)}]]`, '', `invalid TOML (${e instanceof TomlSyntaxError ? e.reason : String(e)})`);
  }
  return next;
}
