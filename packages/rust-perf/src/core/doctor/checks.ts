// doctor: each check turns measured facts about this machine and workspace into pass/warn/fail
// with the exact fix. Pure: probe.ts gathers the facts.
import { VALGRIND_FIX } from '../count/count';
import { boltInstallFix } from '../toolchain/llvm-bolt';

// note: a fact doctor could not read (e.g. /sys in a container); never a failure.
export type CheckStatus = 'pass' | 'warn' | 'fail' | 'note';

export interface Check {
  id: string;
  status: CheckStatus;
  summary: string;
  fix?: string;
}

export interface DoctorFacts {
  rustc?: { release: string; host: string; llvmVersion: string; llvmMajor: number };
  rustcError?: string;
  cargoVersion?: string;
  profdata?: { path: string; version: string; major: number };
  profdataError?: string;
  bolt?: { path: string; mergeFdata: string; version: string; major: number };
  boltError?: string;
  perf?: { path: string; version: string };
  perfAccess?: { allowed: boolean; userOnly: boolean; message?: string; paranoid: number };
  hardwareCounters?: boolean;
  /** `valgrind --version` (counted columns of perf-report, `--count`), undefined when it is missing. */
  valgrind?: string;
  /** The linker the effective rustflags name with -fuse-ld (default: none), whether it is on PATH, and a test link. */
  linker?: { requested: string; installed?: boolean; links: boolean; error?: string };
  cpu?: { configured?: string; hostFeatures: string[]; requiredFeatures?: string[] };
  symbols?: Array<{ profile: string; strip: string; source: string; defined: boolean }>;
  envRustflags?: { source: string; overridesConfig: boolean };
  /** The Cargo root doctor ran in ('' is the Nx root), so a fix names it with --cargoRoot. */
  cargoRoot?: string;
  allocators?: Array<{ package: string; bin: string; allocator: string; /** false: a cfg on the allocator could not be evaluated. */ known?: boolean }>;
  /** The Cargo root's Cargo.lock: whether it exists and whether git tracks it (undefined outside a git repository). */
  lockfile?: { exists: boolean; tracked?: boolean; ignored?: boolean };
}

/** Nx hashes only files git tracks: a lockfile git ignores keys builds through rust-perf's lock-hash input only. */
export function lockfileCheck(lock: NonNullable<DoctorFacts['lockfile']>, cargoRoot: string | undefined): Check {
  const file = cargoRoot ? `${cargoRoot}/Cargo.lock` : 'Cargo.lock';
  if (!lock.exists) return { id: 'lockfile', status: 'warn', summary: `no ${file}: every clean build resolves dependency versions afresh, so two machines can build different code from one commit`, fix: `cargo generate-lockfile${cargoRoot ? ` --manifest-path ${cargoRoot}/Cargo.toml` : ''} && git add ${file}` };
  if (lock.tracked === undefined) return { id: 'lockfile', status: 'note', summary: `${file} exists; not a git repository, so Nx hashes no file here and the lock-hash input keys builds on it` };
  if (lock.tracked) return { id: 'lockfile', status: 'pass', summary: `${file} is tracked by git: it keys every build and the CI cache` };
  return {
    id: 'lockfile',
    status: 'warn',
    summary: `${file} is ${lock.ignored ? 'git-ignored' : 'not tracked by git'}: Nx does not hash it (rust-perf's lock-hash input still keys builds on this machine's copy), and a CI checkout resolves its own versions`,
    fix: `${lock.ignored ? `remove Cargo.lock from .gitignore, then ` : ''}git add ${lock.ignored ? '-f ' : ''}${file} (Cargo recommends committing it, libraries included)`,
  };
}

const WATCHED_FEATURES = ['avx2', 'fma', 'avx512f'];

const rootArg = (cargoRoot: string | undefined) => (cargoRoot ? ` --cargoRoot ${cargoRoot}` : '');

// The narrowest init: --cpu replaces only target-cpu (no --force), --skipProfiles leaves Cargo.toml alone.
const cpuCommand = (cpu: string, cargoRoot: string | undefined) => `nx g rust-perf:init --cpu ${cpu} --skipProfiles${rootArg(cargoRoot)}`;
const CPU_ONLY = '; it changes target-cpu in .cargo/config.toml only, every other value you kept stays';

