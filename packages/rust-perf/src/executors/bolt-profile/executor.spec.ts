// The real BOLT pipeline (relocations build → llvm-bolt -instrument → workload → merge-fdata →
// llvm-bolt -data) on a tiny workspace with Debian's bolt-<major>, and its failure cases.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readElf } from '../../core/bolt/elf';
import { run } from '../../core/process/run';
import boltProfile from './executor';
import buildBolt from '../build-bolt/executor';
import pgoProfile from '../pgo-profile/executor';
import buildRelease from '../build-release/executor';
import { captureConsole, createTinyWorkspace, type TinyWorkspace } from '../shared/__fixtures__/tiny-workspace';
import { hashTree } from '../../reliability/__fixtures__/fixtures';

// A second binary crate, so two packages can be profiled at the same time.
const OTHER_MAIN = `
fn spin(n: u64) -> u64 { (0..n).fold(7u64, |a, i| if i % 5 == 0 { a.rotate_left(3) ^ i } else { a.wrapping_add(i) }) }
fn main() {
    let n: u64 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(1000);
    println!("other={}", spin(n));
}
`;

describe('bolt-profile + build-bolt executors', () => {
  let ws: TinyWorkspace;
  const logs = captureConsole();
  const saved = { ...process.env };
  const text = () => logs.join('\n');
  const opts = { cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/bolt/tiny-app' };
  const buildOpts = { cargoRoot: 'rust', package: 'tiny-app', profileDir: 'dist/bolt/tiny-app', outputPath: 'dist/rust/tiny-app/bolt' };
  const abs = (rel: string) => path.join(ws.root, rel);
  const workload = [{ bin: 'tiny-app', args: ['200000'] }];

  beforeAll(() => {
    ws = createTinyWorkspace();
    ws.write('rust/Cargo.toml', '[workspace]\nmembers = ["tiny-core", "tiny-app", "other-app"]\nresolver = "2"\n\n[profile.release]\nstrip = true\npanic = "abort"\n');
    ws.write('rust/other-app/Cargo.toml', '[package]\nname = "other-app"\nversion = "0.1.0"\nedition = "2021"\n');
    ws.write('rust/other-app/src/main.rs', OTHER_MAIN);
    process.env.CARGO_TARGET_DIR = path.join(ws.root, 'target');
    process.env.RUST_PERF_CACHE_DIR = path.join(ws.root, 'cache');
    delete process.env.RUSTFLAGS;
    delete process.env.CARGO_ENCODED_RUSTFLAGS;
    delete process.env.LLVM_BOLT;
  });
  afterAll(() => {
    process.env = saved;
    ws.cleanup();
  });

  test('from a release profile with strip = true: profile, input binary with relocations, optimized binary with the same output', async () => {
    const r = await boltProfile({ ...opts, workload }, ws.context('tiny-app'));
    expect(text()).toMatch(/▸ \[bolt-profile 4\/5\] workload/);
    expect(r.success).toBe(true);
    expect(fs.readdirSync(abs('dist/bolt/tiny-app')).sort()).toEqual(['bolt.json', 'relocs', 'tiny-app.fdata']);
    expect(fs.statSync(abs('dist/bolt/tiny-app/tiny-app.fdata')).size).toBeGreaterThan(0);
    // strip = true in the profile, overridden for this build only; relocations kept.
    const input = readElf(abs('dist/bolt/tiny-app/relocs/tiny-app'));
    expect({ relocations: input.relocations, symbols: input.symbols }).toEqual({ relocations: true, symbols: true });
    expect(text()).toMatch(/rustflags: .*-Cstrip=none -Clink-args=-Wl,--emit-relocs/);
    // The profile names the program's own functions.
    expect(fs.readFileSync(abs('dist/bolt/tiny-app/tiny-app.fdata'), 'utf8')).toMatch(/tiny_app/);
    // No per-run directory is left behind.
    expect(fs.readdirSync(abs('target/rust-perf/bolt/runs/tiny-app'))).toEqual([]);

    const b = await buildBolt(buildOpts, ws.context('tiny-app'));
    expect(b.success).toBe(true);
    expect(text()).toMatch(/-reorder-blocks=ext-tsp -reorder-functions=cdsort/);
    expect(text()).toMatch(/tiny-app: \d+ of \d+ functions have profile .*executed instructions/);
    expect(fs.readdirSync(abs('dist/rust/tiny-app/bolt')).sort()).toEqual(['build.json', 'tiny-app']);
    // BOLT marks what it rewrote.
    expect(readElf(abs('dist/rust/tiny-app/bolt/tiny-app')).sections).toContain('.note.bolt_info');
    const rel = await buildRelease({ cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/rust/tiny-app/release' }, ws.context('tiny-app'));
    expect(rel.success).toBe(true);
    const outOf = async (bin: string) => (await run(abs(bin), ['54321'], { cwd: ws.root })).stdout;
    expect(await outOf('dist/rust/tiny-app/bolt/tiny-app')).toBe(await outOf('dist/rust/tiny-app/release/tiny-app'));
  }, 300_000);

  test('on top of PGO: the input is built with the pgo-profile .profdata', async () => {
    expect((await pgoProfile({ cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/pgo/tiny-app', workload }, ws.context('tiny-app'))).success).toBe(true);
    const r = await boltProfile({ ...opts, workload, profdata: 'dist/pgo/tiny-app/tiny-app.profdata' }, ws.context('tiny-app'));
    expect(r.success).toBe(true);
    expect(text()).toMatch(/rustflags: .*-Cprofile-use=.*\.profdata.*-Clink-args=-Wl,--emit-relocs/);
    // The PGO profile matches the input's code: the program's own functions have data (a profile
    // override of \`strip\` would change every symbol hash and match nothing).
    expect(text()).toMatch(/ {2}PGO profile: /);
    expect(text()).not.toMatch(/PGO profile: .*tiny_app/);
    const record = JSON.parse(fs.readFileSync(abs('dist/bolt/tiny-app/bolt.json'), 'utf8')) as { profdata: string };
    expect(record.profdata).toMatch(/^dist\/pgo\/tiny-app\/tiny-app\.profdata \(sha256 [0-9a-f]{16}\)$/);
    // A cached output: no absolute path of this machine in it.
    expect(fs.readFileSync(abs('dist/bolt/tiny-app/bolt.json'), 'utf8')).not.toContain(ws.root);
    expect(fs.readFileSync(abs('dist/bolt/tiny-app/bolt.json'), 'utf8')).toContain('-Cprofile-use=<target-dir>/rust-perf/pgo/profdata/');
    expect((await buildBolt(buildOpts, ws.context('tiny-app'))).success).toBe(true);
  }, 300_000);

  test('[exec-bolt-parallel] two packages profiled at the same time keep their profiles and input builds apart', async () => {
    const [a, b] = await Promise.all([
      boltProfile({ ...opts, workload: [{ bin: 'tiny-app', args: ['100000'] }] }, ws.context('tiny-app')),
      boltProfile({ cargoRoot: 'rust', package: 'other-app', outputPath: 'dist/bolt/other-app', workload: [{ bin: 'other-app', args: ['100000'] }] }, ws.context('other-app')),
    ]);
    expect([a.success, b.success]).toEqual([true, true]);
    const tiny = fs.readFileSync(abs('dist/bolt/tiny-app/tiny-app.fdata'), 'utf8');
    const other = fs.readFileSync(abs('dist/bolt/other-app/other-app.fdata'), 'utf8');
    expect(tiny).toMatch(/tiny_app/);
    expect(tiny).not.toMatch(/other_app/);
    expect(other).toMatch(/other_app/);
    expect(other).not.toMatch(/tiny_app/);
    expect(fs.readdirSync(abs('target/rust-perf/bolt/input')).sort()).toEqual(['other-app', 'tiny-app']);
  }, 300_000);

  test('[exec-bolt-mold] with mold in .cargo/config.toml (as `init --linker mold` writes it), the input links with lld, which llvm-bolt can read', async () => {
    ws.write('rust/.cargo/config.toml', '[build]\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n');
    try {
      const r = await boltProfile({ ...opts, workload }, ws.context('tiny-app'));
      expect(text()).toMatch(/note: the rustflags link with mold, whose PLT llvm-bolt cannot read: this build links with lld instead/);
      expect(r.success).toBe(true);
      expect(readElf(abs('dist/bolt/tiny-app/relocs/tiny-app')).comment.join('\n')).toMatch(/LLD/);
      expect(readElf(abs('dist/bolt/tiny-app/relocs/tiny-app')).comment.join('\n')).not.toMatch(/mold/);
    } finally {
      fs.rmSync(abs('rust/.cargo'), { recursive: true, force: true });
    }
  }, 300_000);

  test('[exec-bolt-workload-abnormal] a workload that does not exit normally writes no .fdata: a clear error, nothing published', async () => {
    fs.rmSync(abs('dist/bolt/tiny-app'), { recursive: true, force: true });
    // Ended by SIGINT at its timeout, without a handler that calls exit: BOLT's runtime never runs.
    const r = await boltProfile({ ...opts, workload: [{ bin: 'tiny-app', args: ['100000000000'], timeoutSeconds: 1, graceSeconds: 1 }] }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(text()).toMatch(/No \.fdata profile was written to .*\nWorkload: tiny-app 100000000000\n.*write their profile when they exit normally/);
    expect(fs.existsSync(abs('dist/bolt/tiny-app'))).toBe(false);
  }, 300_000);

  test('[exec-bolt-stripped] a strip flag from RUSTFLAGS: the linker refuses, and the message explains the pair of flags', async () => {
    process.env.RUSTFLAGS = '-Clink-arg=-Wl,--strip-all';
    try {
      const r = await boltProfile({ ...opts, workload }, ws.context('tiny-app'));
      expect(r.success).toBe(false);
    } finally {
      delete process.env.RUSTFLAGS;
    }
    expect(text()).toMatch(/the linker refuses to strip symbols \(--strip-all\) and keep relocations \(--emit-relocs\)/);
    expect(text()).toMatch(/remove `-C link-arg=-s`\/`-Wl,--strip-all`/);
  }, 300_000);

  test('[exec-bolt-stripped] a stripped input binary is refused before BOLT runs, naming strip = false', async () => {
    expect((await boltProfile({ ...opts, workload }, ws.context('tiny-app'))).success).toBe(true);
    const stripped = abs('dist/bolt-stripped');
    fs.cpSync(abs('dist/bolt/tiny-app'), stripped, { recursive: true });
    await run('strip', [path.join(stripped, 'relocs/tiny-app')], { cwd: ws.root });
    const r = await buildBolt({ ...buildOpts, profileDir: 'dist/bolt-stripped', outputPath: 'dist/rust/tiny-app/bolt-s' }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(text()).toMatch(/relocs\/tiny-app is stripped \(no \.symtab\): BOLT needs the symbol table/);
    expect(fs.existsSync(abs('dist/rust/tiny-app/bolt-s'))).toBe(false);
  }, 300_000);

  test('[exec-bolt-no-relocs] a binary linked without --emit-relocs is refused, explaining the flag', async () => {
    const plain = abs('dist/bolt-plain');
    fs.cpSync(abs('dist/bolt/tiny-app'), plain, { recursive: true });
    // A plain release link with symbols kept, as a user's own build would give it.
    const r0 = await buildRelease({ cargoRoot: 'rust', package: 'tiny-app', outputPath: 'dist/rust/tiny-app/plain', extraArgs: ['--config', 'profile.release.strip=false'] }, ws.context('tiny-app'));
    expect(r0.success).toBe(true);
    fs.copyFileSync(abs('dist/rust/tiny-app/plain/tiny-app'), path.join(plain, 'relocs/tiny-app'));
    const r = await buildBolt({ ...buildOpts, profileDir: 'dist/bolt-plain', outputPath: 'dist/rust/tiny-app/bolt-p' }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(text()).toMatch(/has no static relocations \(no \.rela\.text\).*\n.*-C link-args=-Wl,--emit-relocs/);
    expect(fs.existsSync(abs('dist/rust/tiny-app/bolt-p'))).toBe(false);
  }, 300_000);

  test('[exec-bolt-crash] llvm-bolt crashing mid-optimization publishes nothing and keeps the input binary and profile', async () => {
    expect((await buildBolt(buildOpts, ws.context('tiny-app'))).success).toBe(true);
    const before = hashTree(abs('dist'));
    // The real llvm-bolt answers --version; optimizing writes part of its output, then dies by SIGSEGV.
    const real = (await run('sh', ['-c', 'command -v llvm-bolt-22 || command -v llvm-bolt'], { cwd: ws.root })).stdout.trim();
    const fake = path.join(ws.root, 'crashing-bolt');
    fs.writeFileSync(fake, `#!/bin/sh\nif [ "$1" = --version ]; then exec "${real}" --version; fi\nwhile [ "$#" -gt 0 ]; do if [ "$1" = -o ]; then head -c 4096 /bin/sh > "$2"; fi; shift; done\nkill -SEGV $$\n`, { mode: 0o755 });
    process.env.LLVM_BOLT = fake;
    try {
      expect((await buildBolt(buildOpts, ws.context('tiny-app'))).success).toBe(false);
    } finally {
      delete process.env.LLVM_BOLT;
    }
    expect(text()).toMatch(/llvm-bolt was ended by SIGSEGV \(a crash in llvm-bolt\) while optimizing tiny-app; nothing was published/);
    expect(text()).toMatch(/The input binary is kept in .*dist\/bolt\/tiny-app\/relocs\/tiny-app/);
    expect(hashTree(abs('dist'))).toEqual(before);
  }, 300_000);

  test('[exec-bolt-unsupported-target] a non-ELF or non-x86_64/aarch64 target is refused before building', async () => {
    for (const target of ['x86_64-pc-windows-msvc', 'aarch64-apple-darwin', 'riscv64gc-unknown-linux-gnu']) {
      const r = await boltProfile({ ...opts, workload, target }, ws.context('tiny-app'));
      expect(r.success).toBe(false);
    }
    expect(text()).toMatch(/target x86_64-pc-windows-msvc: BOLT optimizes ELF executables .* only/);
    expect(text()).toMatch(/target aarch64-apple-darwin: BOLT optimizes ELF executables/);
    expect(text()).toMatch(/target riscv64gc-unknown-linux-gnu: BOLT optimizes x86_64 and aarch64 binaries only/);
    expect(text()).not.toMatch(/cargo build/);
  }, 60_000);

  test('[exec-bolt-missing] no llvm-bolt: names rustc\'s LLVM major and `apt-get install bolt-<major>`', async () => {
    const cargoBin = path.dirname(saved.PATH?.split(':').map((d) => path.join(d, 'cargo')).find((p) => fs.existsSync(p)) ?? '/root/.cargo/bin/cargo');
    process.env.PATH = cargoBin;
    try {
      expect((await boltProfile({ ...opts, workload }, ws.context('tiny-app'))).success).toBe(false);
    } finally {
      process.env.PATH = saved.PATH;
    }
    expect(text()).toMatch(/No llvm-bolt for LLVM \d+ \(rustc's LLVM, from `rustc -vV`\) was found\.\nFix one of:\n {2}1\. apt-get install bolt-(\d+) {3}\(provides llvm-bolt-\1 and merge-fdata-\1\)/);
  }, 60_000);

  test('a criterion-bench workload is refused: BOLT profiles the binary itself', async () => {
    const r = await boltProfile({ ...opts, workload: [{ bench: 'x' }] as never }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(text()).toMatch(/bolt-profile needs a workload that runs tiny-app's binary \(tiny-app\)/);
  }, 60_000);

  test('build-bolt before bolt-profile names the target to run', async () => {
    const r = await buildBolt({ ...buildOpts, profileDir: 'dist/nothing-here' }, ws.context('tiny-app'));
    expect(r.success).toBe(false);
    expect(text()).toMatch(/dist\/nothing-here\/bolt\.json is missing: run `nx run tiny-app:bolt-profile` first/);
  });
});
