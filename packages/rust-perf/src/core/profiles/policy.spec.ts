import { applyValues, describeGroupKept } from './policy';
import { INTENT_GROUPS } from './profiles';

it('names file, line and column for malformed TOML and returns no text', () => {
  expect(() => applyValues('[profile.release\nlto = 1\n', [{ path: ['profile', 'release', 'lto'], value: 'thin' }], { force: false, file: 'rust/Cargo.toml' })).toThrow(
    /^rust\/Cargo\.toml:2:1: invalid TOML/,
  );
});

it('keeps every comment, blank line and key order outside the keys it sets', () => {
  const text = `# Workspace manifest\n[workspace]\nmembers = [\n  "a", # first\n]\n\n# release: hand-tuned\n[profile.release]\n# keep this\nopt-level = 2 # why not\n\n[profile.dev] # fast\nopt-level = 1\n`;
  const out = applyValues(text, [
    { path: ['profile', 'release', 'opt-level'], value: 3 },
    { path: ['profile', 'release', 'lto'], value: 'thin' },
    { path: ['profile', 'ci', 'inherits'], value: 'release' },
  ], { force: true, file: 'C' }).text;
  expect(out).toBe(
    `# Workspace manifest\n[workspace]\nmembers = [\n  "a", # first\n]\n\n# release: hand-tuned\n[profile.release]\n# keep this\nopt-level = 3 # why not\nlto = "thin"\n\n[profile.dev] # fast\nopt-level = 1\n\n[profile.ci]\ninherits = "release"\n`,
  );
});

describe('intent groups', () => {
  const groups = INTENT_GROUPS;
  const rows = [
    { path: ['profile', 'release', 'strip'], value: true },
    { path: ['profile', 'release', 'lto'], value: 'thin' },
    { path: ['profile', 'release', 'codegen-units'], value: 1 },
    { path: ['profile', 'release', 'panic'], value: 'abort' },
    { path: ['profile', 'production', 'strip'], value: true },
  ];

  it('[gen-intent-groups] a user key of a group keeps the rest of it unset, per table; other groups and tables are written', () => {
    const r = applyValues('[profile.release]\nsplit-debuginfo = "packed"\ncodegen-units = 4\n', rows, { force: false, file: 'Cargo.toml', groups });
    expect(r.set.map((v) => v.path.join('.'))).toEqual(['profile.release.panic', 'profile.production.strip']);
    expect(r.groupKept.map((g) => describeGroupKept(g, 'Cargo.toml', groups))).toEqual([
      'kept split-debuginfo = "packed" in Cargo.toml [profile.release], so strip is not set (one decision: debug, strip, split-debuginfo); use --force to set strip = true',
      'kept codegen-units = 4 in Cargo.toml [profile.release], so lto is not set (one decision: lto, codegen-units, incremental); use --force to set lto = "thin"',
    ]);
    expect(r.kept.map((k) => k.path.join('.'))).toEqual(['profile.release.codegen-units']);
    expect(r.notes).toEqual([groups[2].note]);
  });

  it('--force takes the whole group', () => {
    const r = applyValues('[profile.release]\ndebug = 1\n', rows, { force: true, file: 'Cargo.toml', groups });
    expect(r.groupKept).toEqual([]);
    expect(r.text).toContain('debug = 1\nstrip = true\n');
  });
});
