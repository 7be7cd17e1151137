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
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[package]\nname = "stripped"\nversion = "0.1.0"\nedition = "2021"\n\n[profile.release]\nstrip = true\n\n[profile.production]\ninherits = "release"\n');
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
});
