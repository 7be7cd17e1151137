// A crate's model and the inputs its targets key on: named inputs, runtime inputs (cpu-key, lock-hash,
// bolt-version). Shared by create-targets.ts and bench-targets.ts, so neither imports the other back.
import type { TargetConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
import type { BenchKind } from '../core/bench/kinds/detect';
// Only node builtins load with it: the runner and the TOML parser are required on use.
import { HOST_CPU_ARGS } from '../core/cargo/cpu-key';
export type InputDefinition = Exclude<NonNullable<TargetConfiguration['inputs']>[number], string>;

/** What inference knows about one Cargo package; JSON-serialisable (it is what the cache stores). */
export interface CrateModel {
  /** Cargo package name (what `cargo -p` takes). */
  name: string;
  /** Nx project name: the package name, qualified by its Cargo root when several roots hold that name (project-names.ts). */
  project: string;
  /** Package folder relative to the Nx root (`.` for the Nx root itself). */
  root: string;
  /** Folder of the Cargo workspace root manifest; the package folder when standalone. */
  cargoRoot: string;
  /** The package's Cargo.toml relative to the Nx root. */
  file: string;
  description?: string;
  bins: string[];
  /** Criterion benches (harness = false or auto-discovered). */
  benches: string[];
  /** Benches left out of rust-perf's targets, and what left them out (skip-benches in the manifest, skipBenches in nx.json). */
  skippedBenches?: Array<{ name: string; by: string }>;
  /** Every bench target's root file relative to the package folder (set when there are criterion benches). */
  benchFiles?: Array<{ name: string; path: string }>;
  /** Each bench's kind (criterion, divan, libtest, latency), shown in the atomized targets' metadata. */
  benchKinds?: Record<string, BenchKind>;
  /** `[package.metadata.rust-perf].workload` as written. */
  workload?: unknown;
  /** The workspace root manifest defines `[profile.production]`. */
  productionProfile: boolean;
  /** `[lib] proc-macro = true`: nothing it builds is a program or links into one as it is. */
  procMacro?: boolean;
  /** Projects with a binary that depend on this library (normal dependencies, transitively): its PGO happens there. */
  usedByBins?: string[];
  /** Target and build-script paths the manifest names outside cargo's default folders, relative to the package folder. */
  sourcePaths?: string[];
  /** Folders of other Cargo.toml files inside this package's folder, relative to it (members, other Cargo roots). */
  nestedRoots?: string[];
}

/** What a project's targets need besides the crate itself; computed once per createNodes call. */
export interface TargetContext {
  /** Folders (relative to the Nx root) the targets write to: never inputs, whatever the project root. */
  outputFolders: readonly string[];
  /** rust-perf's CLI as Nx's shell reaches it from the workspace root (for cpuKeyCommand). */
  cli: string;
  /** Target names whose options (nx.json targetDefaults) ask for target-cpu=native themselves: they always key on the CPU. */
  nativeByOptions?: ReadonlySet<string>;
}

export const RUSTC_VERSION_INPUT = 'rustc -vV';
/**
 * Identifies the host CPU for build-native's cache key, portably (no /proc/cpuinfo): one rustc call
 * prints both the enabled target features of `target-cpu=native` (`--print cfg`) and the CPU model
 * LLVM detects (`--print target-cpus`: "native ... (currently znver4)"). Measured at ~30 ms.
 */
export const HOST_CPU_INPUT = `rustc ${HOST_CPU_ARGS.join(' ')}`;

/**
 * The runtime input of cached builds that compile with the user's rustflags: `rust-perf cpu-key`
 * prints the host CPU identity (HOST_CPU_INPUT's output) only when the rustflags cargo would use
 * there (config tables matching the host, RUSTFLAGS, CARGO_ENCODED_RUSTFLAGS) say target-cpu=native,
 * and a constant otherwise, so portable builds still share a cache across machines.
 */
export function cpuKeyCommand(cliFromWorkspaceRoot: string, cargoRoot: string): string {
  const quote = (s: string) => (/^[\w./@+-]+$/.test(s) ? s : JSON.stringify(s));
  return `node ${quote(cliFromWorkspaceRoot)} cpu-key ${quote(cargoRoot)}`;
}

/**
 * Cargo.lock's content as a runtime input: Nx hashes only files git tracks, and libraries often
 * git-ignore their lockfile, so a dependency moved in it would restore a binary built from the old
 * versions. `rust-perf lock-hash` prints its sha256: one Node start per Cargo root per Nx run (measured
 * 84.6 ms of CPU against 82.4 ms for `node -e 0`).
 */
export function lockHashCommand(cliFromWorkspaceRoot: string, cargoRoot: string): string {
  return cpuKeyCommand(cliFromWorkspaceRoot, cargoRoot).replace(/ cpu-key /, ' lock-hash ');
}

/**
 * The llvm-bolt the executors would pick (LLVM_BOLT, else llvm-bolt-<rustc's LLVM major>, else
 * llvm-bolt), for bolt-profile's and build-bolt's cache key: another BOLT lays out code differently.
 * `rust-perf bolt-version` prints "no llvm-bolt" instead of failing, so the task runs and explains how to install it.
 */
export function boltVersionCommand(cliFromWorkspaceRoot: string, cargoRoot: string): string {
  return cpuKeyCommand(cliFromWorkspaceRoot, cargoRoot).replace(/ cpu-key /, ' bolt-version ');
}

const file = (cargoRoot: string, name: string) => (cargoRoot === '.' ? `{workspaceRoot}/${name}` : `{workspaceRoot}/${cargoRoot}/${name}`);

/**
 * Folders inside the project that are never sources: cargo's target/, the targets' output folders,
 * and, for a package at the Nx root, Nx's and npm's own folders. Nx's `{projectRoot}/**\/*` would
 * otherwise hash what the targets write, so each run would change its own inputs (any layout).
 */
export function nonSourceFolders(projectRoot: string | undefined, outputFolders: readonly string[]): string[] {
  const folders = ['target'];
  if (projectRoot === '.') folders.push('.nx', 'node_modules');
  if (projectRoot !== undefined) {
    for (const out of outputFolders) {
      const rel = posix.relative(projectRoot, out);
      if (rel === '' || rel.startsWith('..') || posix.isAbsolute(rel)) continue;
      if (!folders.some((f) => rel === f || rel.startsWith(`${f}/`))) folders.push(rel);
    }
  }
  return folders;
}

/** The Cargo root and the folders above it up to the Nx root, nearest first: cargo and rustup read config and toolchain files in each. */
function enclosingFolders(cargoRoot: string): string[] {
  const folders: string[] = [];
  for (let dir = cargoRoot; ; dir = posix.dirname(dir)) {
    folders.push(dir);
    if (dir === '.' || dir === '/' || dir === '') break;
  }
  return folders;
}

/**
 * The files of one Cargo root that change what its builds produce. Each root keys on its own
 * manifest and lockfile (a Cargo.lock change in apps/a reruns only apps/a's targets); a project
 * also keys on the `.cargo/config.toml` and toolchain files of the folders above its root, which
 * cargo and rustup read as well. nx.json's copy (no project root) lists the root's own files only.
 */
export function cargoRootFiles(cargoRoot: string, withEnclosing: boolean): string[] {
  const above = withEnclosing ? enclosingFolders(cargoRoot).slice(1) : [];
  const perFolder = (dir: string) => [file(dir, '.cargo/config.toml'), ...(withEnclosing ? [file(dir, '.cargo/config')] : [])];
  return [
    file(cargoRoot, 'Cargo.toml'),
    file(cargoRoot, 'Cargo.lock'),
    ...perFolder(cargoRoot),
    file(cargoRoot, 'rust-toolchain'),
    file(cargoRoot, 'rust-toolchain.toml'),
    ...above.flatMap((dir) => [...perFolder(dir), file(dir, 'rust-toolchain'), file(dir, 'rust-toolchain.toml')]),
  ];
}

/** Cargo's default target folders: what a package's compile reads besides its manifest, build script and named paths. */
const CARGO_SOURCE_FOLDERS = ['src', 'benches', 'examples', 'tests'];

/** What decides a crate's rustSources beyond its root: its named paths and the Cargo.toml folders inside it. */
export type CrateSourceFacts = Pick<CrateModel, 'root' | 'cargoRoot' | 'sourcePaths' | 'nestedRoots'>;

/**
 * A root crate (its folder is its Cargo root, often the repository's root) shares its folder with
 * what no compile reads — .github/, docs, codecov.yml, package.json, nx.json, a Makefile, other
 * Cargo roots — so its sources are listed: src/, build.rs, benches/, examples/, tests/ and every
 * path its manifest names. A member crate's folder is its own: all of it, as before.
 */
function rootCrateSources(crate: CrateSourceFacts, excluded: readonly string[]): string[] {
  const included = [...CARGO_SOURCE_FOLDERS.map((f) => `{projectRoot}/${f}/**/*`), '{projectRoot}/build.rs'];
  for (const p of crate.sourcePaths ?? []) {
    const rel = posix.normalize(p).replace(/^\.\//, '');
    if (rel.startsWith('..') || posix.isAbsolute(rel) || CARGO_SOURCE_FOLDERS.some((f) => rel.startsWith(`${f}/`))) continue;
    // A target's modules sit beside its root file: its folder, or the top-level .rs files when it is at the root.
    const dir = posix.dirname(rel);
    const pattern = dir === '.' ? (rel.endsWith('.rs') ? '{projectRoot}/*.rs' : `{projectRoot}/${rel}`) : `{projectRoot}/${dir}/**/*`;
    if (!included.includes(pattern)) included.push(pattern);
  }
  const inside = (folder: string) => included.some((i) => i.startsWith(`{projectRoot}/${folder.split('/')[0]}/`));
  const out = [...(crate.nestedRoots ?? []), ...excluded].filter(inside).map((f) => `!{projectRoot}/${f}/**`);
  return [...included, '!{projectRoot}/**/*.md', ...out];
}

export function isRootCrate(crate: CrateSourceFacts): boolean {
  return crate.root === crate.cargoRoot || crate.root === '.';
}

/** A crate's rustSources; see rootCrateSources for a crate at its Cargo root. */
export function rustSourcePatterns(projectRoot: string | undefined, outputFolders: readonly string[], crate?: CrateSourceFacts): string[] {
  const excluded = nonSourceFolders(projectRoot, outputFolders);
  if (crate !== undefined && isRootCrate(crate)) return rootCrateSources(crate, excluded);
  return ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', ...excluded.map((f) => `!{projectRoot}/${f}/**`)];
}

export interface NamedInputFacts {
  /** The crate (root, Cargo root, named paths, nested manifests): a root crate's sources are listed. */
  crate?: CrateSourceFacts;
  /** rust-perf's CLI from the workspace root: the lockfile's content becomes a runtime input. */
  cli?: string;
}

/** Named inputs of a crate; without a project root (nx.json's copy written by init) only target/ is left out. */
export function rustNamedInputs(cargoRoot: string, projectRoot?: string, outputFolders: readonly string[] = [], facts: NamedInputFacts = {}): Record<string, Array<string | InputDefinition>> {
  return {
    rustSources: rustSourcePatterns(projectRoot, outputFolders, facts.crate),
    rustWorkspace: [
      ...cargoRootFiles(cargoRoot, projectRoot !== undefined),
      ...(facts.cli !== undefined ? [{ runtime: lockHashCommand(facts.cli, cargoRoot) }] : []),
      { runtime: RUSTC_VERSION_INPUT },
      { env: 'RUSTFLAGS' },
      { env: 'CARGO_ENCODED_RUSTFLAGS' },
    ],
  };
}
