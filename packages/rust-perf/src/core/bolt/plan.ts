// Where each BOLT step works and with which flags. Pure, so the layout and argv are unit-tested.
//
// - The input binary keeps its static relocations: `-C link-args=-Wl,--emit-relocs`, given with
//   `--target <host>` so cargo applies it to target artifacts only (build scripts and proc-macros
//   link without it, as cargo-pgo does).
// - rust-lld refuses `--strip-all` together with `--emit-relocs`, and BOLT needs .symtab anyway, so
//   the build keeps symbols with the rustflag `-Cstrip=none` (after cargo's own `-C strip=…`, so it
//   wins). Not `--config profile.<p>.strip=false` and not a dedicated profile: cargo hashes profile
//   settings into `-C metadata`, which changes every mangled symbol hash, and the PGO profile
//   (recorded with the profile's own settings) would then match no function (measured: the input
//   lost all of PGO's gain, 834 M instructions vs build-pgo's 656 M). Rustflags are not in that hash.
// - The instrumented binaries write `<bin>.<pid>.fdata` (`-instrumentation-file-append-pid`) into
//   a per-run directory, so processes of one workload and parallel runs never overwrite each other.
// - Each package has its own input target dir (its PGO profile changes its dependencies' code too).
import * as path from 'node:path';
import { RUST_PERF_DIR } from '../pgo/plan';

export const EMIT_RELOCS_FLAG = '-Clink-args=-Wl,--emit-relocs';
/** Keeps .symtab whatever the profile's `strip` says (see above: a rustflag, not a profile override). */
export const KEEP_SYMBOLS_FLAG = '-Cstrip=none';

export interface BoltLayout {
  /** Target dir of the relocation-keeping build of this package. */
  inputTargetDir: string;
  /** Parent of this package's per-run directories. */
  packageRunsDir: string;
  /** This run's directory. */
  runDir: string;
  /** Instrumented binaries, under their own names (RUST_PERF_BIN_DIR for `command` workloads). */
  instrumentedDir: string;
  /** Where the instrumented binaries write their profiles. */
  fdataDir: string;
  /** Parent of build-bolt's per-run directories (optimized binaries and llvm-bolt logs before publishing). */
  optimizeRunsDir: string;
}

export function boltLayout(targetDir: string, pkg: string, runId: string): BoltLayout {
  const base = path.join(targetDir, RUST_PERF_DIR);
  const packageRunsDir = path.join(base, 'bolt', 'runs', pkg);
  const runDir = path.join(packageRunsDir, runId);
  return {
    inputTargetDir: path.join(base, 'bolt', 'input', pkg),
    packageRunsDir,
    runDir,
    instrumentedDir: path.join(runDir, 'bin'),
    fdataDir: path.join(runDir, 'fdata'),
    optimizeRunsDir: path.join(base, 'bolt', 'optimize', pkg),
  };
}

/** `llvm-bolt -instrument`: each process appends its pid, so parallel processes never clash. */
export function instrumentArgv(input: string, output: string, fdataBase: string): string[] {
  return [input, '-instrument', '-o', output, `--instrumentation-file=${fdataBase}`, '--instrumentation-file-append-pid'];
}

/** The file names an instrumented binary writes with `-instrumentation-file-append-pid`: `<base>.<pid>.fdata`. */
export function fdataFilePattern(bin: string): RegExp {
  return new RegExp(`^${bin.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.\\d+\\.fdata$`);
}

export interface BoltOption {
  arg: string;
  why: string;
}

