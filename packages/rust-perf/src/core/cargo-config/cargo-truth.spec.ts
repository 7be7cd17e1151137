// Real cargo is the judge of what our .cargo/config.toml does: `cargo build -v` must pass our
// CPU flag AND the user's [build] flags (which cargo would drop without the copy).
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../process/run';
import { planCargoConfig } from './plan';
import { decideLinker, parseRustcHost, rustcHost } from './linker';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'rust-perf-config-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'Cargo.toml'), '[package]\nname = "probe"\nversion = "0.1.0"\nedition = "2021"\n');
  writeFileSync(join(dir, 'src/main.rs'), 'fn main() {}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function rustcFlags(config: string): Promise<string> {
  mkdirSync(join(dir, '.cargo'), { recursive: true });
  writeFileSync(join(dir, '.cargo/config.toml'), config);
  const r = await run('cargo', ['build', '-v', '--offline'], { cwd: dir, env: { CARGO_TARGET_DIR: join(dir, 'target'), RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined } });
  expect(r.exitCode).toBe(0);
  return r.stderr.split('\n').find((l) => l.includes('Running') && l.includes('--crate-name probe')) ?? '';
}

it('cargo passes both the CPU flag and the copied [build] flags', async () => {
  const existing = '[build]\nrustflags = ["--cfg", "from_build"]\n';
  const host = parseRustcHost((await run('rustc', ['-vV'], { cwd: dir })).stdout);
  const before = await rustcFlags(existing);
  expect(before).toContain('from_build');
  const plan = planCargoConfig({ existing, file: 'config.toml', cpu: 'x86-64-v3', linkerFlags: [], host, force: false });
  const after = await rustcFlags(plan.text!);
  if (host.arch === 'x86_64') expect(after).toContain('target-cpu=x86-64-v3');
  expect(after).toContain('from_build');
});

describe('parseRustcHost', () => {
  it.each([
    ['x86_64-unknown-linux-gnu', 'x86_64', 'linux'],
    ['aarch64-apple-darwin', 'aarch64', 'macos'],
    ['x86_64-pc-windows-msvc', 'x86_64', 'windows'],
    ['i686-unknown-linux-gnu', 'x86', 'linux'],
  ])('%s', (triple, arch, os) => expect(parseRustcHost(`rustc 1.95.0\nhost: ${triple}\n`)).toEqual({ triple, arch, os }));
});

describe('decideLinker (real links on this host)', () => {
  it('does not add an lld flag when rustc already links with LLD, and proves mold by a test link (--linker mold)', async () => {
    const host = await rustcHost(dir);
    if (host.os !== 'linux') return;
    const lld = await decideLinker('lld', host, dir);
    // rustc >= 1.90 links x86_64-unknown-linux-gnu with its bundled LLD: the flag would change nothing.
    if (host.triple === 'x86_64-unknown-linux-gnu') expect(lld).toEqual({ flags: [], reason: expect.stringContaining('already links') });
    const moldInstalled = (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, 'mold')));
    if (moldInstalled) expect((await decideLinker('mold', host, dir)).flags).toEqual(['-C', 'link-arg=-fuse-ld=mold']);
    else await expect(decideLinker('mold', host, dir)).rejects.toThrow('--linker mold: mold is not installed on this machine; nothing was written. Fix: apt-get install mold');
  });
});

// cargo prints the rustc line of a --target build even when that target's std is not installed.
async function rustcLineFor(config: string, target: string): Promise<string> {
  writeFileSync(join(dir, '.cargo/config.toml'), config);
  const r = await run('cargo', ['build', '-v', '--offline', '--target', target], { cwd: dir, env: { CARGO_TARGET_DIR: join(dir, 'target'), RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined } });
  return r.stderr.split('\n').find((l) => l.includes('Running') && l.includes('--crate-name probe')) ?? '';
}

it('[gen-joined-target-tables] cargo: the musl build keeps only the user\'s flags, the host build gets ours', async () => {
  const host = parseRustcHost((await run('rustc', ['-vV'], { cwd: dir })).stdout);
  if (host.triple !== 'x86_64-unknown-linux-gnu') return;
  const existing = '[target.x86_64-unknown-linux-musl]\nrustflags = ["-C", "target-feature=+crt-static"]\n';
  const musl = (await run('rustc', ['--print', 'cfg', '--target', 'x86_64-unknown-linux-musl'], { cwd: dir })).stdout.split('\n').filter(Boolean);
  const flags = ['-C', 'link-arg=-fuse-ld=mold'];
  // Before: the table init used to write joins the user's.
  const joined = `${existing}[target.'cfg(all(target_arch = "x86_64", target_os = "linux"))']\nrustflags = ["-C", "target-cpu=x86-64-v3", ${flags.map((f) => JSON.stringify(f)).join(', ')}]\n`;
  expect(await rustcLineFor(joined, 'x86_64-unknown-linux-musl')).toMatch(/\+crt-static.*target-cpu=x86-64-v3|target-cpu=x86-64-v3.*\+crt-static/);
  const plan = planCargoConfig({ existing, file: 'config.toml', cpu: 'x86-64-v3', linkerFlags: flags, host, force: false, tripleCfg: { 'x86_64-unknown-linux-musl': musl } });
  const muslLine = await rustcLineFor(plan.text!, 'x86_64-unknown-linux-musl');
  expect(muslLine).toContain('target-feature=+crt-static');
  expect(muslLine).not.toMatch(/target-cpu|fuse-ld/);
  const hostLine = await rustcLineFor(plan.text!, host.triple);
  expect(hostLine).toContain('target-cpu=x86-64-v3');
  expect(hostLine).toContain('-fuse-ld=mold');
  expect(hostLine).not.toContain('crt-static');
});
