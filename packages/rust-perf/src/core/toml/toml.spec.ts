import { appendArrayTable, decodeToml, formatValue, getIn, lineEndingOf, parseToml, setTomlValue, setTomlValues, TomlEditBug, TomlEditRefused, TomlSyntaxError, verifyEdit, withLineEnding } from './toml';
import type { TomlValue } from './toml';
import { profileValues, DEFAULT_PROFILE_OPTIONS } from '../profiles/profiles';
import { workspaceDepValues } from '../deps/deps';

const manifest = `# Trading workspace — keep this comment
[workspace]
members = ["common", "market-data"] # crates
resolver = "2"

[workspace.dependencies]
serde = { version = "1", features = ["derive"] }

# Our release settings
[profile.release]
opt-level = 2 # was tuned by hand
debug = false

[patch.crates-io]
`;

describe('parseToml', () => {
  it('returns plain values', () => {
    expect(getIn(parseToml(manifest, 'Cargo.toml'), ['profile', 'release', 'opt-level'])).toBe(2);
  });

  it('names file, line and column on bad input', () => {
    expect.assertions(4);
    try {
      parseToml('[package]\nname = "a"\nversion = [1,\n', 'rust/Cargo.toml');
    } catch (e) {
      const err = e as TomlSyntaxError;
      expect(err).toBeInstanceOf(TomlSyntaxError);
      expect(err.file).toBe('rust/Cargo.toml');
      expect(err.line).toBe(4);
      expect(err.message).toMatch(/^rust\/Cargo\.toml:4:\d+: invalid TOML/);
    }
  });
});

describe('setTomlValue', () => {
  it('replaces a value in place and keeps its comment', () => {
    const out = setTomlValue(manifest, ['profile', 'release', 'opt-level'], 3);
    expect(out).toBe(manifest.replace('opt-level = 2 # was', 'opt-level = 3 # was'));
  });

  it('adds a missing key at the end of its table', () => {
    const out = setTomlValue(manifest, ['profile', 'release', 'lto'], 'thin');
    expect(out).toBe(manifest.replace('debug = false\n', 'debug = false\nlto = "thin"\n'));
  });

  it('creates a sibling table after the last table of the same family, without an empty parent', () => {
    const out = setTomlValue(manifest, ['profile', 'bench', 'inherits'], 'release');
    expect(out).toBe(manifest.replace('debug = false\n', 'debug = false\n\n[profile.bench]\ninherits = "release"\n'));
    expect(out).not.toContain('[profile]\n');
  });

  it('quotes cfg keys as cargo documents them', () => {
    const out = setTomlValue('[build]\njobs = 2\n', ['target', 'cfg(target_arch = "x86_64")', 'rustflags'], ['-C', 'target-cpu=native']);
    expect(out).toBe(`[build]\njobs = 2\n\n[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=native"]\n`);
    const again = setTomlValue(out, ['target', 'cfg(target_arch = "x86_64")', 'rustflags'], ['-C', 'target-cpu=x86-64-v3']);
    expect(again).toContain(`[target.'cfg(target_arch = "x86_64")']\nrustflags = ["-C", "target-cpu=x86-64-v3"]\n`);
  });

  it('edits inside an inline table', () => {
    const out = setTomlValue(manifest, ['workspace', 'dependencies', 'serde', 'features'], ['derive', 'rc']);
    expect(out).toContain('serde = { version = "1", features = ["derive", "rc"] }\n');
  });

  it('replaces dotted keys with one key', () => {
    const text = '[dependencies]\nserde.workspace = true\nserde.features = ["derive"]\nanyhow = "1"\n';
    const out = setTomlValue(text, ['dependencies', 'serde'], { workspace: true, features: ['derive', 'rc'] });
    expect(out).toBe('[dependencies]\nserde = { workspace = true, features = ["derive", "rc"] }\nanyhow = "1"\n');
  });

  it('adds a table to a file with none of its family at the end', () => {
    const out = setTomlValue('[package]\nname = "a"\n', ['dependencies', 'common'], { path: '../common' });
    expect(out).toBe('[package]\nname = "a"\n\n[dependencies]\ncommon = { path = "../common" }\n');
  });

  it('is stable: a second identical edit changes nothing', () => {
    const once = setTomlValues(manifest, [
      [['profile', 'release', 'lto'], 'thin'],
      [['profile', 'bench', 'debug'], true],
    ]);
    const twice = setTomlValues(once, [
      [['profile', 'release', 'lto'], 'thin'],
      [['profile', 'bench', 'debug'], true],
    ]);
    expect(twice).toBe(once);
  });

  it('adds a key to a table that has sub-tables after it', () => {
    const text = '[profile.release]\nopt-level = 3\n\n[profile.release.package.foo]\nopt-level = 1\n';
    const out = setTomlValue(text, ['profile', 'release', 'lto'], 'thin');
    expect(out).toBe('[profile.release]\nopt-level = 3\nlto = "thin"\n\n[profile.release.package.foo]\nopt-level = 1\n');
  });

  it('refuses to edit malformed text', () => {
    expect(() => setTomlValue('[a\n', ['a', 'b'], 1, 'x/Cargo.toml')).toThrow(/^x\/Cargo\.toml:\d+:\d+: invalid TOML/);
  });
});