export function evaluate(f: DoctorFacts): Check[] {
  const checks: Check[] = [];
  const llvmMajor = f.rustc?.llvmMajor;

  checks.push(
    f.rustc
      ? { id: 'rustc', status: 'pass', summary: `rustc ${f.rustc.release} (${f.rustc.host}, LLVM ${f.rustc.llvmVersion}), ${f.cargoVersion ?? 'cargo ?'}` }
      : { id: 'rustc', status: 'fail', summary: `rustc not usable: ${f.rustcError ?? 'unknown error'}`, fix: 'rustup toolchain install stable (and put ~/.cargo/bin on PATH)' },
  );

  if (f.profdata) {
    checks.push({ id: 'llvm-profdata', status: 'pass', summary: `${f.profdata.path} is LLVM ${f.profdata.version}, matching rustc's LLVM ${llvmMajor}` });
  } else {
    const major = Number.isFinite(llvmMajor) ? llvmMajor : '<major>';
    checks.push({
      id: 'llvm-profdata',
      status: 'fail',
      summary: `no llvm-profdata for LLVM ${major}: PGO (pgo-profile, build-pgo) cannot merge profiles`,
      fix: `apt-get install llvm-${major}   or   rustup component add llvm-tools   or   set LLVM_PROFDATA=/path/to/llvm-profdata`,
    });
  }

  // BOLT is optional (bolt-profile, build-bolt only): a missing one is a warning.
  if (f.bolt) {
    checks.push({ id: 'llvm-bolt', status: 'pass', summary: `${f.bolt.path} is LLVM ${f.bolt.version}${f.bolt.major === llvmMajor ? `, matching rustc's LLVM ${llvmMajor}` : ` (LLVM_BOLT; rustc's LLVM is ${llvmMajor})`}; merge-fdata: ${f.bolt.mergeFdata}` });
  } else {
    const major = Number.isFinite(llvmMajor) ? llvmMajor : '<major>';
    checks.push({ id: 'llvm-bolt', status: 'warn', summary: `no llvm-bolt for LLVM ${major}: bolt-profile and build-bolt are unavailable`, fix: `${boltInstallFix(major ?? '<major>')}   or   set LLVM_BOLT=/path/to/llvm-bolt` });
  }

  if (!f.perf) {
    checks.push({ id: 'perf', status: 'warn', summary: 'perf not found: flamegraph is unavailable', fix: 'apt-get install linux-perf (Debian) or linux-tools-$(uname -r) (Ubuntu)' });
  } else if (f.perfAccess && !f.perfAccess.allowed) {
    checks.push({ id: 'perf', status: 'warn', summary: `${f.perf.version} installed, but recording is not allowed (perf_event_paranoid ${f.perfAccess.paranoid})`, fix: 'sudo sysctl kernel.perf_event_paranoid=1' });
  } else {
    const scope = f.perfAccess?.userOnly ? ', user space only' : '';
    checks.push({ id: 'perf', status: 'pass', summary: `${f.perf.version} can record (perf_event_paranoid ${f.perfAccess?.paranoid ?? '?'}${scope})` });
  }
  checks.push(
    f.valgrind
      ? { id: 'valgrind', status: 'pass', summary: `${f.valgrind}: perf-report counts instructions and estimated cycles (binaries built for x86-64-v3)` }
      : { id: 'valgrind', status: 'warn', summary: 'valgrind not found: perf-report has no counted columns and --count is unavailable', fix: VALGRIND_FIX },
  );
  if (f.perf && f.hardwareCounters !== undefined) {
    checks.push(
      f.hardwareCounters
        ? { id: 'hardware-counters', status: 'pass', summary: 'hardware cycle counters available' }
        : { id: 'hardware-counters', status: 'warn', summary: 'no hardware counters (virtual machine without a PMU?): flamegraph samples cpu-clock instead', fix: 'nothing to do; for cycle-accurate profiles run on bare metal or enable the vPMU' },
    );
  }

  if (f.linker) {
    const named = f.linker.requested !== 'default';
    const what = named ? f.linker.requested : "rustc's default linker";
    const install = `apt-get install ${f.linker.requested} (Debian/Ubuntu) or brew install ${f.linker.requested} (macOS)`;
    const drop = `or nx g rust-perf:init --linker default${rootArg(f.cargoRoot)} to stop naming it`;
    if (named && f.linker.installed === false) {
      checks.push({ id: 'linker', status: 'fail', summary: `.cargo/config.toml links with -fuse-ld=${what}, which is not installed here: every build of this repository fails to link on this machine`, fix: `${install}, ${drop}` });
    } else {
      checks.push(
        f.linker.links
          ? { id: 'linker', status: 'pass', summary: `${what} links a test program${named ? ` (every machine building this repository needs ${what})` : ''}` }
          : { id: 'linker', status: 'fail', summary: `${what} fails to link: ${f.linker.error ?? 'unknown error'}`, fix: named ? `${install}, ${drop}` : 'install a C toolchain: apt-get install build-essential' },
      );
    }
  }

  if (f.cpu) {
    const host = new Set(f.cpu.hostFeatures);
    const present = WATCHED_FEATURES.filter((x) => host.has(x));
    const missing = (f.cpu.requiredFeatures ?? []).filter((x) => !host.has(x));
    const cfg = f.cpu.configured ?? 'none (generic x86-64)';
    if (missing.length) {
      checks.push({ id: 'cpu', status: 'fail', summary: `target-cpu=${cfg} needs ${missing.join(', ')}, which this CPU lacks: binaries will die with SIGILL`, fix: `${cpuCommand('none', f.cargoRoot)} (or --cpu native)${CPU_ONLY}` });
    } else if (!f.cpu.configured && present.length) {
      checks.push({ id: 'cpu', status: 'warn', summary: `this CPU has ${present.join(', ')} but builds target generic x86-64`, fix: `nx run <project>:build-native for CPU-tuned local builds (cached per CPU), or ${cpuCommand('x86-64-v3', f.cargoRoot)} for shipped binaries${CPU_ONLY}` });
    } else {
      checks.push({ id: 'cpu', status: 'pass', summary: `target-cpu=${cfg}; host has ${present.join(', ') || 'none of ' + WATCHED_FEATURES.join(', ')}` });
    }
  }

  for (const s of f.symbols ?? []) {
    if (!s.defined) {
      checks.push({ id: `symbols:${s.profile}`, status: 'warn', summary: `profile ${s.profile} is not defined: flamegraph falls back to bench`, fix: 'nx g rust-perf:init (adds [profile.profiling])' });
    } else if (s.strip === 'symbols') {
      checks.push({ id: `symbols:${s.profile}`, status: 'fail', summary: `profile ${s.profile} strips symbols (${s.source}): flamegraphs would show only addresses`, fix: `set strip = "none" in [profile.${s.profile}]` });
    } else {
      checks.push({ id: `symbols:${s.profile}`, status: 'pass', summary: `profile ${s.profile} keeps symbols (strip = ${s.strip}, ${s.source})` });
    }
  }

  if (f.envRustflags) {
    checks.push(
      f.envRustflags.overridesConfig
        ? { id: 'rustflags-env', status: 'warn', summary: `${f.envRustflags.source} is set and replaces the rustflags of .cargo/config.toml for plain cargo builds (rust-perf targets merge both)`, fix: `unset ${f.envRustflags.source}, or move its flags into .cargo/config.toml` }
        : { id: 'rustflags-env', status: 'pass', summary: `${f.envRustflags.source} is set; no config rustflags to override` },
    );
  } else {
    checks.push({ id: 'rustflags-env', status: 'pass', summary: 'RUSTFLAGS / CARGO_ENCODED_RUSTFLAGS not set: config.toml flags apply' });
  }

  if (f.lockfile) checks.push(lockfileCheck(f.lockfile, f.cargoRoot));

  for (const a of f.allocators ?? []) {
    checks.push(
      a.known === false
        ? { id: `allocator:${a.bin}`, status: 'warn', summary: `${a.package}/${a.bin}: ${a.allocator}`, fix: 'check the built binary: `nm -C <binary> | grep -i -E "jemalloc|mimalloc"` lists the allocator\'s symbols when it is linked in' }
        : { id: `allocator:${a.bin}`, status: 'pass', summary: `${a.package}/${a.bin}: ${a.allocator}` },
    );
  }
  return checks;
}