/** The layout options of llvm-bolt's documentation (bolt/README.md, "Optimizing"), as data with the reason for each. */
export const BOLT_OPTIMIZE_OPTIONS: readonly BoltOption[] = [
  { arg: '-reorder-blocks=ext-tsp', why: 'lay out basic blocks so hot paths fall through (extended TSP)' },
  { arg: '-reorder-functions=cdsort', why: 'place functions that call each other close together (cache-directed sort)' },
  { arg: '-split-functions', why: 'move cold blocks of hot functions out of the hot text' },
  { arg: '-split-all-cold', why: 'outline every cold block, not only the large ones' },
  { arg: '-split-eh', why: 'also move exception (landing pad) blocks out of the hot text' },
  { arg: '-icf=all', why: 'fold functions with identical code' },
  { arg: '-use-gnu-stack', why: 'keep the PT_GNU_STACK header so the result stays strip- and objcopy-compatible' },
  { arg: '-dyno-stats', why: 'print executed-instruction and branch counts before and after, from the profile' },
];

export function optimizeArgv(input: string, output: string, fdata: string, options: readonly string[] = BOLT_OPTIMIZE_OPTIONS.map((o) => o.arg)): string[] {
  return [input, '-o', output, `-data=${fdata}`, ...options];
}

export class BoltTargetError extends Error {}

/** BOLT rewrites ELF executables for x86_64 and aarch64: refuse other targets before building anything. */
export function checkBoltTarget(triple: string): void {
  const [arch, ...rest] = triple.split('-');
  const os = rest.join('-');
  if (!['x86_64', 'aarch64'].includes(arch))
    throw new BoltTargetError(`target ${triple}: BOLT optimizes x86_64 and aarch64 binaries only (this target's architecture is ${arch}). Use build-pgo for this target.`);
  if (/darwin|ios|windows|wasi|uefi|none|apple/.test(os))
    throw new BoltTargetError(`target ${triple}: BOLT optimizes ELF executables (Linux and other ELF systems) only, not ${os} binaries. Use build-pgo for this target.`);
}

/** Where bolt-profile publishes by default: `<bin>.fdata` and `relocs/<bin>` (the exact binary the profile describes). */
export function boltProfileDir(project: string): string {
  return path.join('dist', 'bolt', project);
}

export const RELOCS_DIR = 'relocs';

/** Flags as recorded in cached outputs: the machine's target dir replaced, so no clone's absolute path is cached. */
export function portableFlags(flags: readonly string[], targetDir: string): string[] {
  return flags.map((f) => f.split(targetDir).join('<target-dir>'));
}

/**
 * What perf-report needs for a `pgo+bolt` row: build-bolt's binaries (`dist/rust/<project>/bolt`,
 * beside a build.json whose durationMs is the relocations build plus llvm-bolt), reused as it reuses
 * build-pgo's.
 */
export const BOLT_REPORT_CONFIGURATION = {
  name: 'pgo+bolt',
  target: 'build-bolt',
  description: 'PGO + BOLT (build-bolt output: llvm-bolt block and function layout on the PGO build; compile time is the relocations build plus llvm-bolt, without the profiling runs)',
} as const;

export class BoltLinkerError extends Error {}

/**
 * mold (1.10.1, measured) writes a PLT llvm-bolt 22 cannot disassemble, and init's config links with
 * mold when it is installed. When the user's rustflags pick mold, the BOLT input links with lld
 * instead: a later -fuse-ld wins, and rustc's self-contained rust-lld (gcc-ld/ld.lld beside its
 * sysroot, on the -B path rustc passes) or an ld.lld on PATH provides it. Only the linker changes.
 */
export function linkerOverride(userFlags: readonly string[], lldAvailable: boolean): { flags: string[]; note?: string } {
  if (!/-fuse-ld=(\S*\/)?mold\b|--ld-path=\S*mold\b/.test(userFlags.join(' '))) return { flags: [] };
  if (!lldAvailable)
    throw new BoltLinkerError(
      'the rustflags link with mold, whose PLT llvm-bolt cannot read, and no lld was found to link the BOLT input instead. Fix: install lld (apt-get install lld) or remove -fuse-ld=mold for this build.',
    );
  return { flags: ['-Clink-arg=-fuse-ld=lld'], note: 'the rustflags link with mold, whose PLT llvm-bolt cannot read: this build links with lld instead (-Clink-arg=-fuse-ld=lld)' };
}
