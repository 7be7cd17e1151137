// Binaries for counted runs: the configuration's own profile and rustflags, at one CPU level
// valgrind decodes, in their own target dirs (cargo's cache keeps them; the timed binaries are
// untouched). valgrind 3.19 stops with SIGILL on AVX-512 (EVEX) code, which `target-cpu=native`
// emits on AVX-512 hosts; x86-64-v3 (AVX2) runs under it. Every configuration is counted at the
// same level, so the counts compare.
import * as path from 'node:path';
import { runCargoBuild } from '../cargo/build';
import { RUST_PERF_DIR } from '../pgo/plan';
import type { RunContext } from '../context/run-context';

export const COUNT_CPU = 'x86-64-v3';

/** The configuration's rustflags with its target-cpu replaced by the counted level (rustc: the last -C target-cpu wins; we also drop ours). */
export function countedRustflags(addRustflags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < addRustflags.length; i++) {
    const f = addRustflags[i];
    if (/^-C\s*target-cpu=/.test(f) || /^-Ctarget-cpu=/.test(f)) continue;
    if (f === '-C' && /^target-cpu=/.test(addRustflags[i + 1] ?? '')) {
      i++;
      continue;
    }
    out.push(f);
  }
  return [...out, `-Ctarget-cpu=${COUNT_CPU}`];
}

export function countedTargetDir(targetDir: string, name: string): string {
  return path.join(targetDir, RUST_PERF_DIR, 'count', name.replace(/[^\w.-]/g, '_'));
}

export interface CountedBuild {
  cargoRoot: string;
  package: string;
  profile: string;
  bin: string;
  /** `bench`: `bin` names a bench target (a latency program), built with `--bench`. */
  kind?: 'bin' | 'bench';
  /** The configuration's own added rustflags (its target-cpu is replaced). */
  addRustflags: readonly string[];
  target?: string;
  features?: string[];
  extraEnv?: Record<string, string>;
  /** cargo's target dir of the workspace; the counted build goes under rust-perf/count/<name>. */
  targetDir: string;
  name: string;
  print?: (line: string) => void;
  /** The run's toolchain facts and cargo configs (core/context/run-context.ts). */
  context?: RunContext;
}

/** `CARGO_PROFILE_<NAME>_STRIP`: cargo's environment override of a profile's strip setting. */
export function stripEnvVar(profile: string): string {
  return `CARGO_PROFILE_${profile.toUpperCase().replace(/-/g, '_')}_STRIP`;
}

/** Builds the bin (or latency program) for counting and returns its path. */
export async function buildCountedBinary(b: CountedBuild): Promise<string> {
  // Symbols kept (strip = "none"): they change no instruction that is counted, and DHAT's allocation
  // sites and cachegrind's attribution are "???" without them; the timed binary keeps its profile's strip.
  // Not for a -Cprofile-use build: cargo hashes the profile's settings into -C metadata, which is part
  // of every mangled name, so the PGO profile would no longer match (measured: −0.4 % instead of −25 %).
  const strip = stripEnvVar(b.profile);
  const kind = b.kind ?? 'bin';
  const keepSymbols = !b.addRustflags.some((f) => f.includes('profile-use='));
  const result = await runCargoBuild({
    cargoRoot: b.cargoRoot,
    args: { package: b.package, profile: b.profile, ...(kind === 'bench' ? { benches: [b.bin] } : { bins: [b.bin] }), target: b.target, features: b.features },
    addRustflags: countedRustflags(b.addRustflags),
    addedBy: `the counted ${b.name} build (-C target-cpu=${COUNT_CPU}, which valgrind decodes)`,
    env: process.env,
    targetDir: countedTargetDir(b.targetDir, b.name),
    extraEnv: keepSymbols ? { [strip]: process.env[strip] ?? 'none', ...b.extraEnv } : b.extraEnv,
    print: b.print,
    context: b.context,
  });
  const exe = result.artifacts.find((a) => a.kind === kind && a.name === b.bin);
  if (!exe) throw new Error(`cargo built no ${kind === 'bench' ? 'bench target' : 'binary'} named ${b.bin} for the counted ${b.name} build`);
  return exe.executable;
}