describe('appendArrayTable', () => {
  it('appends after the last entry of the same array', () => {
    const text = '[package]\nname = "a"\n\n[[bench]]\nname = "one"\nharness = false\n\n[dependencies]\n';
    const out = appendArrayTable(text, ['bench'], { name: 'two', harness: false });
    expect(out).toBe('[package]\nname = "a"\n\n[[bench]]\nname = "one"\nharness = false\n\n[[bench]]\nname = "two"\nharness = false\n\n[dependencies]\n');
  });
});

describe('formatValue', () => {
  it.each([
    ['thin', '"thin"'],
    [3, '3'],
    [true, 'true'],
    [['a', 1], '["a", 1]'],
    [{ version: '1', features: ['x'] }, '{ version = "1", features = ["x"] }'],
  ])('%j → %s', (value, text) => expect(formatValue(value)).toBe(text));
});

// TOML shapes: the edited table can be defined in every form TOML allows; init's edits extend it in that form.
describe('[gen-toml-dotted-table] edits extend a table in the form the file defines it', () => {
  const PACKAGE = '[package]\nname = "a"\nversion = "0.1.0"\n';
  const SHAPES: Record<string, string> = {
    header: `${PACKAGE}\n[profile.release]\nlto = false # ours\n`,
    'quoted, spaced header': `${PACKAGE}\n[ profile . "release" ]\nlto = false # ours\n`,
    'top-level dotted keys': `profile.release.lto = false # ours\n\n${PACKAGE}`,
    'dotted keys in the parent table': `${PACKAGE}\n[profile]\nrelease.lto = false # ours\n`,
    'inline table in the parent table': `${PACKAGE}\n[profile]\nrelease = { lto = false } # ours\n`,
    'top-level inline table': `profile = { release = { lto = false } } # ours\n\n${PACKAGE}`,
  };
  const edits = [...profileValues(DEFAULT_PROFILE_OPTIONS), ...workspaceDepValues()].map((v) => [v.path, v.value] as const);
  const plain = parseToml(setTomlValues(SHAPES.header, edits, 'Cargo.toml'), 'Cargo.toml');

  it.each(Object.keys(SHAPES))('%s: the same values as the plain header', (shape) => {
    const out = setTomlValues(SHAPES[shape], edits, 'Cargo.toml');
    expect(parseToml(out, 'Cargo.toml')).toEqual(plain);
    expect(out).toContain('# ours');
  });

  it('top-level dotted keys grow as dotted keys next to the user\'s, before the first header', () => {
    const out = setTomlValues(SHAPES['top-level dotted keys'], [[['profile', 'release', 'codegen-units'], 1], [['profile', 'bench', 'debug'], true]], 'Cargo.toml');
    expect(out).toBe(`profile.release.lto = false # ours\nprofile.release.codegen-units = 1\nprofile.bench.debug = true\n\n${PACKAGE}`);
  });

  it('dotted keys in [profile] grow as dotted keys there', () => {
    const out = setTomlValues(SHAPES['dotted keys in the parent table'], [[['profile', 'release', 'codegen-units'], 1], [['profile', 'bench', 'debug'], true]], 'Cargo.toml');
    expect(out).toBe(`${PACKAGE}\n[profile]\nrelease.lto = false # ours\nrelease.codegen-units = 1\nbench.debug = true\n`);
  });

  it('an inline table grows inside its braces, on its line', () => {
    const out = setTomlValues(SHAPES['inline table in the parent table'], [[['profile', 'release', 'codegen-units'], 1], [['profile', 'bench', 'debug'], true]], 'Cargo.toml');
    expect(out).toBe(`${PACKAGE}\n[profile]\nrelease = { lto = false, codegen-units = 1 } # ours\nbench = { debug = true }\n`);
  });

  it('dotted keys inside an inline table grow as dotted keys', () => {
    const out = setTomlValue('animal = { type.name = "pug" }\n', ['animal', 'type', 'size'], 'small');
    expect(out).toBe('animal = { type.name = "pug", type.size = "small" }\n');
  });

  it('a table known only as the parent of a header gets its own header', () => {
    const out = setTomlValue('[profile.release.package.foo]\nopt-level = 1\n', ['profile', 'release', 'lto'], 'thin');
    expect(out).toBe('[profile.release.package.foo]\nopt-level = 1\n\n[profile.release]\nlto = "thin"\n');
  });

  it('TOML 1.1 multi-line inline tables (cargo 1.95 reads them) grow after their last entry', () => {
    const out = setTomlValue('[profile]\nrelease = {\n  lto = false, # ours\n}\n', ['profile', 'release', 'debug'], true);
    expect(out).toBe('[profile]\nrelease = {\n  lto = false, debug = true, # ours\n}\n');
  });
});

