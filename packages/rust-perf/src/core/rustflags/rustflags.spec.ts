import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/run';
import { cfgMatches } from './cfg';
import { planRustflags, resolveRustflags } from './rustflags';
import type { CargoConfigFile } from '../context/cargo-configs';

const LINUX_CFG = ['debug_assertions', 'panic="unwind"', 'target_arch="x86_64"', 'target_os="linux"', 'unix', 'target_family="unix"'];
const cfgFile = (file: string, table: CargoConfigFile['table']): CargoConfigFile => ({ file, table });
const HOST = 'x86_64-unknown-linux-gnu';

describe('cfgMatches', () => {
  test.each([
    ['cfg(unix)', true],
    ['cfg(windows)', false],
    ['cfg(target_arch = "x86_64")', true],
    ['cfg(target_arch = "aarch64")', false],
    ['cfg(all(unix, target_os = "linux"))', true],
    ['cfg(any(windows, target_os = "macos"))', false],
    ['cfg(not(windows))', true],
    ['cfg(all())', true],
    ['cfg(any())', false],
  ])('%s → %s', (key, expected) => expect(cfgMatches(key, LINUX_CFG)).toBe(expected));
  test('rejects malformed keys', () => expect(() => cfgMatches('cfg(all(unix)', LINUX_CFG)).toThrow(/cfg expression/));
});

describe('resolveRustflags (cargo precedence)', () => {
  const build = cfgFile('/w/.cargo/config.toml', { build: { rustflags: ['-Cforce-frame-pointers=yes'] } });
  const both = cfgFile('/w/.cargo/config.toml', {
    build: { rustflags: ['-Cforce-frame-pointers=yes'] },
    target: { 'cfg(target_arch = "x86_64")': { rustflags: ['-Ctarget-cpu=x86-64-v2'] } },
  });
  const cases: Array<[string, CargoConfigFile[], NodeJS.ProcessEnv, string[], string[], RegExp | null]> = [
    ['no config, no env', [], {}, ['-Ctarget-cpu=native'], ['-Ctarget-cpu=native'], null],
    ['build.rustflags kept', [build], {}, ['-Ctarget-cpu=native'], ['-Cforce-frame-pointers=yes', '-Ctarget-cpu=native'], null],
    ['target cfg wins over build, with warning', [both], {}, ['-X'], ['-Ctarget-cpu=x86-64-v2', '-X'], /ignored by cargo because/],
    ['RUSTFLAGS overrides config, with warning', [build], { RUSTFLAGS: '  -Copt-level=2   --cfg foo ' }, ['-X'], ['-Copt-level=2', '--cfg', 'foo', '-X'], /RUSTFLAGS is set, so cargo ignores/],
    ['CARGO_ENCODED_RUSTFLAGS beats RUSTFLAGS', [], { RUSTFLAGS: '-Ca', CARGO_ENCODED_RUSTFLAGS: '-Cb\x1f--cfg\x1fx y' }, ['-X'], ['-Cb', '--cfg', 'x y', '-X'], /Both CARGO_ENCODED_RUSTFLAGS and RUSTFLAGS/],
    ['empty CARGO_ENCODED_RUSTFLAGS means no flags', [build], { CARGO_ENCODED_RUSTFLAGS: '' }, ['-X'], ['-X'], /ignores the rustflags/],
    ['string form is split on whitespace', [cfgFile('/c', { build: { rustflags: '-Ca  -Cb' } })], {}, [], ['-Ca', '-Cb'], null],
    ['arrays of several files are joined, deeper later', [cfgFile('/home/.cargo/config.toml', { build: { rustflags: ['-Chome'] } }), build], {}, [], ['-Chome', '-Cforce-frame-pointers=yes'], null],
    ['target.<triple> for another triple is ignored', [cfgFile('/c', { target: { 'aarch64-unknown-linux-gnu': { rustflags: ['-Carm'] } }, build: { rustflags: ['-Cb'] } })], {}, [], ['-Cb'], null],
    ['CARGO_TARGET_<TRIPLE>_RUSTFLAGS env counts as target flags', [build], { CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS: '-Ct' }, [], ['-Ct'], /ignored by cargo because/],
    ['CARGO_BUILD_RUSTFLAGS env counts as build flags', [], { CARGO_BUILD_RUSTFLAGS: '-Cenv' }, ['-X'], ['-Cenv', '-X'], null],
  ];
  test.each(cases)('%s', (_name, configs, env, add, flags, warning) => {
    const plan = resolveRustflags({ configs, env, triple: HOST, cfgLines: LINUX_CFG, add });
    expect(plan.flags).toEqual(flags);
    if (warning) expect(plan.warnings.join('\n')).toMatch(warning);
    else expect(plan.warnings).toEqual([]);
  });
  test('[build] rustflags already in the matching target table: no warning [exec-build-rustflags-already-kept]', () => {
    // What init writes: the user's [build] flags copied into its target tables (split `-C x` form too).
    const copied = cfgFile('/w/.cargo/config.toml', {
      build: { rustflags: ['-C', 'force-frame-pointers=yes', '--cfg', 'tokio_unstable'] },
      target: { 'cfg(target_arch = "x86_64")': { rustflags: ['-Ctarget-cpu=x86-64-v2', '-Cforce-frame-pointers=yes', '--cfg=tokio_unstable'] } },
    });
    expect(resolveRustflags({ configs: [copied], env: {}, triple: HOST, cfgLines: LINUX_CFG, add: [] }).warnings).toEqual([]);
    // One flag the target table lacks: the warning names exactly that one.
    const partly = cfgFile('/w/.cargo/config.toml', { ...copied.table, build: { rustflags: ['-Cforce-frame-pointers=yes', '-Cdebuginfo=1'] } });
    const w = resolveRustflags({ configs: [partly], env: {}, triple: HOST, cfgLines: LINUX_CFG, add: [] }).warnings;
    expect(w).toHaveLength(1);
    expect(w[0]).toMatch(/\[build\] rustflags are ignored by cargo because .*; move "-Cdebuginfo=1" into the target table to keep it\.$/);
  });
  test('encodes for CARGO_ENCODED_RUSTFLAGS and removes RUSTFLAGS only when adding', () => {
    const adding = resolveRustflags({ configs: [build], env: { RUSTFLAGS: '-Ca' }, triple: HOST, cfgLines: LINUX_CFG, add: ['-Cb'] });
    expect(adding.env).toEqual({ CARGO_ENCODED_RUSTFLAGS: '-Ca\x1f-Cb', RUSTFLAGS: undefined });
    const notAdding = resolveRustflags({ configs: [build], env: {}, triple: HOST, cfgLines: LINUX_CFG, add: [] });
    expect(notAdding.env).toEqual({});
  });
});