export function exitCode(checks: readonly Check[]): number {
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

const MARK: Record<CheckStatus, string> = { pass: 'pass', warn: 'WARN', fail: 'FAIL', note: 'note' };

export function renderChecks(checks: readonly Check[]): string {
  const width = Math.max(...checks.map((c) => c.id.length));
  const lines = checks.flatMap((c) => [`${MARK[c.status].padEnd(4)}  ${c.id.padEnd(width)}  ${c.summary}`, ...(c.fix ? [`${' '.repeat(width + 8)}fix: ${c.fix}`] : [])]);
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  return `${lines.join('\n')}\n\n${count('pass')} passed, ${count('warn')} warnings, ${count('fail')} failed`;
}

/** Features a -C target-cpu level requires (x86-64 psABI levels); native and unknown CPUs require nothing checkable. */
export function requiredFeatures(cpu: string | undefined): string[] {
  switch (cpu) {
    case 'x86-64-v2':
      return ['sse4.2', 'popcnt'];
    case 'x86-64-v3':
      return ['avx2', 'fma', 'bmi2'];
    case 'x86-64-v4':
      return ['avx512f', 'avx2', 'fma'];
    default:
      return [];
  }
}

/** target-cpu=… from a rustflags list (`-C target-cpu=x` or `-Ctarget-cpu=x`); the last one wins, as in rustc. */
export function configuredCpu(flags: readonly string[]): string | undefined {
  let cpu: string | undefined;
  flags.forEach((flag, i) => {
    const joined = flag === '-C' ? `-C${flags[i + 1] ?? ''}` : flag;
    const m = /^-Ctarget-cpu=(.+)$/.exec(joined);
    if (m) cpu = m[1];
  });
  return cpu;
}

/** `target_feature="avx2"` lines of `rustc --print cfg`. */
export function featuresFromCfg(cfgLines: readonly string[]): string[] {
  return cfgLines.map((l) => /^target_feature="(.+)"$/.exec(l.trim())?.[1]).filter((x): x is string => !!x);
}
