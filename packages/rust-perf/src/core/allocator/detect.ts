// Which global allocator a binary really uses on this target: each `#[global_allocator]` item of its
// source with the `#[cfg(…)]` on it (and on the modules around it), evaluated against rustc's cfg
// for the target and the package's default features. A jemalloc behind `#[cfg(target_env = "musl")]`
// is not the allocator of a glibc build (any layout).
import { cfgValue } from '../rustflags/cfg';

export interface AllocatorItem {
  /** 1-based line of the `#[global_allocator]` attribute. */
  line: number;
  /** The static's type, e.g. `tikv_jemallocator::Jemalloc`. */
  type: string;
  /** Every `cfg(…)` predicate the item depends on (its own, then its enclosing modules'), innermost first. */
  cfgs: string[];
}

/** Comments and the contents of string and char literals replaced by spaces (same offsets and newlines). */
function mask(src: string): string {
  const out = src.split('');
  const blank = (from: number, to: number) => {
    for (let k = from; k < to && k < out.length; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    const next = src[i + 1];
    if (c === '/' && next === '/') {
      const end = src.indexOf('\n', i);
      const stop = end === -1 ? src.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = src.indexOf('*/', i + 2);
      const stop = end === -1 ? src.length : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === 'r' && /^r#*"/.test(src.slice(i, i + 300)) && !/[\w]/.test(src[i - 1] ?? '')) {
      const hashes = /^r(#*)"/.exec(src.slice(i))![1];
      const open = i + 2 + hashes.length;
      const end = src.indexOf(`"${hashes}`, open);
      const stop = end === -1 ? src.length : end + 1 + hashes.length;
      blank(open, stop - 1 - hashes.length);
      i = stop;
    } else if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      blank(i + 1, j);
      i = j + 1;
    } else if (c === "'" && /^'(\\.|[^'\\])'/.test(src.slice(i, i + 4))) {
      const len = /^'(\\.|[^'\\])'/.exec(src.slice(i, i + 4))![0].length;
      blank(i + 1, i + len - 1);
      i += len;
    } else {
      i++;
    }
  }
  return out.join('');
}

/** Where the item or block header that ends at `at` starts: after the previous `;`, `{` or `}`. */
function headerStart(masked: string, at: number): number {
  for (let k = at - 1; k >= 0; k--) if (masked[k] === ';' || masked[k] === '{' || masked[k] === '}') return k + 1;
  return 0;
}

/** The predicates of `#[cfg(…)]` attributes in src[from, to) (balanced parentheses; literals read from the original). */
function cfgsIn(src: string, masked: string, from: number, to: number): string[] {
  const found: string[] = [];
  const re = /#\s*\[\s*cfg\s*\(/g;
  re.lastIndex = from;
  for (let m = re.exec(masked); m && m.index < to; m = re.exec(masked)) {
    let depth = 1;
    let k = re.lastIndex;
    for (; k < to && depth > 0; k++) {
      if (masked[k] === '(') depth++;
      else if (masked[k] === ')') depth--;
    }
    if (depth === 0) found.push(src.slice(re.lastIndex, k - 1).replace(/\s+/g, ' ').trim());
  }
  return found;
}

/** Every `#[global_allocator]` item of a Rust source file, with the cfgs it sits behind. */
export function globalAllocatorItems(src: string): AllocatorItem[] {
  const masked = mask(src);
  const items: AllocatorItem[] = [];
  const re = /#\s*\[\s*global_allocator\s*\]/g;
  for (let m = re.exec(masked); m; m = re.exec(masked)) {
    const staticAt = masked.slice(m.index).search(/\bstatic\b/);
    const declEnd = staticAt === -1 ? -1 : masked.indexOf('=', m.index + staticAt);
    const decl = staticAt === -1 ? '' : src.slice(m.index + staticAt, declEnd === -1 ? undefined : declEnd);
    const type = /static\s+(?:mut\s+)?\w+\s*:\s*([^=;]+)/.exec(decl)?.[1].trim() ?? 'unknown type';
    const start = headerStart(masked, m.index);
    const cfgs = cfgsIn(src, masked, start, m.index + (staticAt === -1 ? 0 : staticAt));
    // Enclosing blocks (`#[cfg(…)] mod alloc { … }`): their headers' cfgs apply too.
    const open: number[] = [];
    for (let k = 0; k < m.index; k++) {
      if (masked[k] === '{') open.push(k);
      else if (masked[k] === '}') open.pop();
    }
    for (const b of open.reverse()) cfgs.push(...cfgsIn(src, masked, headerStart(masked, b), b));
    items.push({ line: src.slice(0, m.index).split('\n').length, type, cfgs });
  }
  return items;
}

