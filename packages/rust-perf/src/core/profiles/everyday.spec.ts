import { applyValues } from './policy';
import { DEFAULT_PROFILE_OPTIONS, INTENT_GROUPS, profileValues } from './profiles';
import { describeEverydayChanges, effectiveProfile, everydayChanges, keepEverydayValues } from './everyday';
import { parseToml } from '../toml/toml';

const FILE = 'Cargo.toml';
const PLAIN = '[package]\nname = "app"\nversion = "0.1.0"\n';
const edit = (text: string, values: Parameters<typeof applyValues>[1]) => applyValues(text, values, { force: false, file: FILE, groups: INTENT_GROUPS }).text;

describe('everyday profiles: dev, test, bench before and after init', () => {
  it('resolves inherits the way cargo does: test from dev, bench from release, a custom profile from its parent', () => {
    const doc = parseToml(`${PLAIN}\n[profile.release]\nlto = "fat"\n\n[profile.dev]\ndebug = 0\n\n[profile.fast]\ninherits = "bench"\nopt-level = 2\n`, FILE);
    expect(effectiveProfile(doc, 'test')).toMatchObject({ 'opt-level': 0, debug: false, 'codegen-units': 256 });
    expect(effectiveProfile(doc, 'bench')).toMatchObject({ 'opt-level': 3, lto: true, 'codegen-units': 16 });
    expect(effectiveProfile(doc, 'fast')).toMatchObject({ 'opt-level': 2, lto: true });
  });

  it('[gen-everyday-profiles] names each change of dev, test and bench, with its measured cost and the way to keep them', () => {
    const after = edit(PLAIN, profileValues(DEFAULT_PROFILE_OPTIONS));
    const changes = everydayChanges(PLAIN, after, FILE);
    expect(changes.map((c) => `${c.profile} ${c.key} ${JSON.stringify(c.before)}→${JSON.stringify(c.after)}`)).toEqual([
      'dev opt-level 0→1',
      'test opt-level 0→1',
      'bench debug false→true',
      'bench lto false→"thin"',
      'bench codegen-units 16→1',
    ]);
    const lines = describeEverydayChanges(changes, FILE);
    expect(lines[0]).toBe('Cargo.toml: init changes the profiles of everyday commands:');
    expect(lines).toContain('  bench (inherits release): debug false → true, lto false → "thin", codegen-units 16 → 1');
    expect(lines[lines.length - 1]).toBe('  to keep dev, test and bench as they were: nx g rust-perf:init --keepEverydayProfiles');
    expect(lines).toContain("    cost, measured: a cold `cargo test --no-run` of rust-perf's example workspace took 125.8 s of CPU with opt-level 1 and 63.4 s with 0 (wall 741.3 s and 355.0 s, one run each on a busy 2-core VM; docs/numbers.md)");
    expect(lines).toContain("    cost, measured: a cold `cargo bench --no-run` of rust-perf's example workspace took 277.1 s of CPU with these values and 117.6 s with Cargo's (wall 1296.8 s and 702.7 s, one run each on a busy 2-core VM; docs/numbers.md)");
  });

  it('--keepEverydayProfiles leaves dev, test and bench as they were, and still writes release and the named profiles', () => {
    const values = keepEverydayValues(PLAIN, FILE, profileValues(DEFAULT_PROFILE_OPTIONS), edit);
    const after = edit(PLAIN, values);
    expect(everydayChanges(PLAIN, after, FILE)).toEqual([]);
    expect(after).toContain('[profile.release]\nopt-level = 3\nlto = "thin"\ncodegen-units = 1\n');
    // bench inherits release: the keys init changes there are pinned to what bench had.
    expect(after).toContain('[profile.bench]\nstrip = false\nlto = false\ncodegen-units = 16\n');
    expect(after).not.toContain('[profile.dev]');
    expect(after).toContain('[profile.production]');
    // A release the user already tuned the same way needs no pin.
    const tuned = `${PLAIN}\n[profile.release]\nlto = "thin"\ncodegen-units = 1\nstrip = true\n`;
    expect(edit(tuned, keepEverydayValues(tuned, FILE, profileValues(DEFAULT_PROFILE_OPTIONS), edit))).not.toContain('[profile.bench]');
    expect(describeEverydayChanges([], FILE)).toEqual(['Cargo.toml: the dev, test and bench profiles (cargo build, test, bench) are unchanged']);
  });
});
