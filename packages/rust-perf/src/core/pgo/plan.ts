// Where each PGO step works, and with which flags. Pure, so the layout is unit-tested.
//
// - The instrumented build gets ONE fixed -Cprofile-generate path for every package and run; the
//   per-run directory is chosen at run time with LLVM_PROFILE_FILE (which overrides the compiled-in
//   path). So parallel pipelines share an instrumented target dir without rebuilding each other's
//   crates, and never write into each other's profile directory.
// - `--target <host>` keeps build scripts and proc-macros uninstrumented (as cargo-pgo does).
// - The optimized build reads the profile from a content-hash name: cargo's fingerprint sees a
//   changed rustflags path, but not new contents under the same path.
// - Each kind of build has its own target dir, so none thrashes the plain release build.
import * as path from 'node:path';

export const RUST_PERF_DIR = 'rust-perf';

export interface PgoLayout {
  /** Target dir of instrumented builds (shared by all packages). */
  instrumentedTargetDir: string;
  /** Compiled-in default; a workload that loses LLVM_PROFILE_FILE writes here. */
  defaultProfileDir: string;
  /** Parent of this package's per-run profile directories. */
  packageProfilesDir: string;
  /** This run's .profraw directory. */
  runProfileDir: string;
  /** LLVM_PROFILE_FILE for the workload: %m = binary signature, %p = pid, so processes never collide. */
  llvmProfileFile: string;
}

export function pgoLayout(targetDir: string, pkg: string, runId: string): PgoLayout {
  const base = path.join(targetDir, RUST_PERF_DIR);
  const packageProfilesDir = path.join(base, 'pgo', 'profraw', pkg);
  const runProfileDir = path.join(packageProfilesDir, runId);
  return {
    instrumentedTargetDir: path.join(base, 'pgo-instrumented'),
    defaultProfileDir: path.join(base, 'pgo', 'default-profraw'),
    packageProfilesDir,
    runProfileDir,
    llvmProfileFile: path.join(runProfileDir, '%m_%p.profraw'),
  };
}

export function instrumentFlags(layout: PgoLayout): string[] {
  return [`-Cprofile-generate=${layout.defaultProfileDir}`];
}

/** Where build-pgo's rustc reads the profile: named by content hash inside the target dir. */
export function profileUsePath(targetDir: string, sha256: string): string {
  return path.join(targetDir, RUST_PERF_DIR, 'pgo', 'profdata', `${sha256.slice(0, 16)}.profdata`);
}

export function profileUseFlags(profdata: string, cpu?: string): string[] {
  return [`-Cprofile-use=${profdata}`, '-Cllvm-args=-pgo-warn-missing-function', ...(cpu ? [`-Ctarget-cpu=${cpu}`] : [])];
}

/** Per-package target dir of PGO-optimized builds: each package's profile changes its deps' code too. */
export function pgoUseTargetDir(targetDir: string, pkg: string): string {
  return path.join(targetDir, RUST_PERF_DIR, 'pgo-use', pkg);
}

export function nativeTargetDir(targetDir: string): string {
  return path.join(targetDir, RUST_PERF_DIR, 'native');
}

/** A run id that names its process, so stale directories of dead runs can be recognised. */
export function newRunId(pid: number, now: number): string {
  return `${pid}-${now.toString(36)}`;
}

export function runIdPid(runId: string): number | undefined {
  const m = /^(\d+)-[0-9a-z]+$/.exec(runId);
  return m ? Number(m[1]) : undefined;
}
