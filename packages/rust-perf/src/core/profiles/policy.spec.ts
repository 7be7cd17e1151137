import { applyValues } from './policy';

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