// cfg names rustc knows; one absent from `rustc --print cfg` is false for this build.
const WELL_KNOWN = new Set([
  'target_os', 'target_family', 'target_env', 'target_abi', 'target_arch', 'target_vendor', 'target_pointer_width', 'target_endian',
  'target_feature', 'target_has_atomic', 'unix', 'windows', 'test', 'doc', 'doctest', 'debug_assertions', 'panic', 'miri', 'proc_macro',
  'overflow_checks', 'relocation_model', 'sanitize', 'ub_checks', 'fmt_debug',
]);

/**
 * Answers cfg predicates for a release build of the target `rustc --print cfg` describes, with
 * `features` enabled: names rustc knows are true only when printed; `debug_assertions` is dropped
 * (release); a custom `--cfg` name rustc did not print cannot be told.
 */
export function cfgLookup(rustcCfgLines: readonly string[], features: ReadonlySet<string>): (name: string, value?: string) => boolean | undefined {
  const set = new Set(rustcCfgLines.map((l) => l.trim()).filter((l) => l && l !== 'debug_assertions'));
  const names = new Set([...set].map((l) => l.split('=')[0]));
  return (name, value) => {
    if (name === 'feature') return value !== undefined && features.has(value);
    if (set.has(value === undefined ? name : `${name}="${value}"`)) return true;
    return names.has(name) || WELL_KNOWN.has(name) ? false : undefined;
  };
}

/** The default features of a package, expanded (`default = ["a"]`, `a = ["b", "dep:x", "y/z"]` → a, b). */
export function defaultFeatures(features: Record<string, unknown> | undefined): Set<string> {
  const on = new Set<string>();
  const visit = (name: string) => {
    if (on.has(name) || name.includes('/') || name.startsWith('dep:')) return;
    on.add(name);
    const list = features?.[name];
    if (Array.isArray(list)) for (const f of list) if (typeof f === 'string') visit(f);
  };
  const defaults = features?.default;
  if (Array.isArray(defaults)) for (const f of defaults) if (typeof f === 'string') visit(f);
  on.delete('default');
  return on;
}

function allocatorName(type: string): string {
  if (/jemalloc/i.test(type)) return 'jemalloc';
  if (/mimalloc/i.test(type)) return 'mimalloc';
  if (/snmalloc/i.test(type)) return 'snmalloc';
  if (/(^|::)System$/.test(type)) return 'the system allocator';
  return `custom allocator ${type}`;
}

export interface AllocatorVerdict {
  /** What doctor prints. */
  summary: string;
  /** false when a cfg could not be evaluated (doctor warns rather than guess). */
  known: boolean;
}

const cfgText = (cfgs: readonly string[]) => cfgs.map((c) => `#[cfg(${c})]`).join(' + ');

/** Which allocator a binary whose source is `src` (shown as `file`) uses on `target`. */
export function allocatorOnTarget(src: string, file: string, target: string, lookup: (name: string, value?: string) => boolean | undefined): AllocatorVerdict {
  const items = globalAllocatorItems(src);
  if (items.length === 0) return { summary: 'system allocator (no #[global_allocator])', known: true };
  const judged = items.map((item) => {
    const values = item.cfgs.map((c) => cfgValue(c, lookup));
    const value = values.includes(false) ? false : values.includes(undefined) ? undefined : true;
    return { item, value };
  });
  const at = (i: AllocatorItem) => `${file}:${i.line}`;
  const active = judged.find((j) => j.value === true);
  const unknown = judged.filter((j) => j.value === undefined);
  if (active && unknown.length === 0) {
    const i = active.item;
    const why = i.cfgs.length ? `; ${cfgText(i.cfgs)} holds for ${target} with default features` : '';
    return { summary: `${allocatorName(i.type)} (#[global_allocator] at ${at(i)}${why})`, known: true };
  }
  if (unknown.length > 0) {
    const list = unknown.map((j) => `${allocatorName(j.item.type)} at ${at(j.item)} behind ${cfgText(j.item.cfgs)}`).join('; ');
    return { summary: `cannot tell: ${list} depends on a cfg rustc does not print for ${target} (a custom --cfg?)`, known: false };
  }
  const off = judged.map((j) => `${allocatorName(j.item.type)} at ${at(j.item)} is behind ${cfgText(j.item.cfgs)}`).join('; ');
  return { summary: `system allocator: the #[global_allocator] ${off}, which does not hold for ${target} with default features`, known: true };
}
