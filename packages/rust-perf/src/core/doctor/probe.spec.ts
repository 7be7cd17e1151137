// The probe measures this machine for real: rustc, a real link, perf. It asserts what must hold on
// any machine that runs these tests (CI installs llvm-<major>, perf and mold).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run } from '../process/run';
import { probe, probeLockfile } from './probe';
import { evaluate, lockfileCheck } from './checks';

describe('doctor probe (real tools)', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-ws-'));
    fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[workspace]\nmembers = ["app"]\nresolver = "2"\n\n[profile.profiling]\ninherits = "release"\nstrip = true\n');
    fs.mkdirSync(path.join(dir, 'app', 'src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n');
    fs.writeFileSync(path.join(dir, 'app', 'src', 'main.rs'), 'fn main() {}\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds rustc, links for real and reads the workspace', async () => {
    const facts = await probe(dir);
    expect(facts.rustc?.llvmMajor).toBeGreaterThan(10);
    expect(facts.linker).toEqual({ requested: 'default', links: true });
    expect(facts.allocators).toEqual([{ package: 'app', bin: 'app', allocator: 'system allocator (no #[global_allocator])' }]);
    const checks = evaluate(facts);
    expect(checks.find((c) => c.id === 'symbols:profiling')?.status).toBe('fail');
  });

  it('names the allocator that holds on this target, not one behind another target\'s cfg [exec-doctor-allocator-cfg]', async () => {
    const main = path.join(dir, 'app', 'src', 'main.rs');
    // jemalloc only on musl, and only with the default feature "fast": a glibc build uses malloc.
    fs.writeFileSync(path.join(dir, 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n\n[features]\ndefault = ["fast"]\nfast = []\n');
    fs.writeFileSync(main, '#[cfg(all(target_env = "musl", feature = "fast"))]\n#[global_allocator]\nstatic GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;\n\nfn main() {}\n');
    try {
      const facts = await probe(dir);
      const host = facts.rustc!.host;
      const musl = host.endsWith('-musl');
      expect(facts.allocators).toEqual([
        {
          package: 'app',
          bin: 'app',
          allocator: musl
            ? `jemalloc (#[global_allocator] at app/src/main.rs:2; #[cfg(all(target_env = "musl", feature = "fast"))] holds for ${host} with default features)`
            : `system allocator: the #[global_allocator] jemalloc at app/src/main.rs:2 is behind #[cfg(all(target_env = "musl", feature = "fast"))], which does not hold for ${host} with default features`,
        },
      ]);
    } finally {
      fs.writeFileSync(path.join(dir, 'app', 'Cargo.toml'), '[package]\nname = "app"\nversion = "0.1.0"\nedition = "2021"\n');
      fs.writeFileSync(main, 'fn main() {}\n');
    }
  });

  it('fails llvm-profdata with the fix when PATH hides it', async () => {
    // A PATH with only rustc and cargo (node lives in /usr/bin beside llvm-profdata-<major>).
    const bin = path.join(dir, 'bin');
    fs.mkdirSync(bin, { recursive: true });
    for (const tool of ['rustc', 'cargo']) fs.symlinkSync(path.join(os.homedir(), '.cargo', 'bin', tool), path.join(bin, tool));
    const facts = await probe(dir, { ...process.env, PATH: bin, LLVM_PROFDATA: undefined });
    const check = evaluate(facts).find((c) => c.id === 'llvm-profdata');
    expect(check?.status).toBe('fail');
    expect(check?.fix).toMatch(/apt-get install llvm-\d+/);
  });

  it('a mold link flag is proven by a real link', async () => {
    fs.mkdirSync(path.join(dir, '.cargo'), { recursive: true });
    fs.writeFileSync(path.join(dir, '.cargo', 'config.toml'), '[target.x86_64-unknown-linux-gnu]\nrustflags = ["-C", "link-arg=-fuse-ld=mold"]\n');
    try {
      const facts = await probe(dir);
      expect(facts.linker?.requested).toBe('mold');
      expect(facts.linker?.links).toBe(fs.existsSync('/usr/bin/mold'));
    } finally {
      fs.rmSync(path.join(dir, '.cargo'), { recursive: true, force: true });
    }
  });
});

describe('[infer-lockfile-ignored] doctor reads whether git tracks Cargo.lock (real git)', () => {
  let dir: string;
  const git = async (...args: string[]) => expect((await run('git', ['-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { cwd: dir })).exitCode).toBe(0);
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'doctor-lock-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('outside a repository, ignored, untracked, tracked, missing', async () => {
    fs.writeFileSync(path.join(dir, 'Cargo.lock'), 'version = 4\n');
    expect(await probeLockfile(dir)).toEqual({ exists: true });
    await git('init', '-q');
    fs.writeFileSync(path.join(dir, '.gitignore'), 'Cargo.lock\n');
    expect(await probeLockfile(dir)).toEqual({ exists: true, tracked: false, ignored: true });
    const ignored = lockfileCheck({ exists: true, tracked: false, ignored: true }, 'rust');
    expect([ignored.status, ignored.summary, ignored.fix]).toEqual([
      'warn',
      "rust/Cargo.lock is git-ignored: Nx does not hash it (rust-perf's lock-hash input still keys builds on this machine's copy), and a CI checkout resolves its own versions",
      'remove Cargo.lock from .gitignore, then git add -f rust/Cargo.lock (Cargo recommends committing it, libraries included)',
    ]);
    fs.writeFileSync(path.join(dir, '.gitignore'), '');
    expect(await probeLockfile(dir)).toEqual({ exists: true, tracked: false, ignored: false });
    await git('add', 'Cargo.lock');
    await git('commit', '-qm', 'lock');
    expect(await probeLockfile(dir)).toEqual({ exists: true, tracked: true });
    expect(lockfileCheck({ exists: true, tracked: true }, '').status).toBe('pass');
    fs.rmSync(path.join(dir, 'Cargo.lock'));
    await git('rm', '-q', '--cached', 'Cargo.lock');
    expect(await probeLockfile(dir)).toEqual({ exists: false, tracked: false });
    expect(lockfileCheck({ exists: false, tracked: false }, '').fix).toBe('cargo generate-lockfile && git add Cargo.lock');
  });
});
