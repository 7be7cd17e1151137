import { appendArrayTable, formatValue, getIn, parseToml, setTomlValue, setTomlValues, TomlSyntaxError } from './toml';

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