describe('[gen-toml-refused-shape] an edit TOML cannot express in the file\'s shape is refused at the user\'s line', () => {
  it.each([
    ['a table replaced by a value', '[workspace]\nmembers = []\n\n[workspace.dependencies.ahash]\nversion = "0.7"\n', ['workspace', 'dependencies', 'ahash'], '0.8', /^Cargo\.toml:4:1: cannot set workspace\.dependencies\.ahash: it is a table defined by the header \[workspace\.dependencies\.ahash\] here; .*nothing was written$/],
    ['a key below a string', '[profile]\nrelease = "fast"\n', ['profile', 'release', 'lto'], 'thin', /^Cargo\.toml:2:1: cannot set profile\.release\.lto: profile\.release is a string here, not a table/],
    ['a key below an array of tables', '[[profile]]\nname = "x"\n', ['profile', 'release', 'lto'], 'thin', /^Cargo\.toml:1:1: cannot set profile\.release\.lto: profile is an array of tables/],
  ])('%s', (_name, text, path, value, message) => {
    expect.assertions(2);
    try {
      setTomlValue(text as string, path as string[], value as TomlValue, 'Cargo.toml');
    } catch (e) {
      expect(e).toBeInstanceOf(TomlEditRefused);
      expect((e as Error).message).toMatch(message as RegExp);
    }
  });
});

describe('refusals after earlier edits', () => {
  it('name the line of the user\'s file, not of the edited text', () => {
    const text = '[profile.release]\ndebug = 1\n\n[workspace.dependencies.ahash]\nversion = "0.7"\n';
    const edits = [...profileValues(DEFAULT_PROFILE_OPTIONS), ...workspaceDepValues()].map((v) => [v.path, v.value] as const);
    expect(() => setTomlValues(text, edits, 'Cargo.toml')).toThrow(/^Cargo\.toml:4:1: cannot set workspace\.dependencies\.ahash: /);
  });
});