// Cargo is the truth: the flags our plan passes must be exactly those rustc receives, config flags included.
describe('planRustflags against real cargo', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-rustflags-'));
    fs.mkdirSync(path.join(dir, 'src'));
    fs.mkdirSync(path.join(dir, '.cargo'));
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "probe"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(dir, 'src', 'lib.rs'), 'pub fn f() {}\n');
    fs.writeFileSync(
      path.join(dir, '.cargo', 'config.toml'),
      '[build]\nrustflags = ["--cfg", "from_build"]\n\n[target.\'cfg(target_os = "linux")\']\nrustflags = ["--cfg", "from_target_cfg"]\n',
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function rustcFlagsSeenByCargo(env: Record<string, string | undefined>): Promise<string> {
    const r = await run('cargo', ['build', '-v', '--offline'], { cwd: dir, env: { CARGO_TARGET_DIR: path.join(dir, 'target'), RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined, ...env } });
    expect(r.exitCode).toBe(0);
    const line = r.stderr.split('\n').find((l) => l.includes('Running') && l.includes('--crate-name probe'));
    return line ?? '';
  }

  test('keeps the config flags cargo would use and adds ours', async () => {
    const env = { ...process.env, RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined };
    const bare = await planRustflags({ cargoRoot: dir, env, add: [] });
    expect(bare.flags).toEqual(['--cfg', 'from_target_cfg']);
    expect(bare.warnings.join()).toMatch(/\[build\] rustflags are ignored/);
    const seenBare = await rustcFlagsSeenByCargo({});
    expect(seenBare).toContain('--cfg from_target_cfg');
    expect(seenBare).not.toContain('from_build');

    const plan = await planRustflags({ cargoRoot: dir, env, add: ['--cfg', 'rust_perf_added'] });
    const seen = await rustcFlagsSeenByCargo(plan.env);
    expect(seen).toContain('--cfg from_target_cfg');
    expect(seen).toContain('--cfg rust_perf_added');
  });
});
