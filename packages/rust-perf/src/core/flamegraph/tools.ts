// Finding inferno's two programs: PATH, cargo's bin dir, then our own tools cache.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface InfernoTools {
  collapsePerf: string;
  flamegraph: string;
  /** Present when inferno-diff-folded was found (a `cargo install inferno` has all three). */
  diffFolded?: string;
}

/** Where `cargo install --root` puts inferno when we install it: RUST_PERF_TOOLS_DIR or $XDG_CACHE_HOME/rust-perf/tools. */
export function toolsDir(env: NodeJS.ProcessEnv): string {
  if (env.RUST_PERF_TOOLS_DIR) return path.resolve(env.RUST_PERF_TOOLS_DIR);
  const cache = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), '.cache');
  return path.join(cache, 'rust-perf', 'tools');
}

export function searchDirs(env: NodeJS.ProcessEnv): string[] {
  const fromPath = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const cargoHome = env.CARGO_HOME || path.join(env.HOME || os.homedir(), '.cargo');
  return [...fromPath, path.join(cargoHome, 'bin'), path.join(toolsDir(env), 'bin')];
}

/** A regular file this process may execute. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export function findProgram(name: string, dirs: readonly string[]): string | undefined {
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * inferno's programs from the same place order, or undefined when one that is needed is missing
 * (inferno-diff-folded only when `diff` is asked for).
 */
export function findInferno(env: NodeJS.ProcessEnv, { diff = false }: { diff?: boolean } = {}): InfernoTools | undefined {
  const dirs = searchDirs(env);
  const collapsePerf = findProgram('inferno-collapse-perf', dirs);
  const flamegraph = findProgram('inferno-flamegraph', dirs);
  const diffFolded = findProgram('inferno-diff-folded', dirs);
  if (!collapsePerf || !flamegraph || (diff && !diffFolded)) return undefined;
  return diffFolded ? { collapsePerf, flamegraph, diffFolded } : { collapsePerf, flamegraph };
}

export function installInfernoArgs(root: string): string[] {
  return ['install', 'inferno', '--locked', '--root', root];
}

/**
 * Where `cargo install` runs: outside the user's Cargo workspace, so its `.cargo/config.toml`
 * (`[net] offline = true`, a `[source]` replacement, a pinned toolchain) does not apply to a tool
 * install; only $CARGO_HOME's config does, as for any `cargo install` run from a home folder.
 */
export function installCwd(toolsRoot: string, workspaceDirs: readonly string[], tmp: string = os.tmpdir()): string {
  const inside = (dir: string, parent: string) => {
    const rel = path.relative(path.resolve(parent), path.resolve(dir));
    return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
  };
  const outside = (dir: string) => !workspaceDirs.some((w) => inside(dir, w));
  return outside(toolsRoot) ? toolsRoot : outside(tmp) ? tmp : path.parse(path.resolve(toolsRoot)).root;
}

/** What to tell the user when `cargo install inferno` failed (offline, registry unreachable, a build error). */
export function infernoInstallHint(toolsRoot: string): string {
  return (
    "installing inferno from crates.io failed (cargo's message is above). Install it by hand from any folder outside the workspace: " +
    `\`cd ~ && cargo install inferno --locked\`, or copy inferno-collapse-perf and inferno-flamegraph into a folder on PATH (or into ${path.join(toolsRoot, 'bin')})`
  );
}