describe('[gen-toml-crlf-kept] line endings', () => {
  const edits = [...profileValues(DEFAULT_PROFILE_OPTIONS), ...workspaceDepValues()].map((v) => [v.path, v.value] as const);

  it('a CRLF file gets exactly the LF file\'s edit, in CRLF', () => {
    const crlf = withLineEnding(manifest, '\r\n');
    const out = setTomlValues(crlf, edits, 'Cargo.toml');
    expect(out).toBe(withLineEnding(setTomlValues(manifest, edits, 'Cargo.toml'), '\r\n'));
    expect(out.split('\n').length).toBeGreaterThan(manifest.split('\n').length + 20);
    expect(/(^|[^\r])\n/.test(out)).toBe(false);
  });

  it('appendArrayTable writes CRLF into a CRLF file', () => {
    const out = appendArrayTable('[package]\r\nname = "a"\r\n', ['bench'], { name: 'b', harness: false });
    expect(out).toBe('[package]\r\nname = "a"\r\n\r\n[[bench]]\r\nname = "b"\r\nharness = false\r\n');
  });

  it('names the dominant line ending', () => {
    expect([lineEndingOf('a = 1\r\nb = 2\r\n'), lineEndingOf('a = 1\nb = 2\r\nc = 3\n'), lineEndingOf('a = 1')]).toEqual(['\r\n', '\n', '\n']);
  });
});

describe('[gen-toml-our-output-error] our own output failing its check', () => {
  it('names the edit and says it is a rust-perf bug, never that the user\'s file is invalid', () => {
    const before = '[profile.release]\nopt-level = 3\n';
    expect.assertions(4);
    try {
      // What the pre-issue-21 splice produced for a dotted-key table: a second definition.
      verifyEdit(before, `${before}[profile.release]\nlto = "thin"\n`, ['profile', 'release', 'lto'], 'thin', 'rust/Cargo.toml');
    } catch (e) {
      expect(e).toBeInstanceOf(TomlEditBug);
      expect((e as Error).message).toMatch(/^rust-perf bug: setting lto in \[profile\.release\] of rust\/Cargo\.toml produced invalid TOML/);
      expect((e as Error).message).toContain('rust/Cargo.toml itself is valid and nothing was written');
      expect((e as Error).message).not.toMatch(/^rust\/Cargo\.toml:\d+/);
    }
  });

  it('catches an edit that moves another value', () => {
    expect(() => verifyEdit('a = 1\nb = 2\n', 'a = 1\nb = 2.0\nc = 3\n', ['c'], 3, 'x.toml')).toThrow(/rust-perf bug: setting c of x\.toml produced a change to other values/);
  });

  it('catches LF lines in a CRLF file', () => {
    expect(() => verifyEdit('a = 1\r\n', 'a = 1\r\nc = 3\n', ['c'], 3, 'x.toml')).toThrow(/LF lines in a CRLF file/);
  });
});

describe('input TOML forbids', () => {
  it('a lone CR is refused with its line', () => {
    expect(() => parseToml('a = 1\nb = "x"\r\nc = 2\r# x\n', 'x.toml')).toThrow(/^x\.toml:3:6: invalid TOML: carriage return/);
  });

  it('[gen-toml-not-utf8] invalid UTF-8 is refused with its line, never replaced by U+FFFD', () => {
    const bytes = Buffer.concat([Buffer.from('[package]\nname = "caf'), Buffer.from([0xe9]), Buffer.from('"\n')]);
    expect(() => decodeToml(bytes, 'rust/Cargo.toml')).toThrow(/^rust\/Cargo\.toml:2:12: invalid TOML: invalid UTF-8 at byte 21/);
    expect(decodeToml(Buffer.from('\ufeffa = "é"\n'), 'x.toml')).toBe('\ufeffa = "é"\n');
  });
});
