import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../process/run';
import { parseToml, getIn } from '../toml/toml';
import { applyValues, describeKept } from './policy';
import { PROFILE_NAMES, profileRows, profileValues, renderProfileTable } from './profiles';

describe('profile tables', () => {
  it.each([
    ['release', { 'opt-level': 3, lto: 'thin', 'codegen-units': 1, strip: true, panic: 'abort', 'overflow-checks': false, 'debug-assertions': false, incremental: false }],
    ['bench', { inherits: 'release', debug: true, strip: false }],
    ['dev', { 'opt-level': 1, debug: true, incremental: true }],
    ['release-debug', { inherits: 'release', debug: true, strip: false }],
    ['profiling', { inherits: 'release', debug: 'line-tables-only', strip: false }],
    ['staging', { inherits: 'release', lto: 'thin' }],
    ['production', { inherits: 'release', lto: 'fat', 'codegen-units': 1 }],
    ['ci', { inherits: 'release', lto: false, 'codegen-units': 16, incremental: false }],
  ])('[profile.%s]', (profile, expected) => {
    const rows = profileRows().filter((r) => r.profile === profile);
    expect(Object.fromEntries(rows.map((r) => [r.key, r.value]))).toEqual(expected);
    for (const r of rows) expect(r.why.length).toBeGreaterThan(10);
  });

  it.each([
    [{ lto: 'fat', panic: 'unwind' }, 'fat', 'unwind'],
    [{ lto: 'thin', panic: 'abort' }, 'thin', 'abort'],
  ] as const)('options %j set release lto/panic', (options, lto, panic) => {
    const doc = parseToml(applyValues('', profileValues(options), { force: false, file: 'C' }).text, 'C');
    expect(getIn(doc, ['profile', 'release', 'lto'])).toBe(lto);
    expect(getIn(doc, ['profile', 'release', 'panic'])).toBe(panic);
  });

  it('every profile has rows and the docs table renders each row', () => {
    for (const p of PROFILE_NAMES) expect(profileRows().some((r) => r.profile === p)).toBe(true);
    expect(renderProfileTable().split('\n')).toHaveLength(profileRows().length + 2);
  });
});

describe('conflict policy', () => {
  const manifest = '[workspace]\nmembers = []\n\n# tuned by hand\n[profile.release]\nlto = false # we link fast\n';

  it('keeps the user\'s value and says so; --force replaces it in place', () => {
    const kept = applyValues(manifest, profileValues(), { force: false, file: 'rust/Cargo.toml' });
    expect(kept.kept.map((k) => describeKept(k, 'rust/Cargo.toml'))).toEqual(['kept lto = false in rust/Cargo.toml [profile.release] (use --force to set "thin")']);
    expect(kept.text).toContain('lto = false # we link fast\n');
    const forced = applyValues(manifest, profileValues(), { force: true, file: 'rust/Cargo.toml' });
    expect(forced.kept).toEqual([]);
    expect(forced.text).toContain('lto = "thin" # we link fast\n');
  });

  it('a second run changes nothing', () => {
    const first = applyValues(manifest, profileValues(), { force: false, file: 'C' }).text;
    const second = applyValues(first, profileValues(), { force: false, file: 'C' });
    expect(second.text).toBe(first);
    expect(second.set).toEqual([]);
  });
});

// cargo 1.95 is the judge of whether a profile keeps symbols: build a tiny binary per profile and
// look for the function's symbol (.symtab) and line tables (.debug_line).
describe('profiles with real cargo', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rust-perf-profiles-'));
    mkdirSync(join(dir, 'src'));
    const manifest = applyValues('[package]\nname = "probe"\nversion = "0.1.0"\nedition = "2021"\n', profileValues(), { force: false, file: 'Cargo.toml' }).text;
    writeFileSync(join(dir, 'Cargo.toml'), manifest);
    writeFileSync(join(dir, 'src/main.rs'), '#[inline(never)]\npub fn hot_loop_probe(n: u64) -> u64 { (0..n).fold(0u64, |s, i| s.wrapping_mul(31) ^ i) }\nfn main() { println!("{}", hot_loop_probe(std::env::args().count() as u64 * 1000)); }\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['release', 'release', false],
    ['profiling', 'profiling', true],
    ['bench', 'release', true],
  ])('--profile %s keeps symbols: %s', async (profile, outDir, keeps) => {
    const env = { CARGO_TARGET_DIR: join(dir, 'target'), RUSTFLAGS: undefined };
    const built = await run('cargo', ['build', '--offline', '--profile', profile], { cwd: dir, env });
    expect(built.stderr).toMatch(/Finished/);
    const bin = join(dir, 'target', outDir, 'probe');
    const sections = (await run('readelf', ['-S', bin], { cwd: dir })).stdout;
    const symbols = (await run('nm', [bin], { cwd: dir })).stdout;
    expect(symbols.includes('hot_loop_probe')).toBe(keeps);
    expect(sections.includes('.debug_line')).toBe(keeps);
  });
});
