// Counted builds keep symbols whatever the profile's strip: DHAT's allocation sites need them.
// (A -Cprofile-use build keeps its profile's strip: e2e counted.spec checks PGO still applies there.)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/run';
import { buildCountedBinary, stripEnvVar } from './counted-build';

describe('buildCountedBinary', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-counted-build-'));
    fs.mkdirSync(path.join(dir, 'src'));
    // A latency program beside the bin (OrderBook-rs's shape): a bench target with its own main.
    fs.writeFileSync(
      path.join(dir, 'Cargo.toml'),
      '[package]\nname = "stripped"\nversion = "0.1.0"\nedition = "2021"\n\n[[bench]]\nname = "spin_hdr"\nharness = false\n\n[profile.release]\nstrip = true\n\n[profile.production]\ninherits = "release"\n',
    );
    fs.mkdirSync(path.join(dir, 'benches'));
    fs.writeFileSync(path.join(dir, 'benches/spin_hdr.rs'), 'fn main() { let mut x = 0u64; for i in 0..1000u64 { x = std::hint::black_box(x ^ i); } println!("p50 (ns): {}", x % 7 + 1); }\n');
    fs.writeFileSync(path.join(dir, 'src/main.rs'), '#[inline(never)] fn find_me(x: u64) -> u64 { x.wrapping_mul(31) }\nfn main() { println!("{}", find_me(std::env::args().count() as u64)); }\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('names cargo\'s strip override of a profile', () => {
    expect(stripEnvVar('release')).toBe('CARGO_PROFILE_RELEASE_STRIP');
    expect(stripEnvVar('my-prod')).toBe('CARGO_PROFILE_MY_PROD_STRIP');
  });

  it.each(['release', 'production'])('keeps the symbols of a %s profile that strips them (the timed build stays stripped)', async (profile) => {
    const exe = await buildCountedBinary({ cargoRoot: dir, package: 'stripped', profile, bin: 'stripped', addRustflags: [], targetDir: path.join(dir, 'target'), name: profile, print: () => undefined });
    expect((await run('nm', ['-C', exe], { cwd: dir })).stdout).toContain('stripped::find_me');
    const timed = await run('cargo', ['build', '--offline', '--profile', profile], { cwd: dir, env: { CARGO_TARGET_DIR: path.join(dir, 'target-timed') } });
    expect(timed.exitCode).toBe(0);
    expect((await run('nm', [path.join(dir, 'target-timed', profile, 'stripped')], { cwd: dir })).stderr).toMatch(/no symbols/);
  });

  it('builds a latency program (a bench target) with --bench when asked for one, and runs it', async () => {
    const exe = await buildCountedBinary({ cargoRoot: dir, package: 'stripped', profile: 'release', bin: 'spin_hdr', kind: 'bench', addRustflags: [], targetDir: path.join(dir, 'target'), name: 'bench-kind', print: () => undefined });
    expect(path.basename(exe)).toMatch(/^spin_hdr-[0-9a-f]+$/);
    const ran = await run(exe, ['--bench'], { cwd: dir });
    expect(ran.exitCode).toBe(0);
    expect(ran.stdout).toMatch(/^p50 \(ns\): \d+$/m);
  });
});
