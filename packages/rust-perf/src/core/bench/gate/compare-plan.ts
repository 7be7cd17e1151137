// Same-job comparison, the pure part: which files make a crate's benches affected, which benches
// exist on each side, the bench executables cargo built, and the argv that runs one of them.
import * as path from 'node:path';
import type { CargoMetadata } from '../metadata';
import type { MetadataPackage } from '../plan';

/** Files of the Cargo workspace that change every crate's build (relative to the Cargo workspace root). */
export const WORKSPACE_FILES = ['Cargo.toml', 'Cargo.lock', '.cargo/config.toml', '.cargo/config', 'rust-toolchain', 'rust-toolchain.toml'];

/**
 * Folders and files whose change makes a package's benches worth rerunning: the package's folder, the
 * folders of the workspace packages it depends on (transitively, path dependencies of any kind) and the
 * workspace files. Absolute paths.
 */
export function crateInputs(metadata: CargoMetadata, pkg: MetadataPackage): { dirs: string[]; files: string[] } {
  const byDir = new Map(metadata.packages.map((p) => [path.dirname(p.manifest_path), p]));
  const dirs: string[] = [];
  const queue = [path.dirname(pkg.manifest_path)];
  while (queue.length) {
    const dir = queue.shift()!;
    if (dirs.includes(dir)) continue;
    dirs.push(dir);
    const p = byDir.get(dir);
    for (const d of p?.dependencies ?? []) {
      const depPath = (d as { path?: string }).path;
      if (depPath && !dirs.includes(depPath)) queue.push(depPath);
    }
  }
  const files = WORKSPACE_FILES.map((f) => path.join(metadata.workspace_root, f));
  return { dirs, files };
}

/**
 * The changed files (absolute) that touch a crate's inputs; empty means its benches need not rerun.
 * Markdown inside a crate is left out, as in the plugin's `rustSources` input (so this agrees with `nx affected`),
 * and so are `ignored` files and folders (the other benches' roots, when one atomized bench runs).
 */
export function affectingChanges(changed: readonly string[], inputs: { dirs: string[]; files: string[] }, ignored: readonly string[] = []): string[] {
  const isIgnored = (f: string) => ignored.some((i) => f === i || f.startsWith(i + path.sep));
  return changed.filter((f) => !isIgnored(f) && (inputs.files.includes(f) || (!f.endsWith('.md') && inputs.dirs.some((d) => f.startsWith(d + path.sep)))));
}

/**
 * When only some of a package's benches run (an atomized `bench--<name>` target), the other bench
 * targets' root files do not make them rerun: absolute paths, a bench in `<dir>/main.rs` owning
 * its folder. Agrees with the atomized target's Nx inputs.
 */
export function otherBenchRoots(pkg: MetadataPackage, selected: readonly string[]): string[] {
  const benches = pkg.targets.filter((t) => t.kind.includes('bench') && t.src_path !== undefined);
  if (benches.every((t) => selected.includes(t.name))) return [];
  const owned = (src: string) => (path.basename(src) === 'main.rs' ? path.dirname(src) : src);
  const mine = benches.filter((t) => selected.includes(t.name)).map((t) => owned(t.src_path!));
  return benches
    .filter((t) => !selected.includes(t.name))
    .map((t) => owned(t.src_path!))
    .filter((o) => !mine.some((m) => m === o || m.startsWith(o + path.sep) || o.startsWith(m + path.sep)));
}

export interface BenchSides {
  /** Bench targets in both base and head. */
  both: string[];
  /** Only in head: reported as new, never as a regression. */
  added: string[];
  /** Only in the base: listed as removed. */
  removed: string[];
}

export function benchSides(head: readonly string[], base: readonly string[]): BenchSides {
  return {
    both: head.filter((b) => base.includes(b)),
    added: head.filter((b) => !base.includes(b)),
    removed: base.filter((b) => !head.includes(b)),
  };
}

export class CargoMessageError extends Error {
  constructor(detail: string) {
    super(`cargo --message-format=json: ${detail}`);
    this.name = 'CargoMessageError';
  }
}

/**
 * Bench executables from `cargo bench --no-run --message-format=json-render-diagnostics` (stdout):
 * `compiler-artifact` messages of bench targets built in test mode carry the executable's path.
 */
export function benchExecutables(stdout: string, manifestPath: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: { reason?: string; manifest_path?: string; target?: { name?: string; kind?: string[] }; profile?: { test?: boolean }; executable?: string | null };
    try {
      msg = JSON.parse(line);
    } catch {
      throw new CargoMessageError(`not a JSON message: ${line.slice(0, 120)}`);
    }
    if (msg.reason !== 'compiler-artifact' || msg.manifest_path !== manifestPath) continue;
    if (!msg.target?.kind?.includes('bench') || !msg.profile?.test || !msg.executable || !msg.target.name) continue;
    found.set(msg.target.name, msg.executable);
  }
  return found;
}

/** `cargo bench -p <pkg> --bench a --bench b --no-run --message-format=json-render-diagnostics`. */
export function cargoBenchBuildArgs(pkg: string, benches: readonly string[]): string[] {
  return ['bench', '-p', pkg, ...benches.flatMap((b) => ['--bench', b]), '--no-run', '--message-format=json-render-diagnostics'];
}

export interface BenchRunArgs {
  executable: string;
  /** criterion's arguments (warm-up, measurement time, sample size, filter), as for `cargo bench -- …`. */
  criterion: readonly string[];
  /** CPU to pin to with taskset, when taskset exists. */
  cpu?: number;
}

/**
 * Runs a criterion bench executable the way `cargo bench` does (`--bench`), without plots, with fewer
 * bootstrap resamples (the gate reads criterion's point estimates only, the interval is ours), pinned to
 * one CPU so base and head share a core and its caches.
 */
export function benchRunArgv(o: BenchRunArgs): { file: string; args: string[] } {
  const args = ['--bench', '--noplot', '--nresamples', '2000', ...o.criterion];
  if (o.cpu === undefined) return { file: o.executable, args };
  return { file: 'taskset', args: ['-c', String(o.cpu), o.executable, ...args] };
}

/** The criterion filter that selects exactly one benchmark id. */
export function exactFilter(id: string): string {
  return `^${id.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`;
}

/**
 * The environment a bench executable runs with, as `cargo bench` starts it (from the package folder):
 * the package's manifest dir, its deps folder for dylibs, and the side's own CRITERION_HOME.
 */
export function benchRunEnv(o: { executable: string; pkgDir: string; criterionHome: string }, parentLibraryPath?: string): Record<string, string> {
  return {
    CRITERION_HOME: o.criterionHome,
    CARGO_MANIFEST_DIR: o.pkgDir,
    LD_LIBRARY_PATH: [path.dirname(o.executable), parentLibraryPath].filter(Boolean).join(path.delimiter),
  };
}
