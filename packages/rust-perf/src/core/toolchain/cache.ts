// Toolchain facts (rustc -vV, rustc --print cfg, the llvm-profdata path) cost 20–50 ms per process
// and change only when the toolchain does, so they are cached per toolchain, not per run.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { writeFileAtomic } from '../fs/atomic';

/** Directory for rust-perf's small caches; RUST_PERF_CACHE_DIR overrides it. */
export function cacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const uid = typeof process.getuid === 'function' ? process.getuid() : 0;
  return env.RUST_PERF_CACHE_DIR ?? path.join(os.tmpdir(), `rust-perf-cache-${uid}`);
}

function statStamp(file: string): string {
  try {
    const st = fs.statSync(file);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch {
    return '-';
  }
}

/** Finds a program on PATH the way execvp would (no process spawned). */
export function whichSync(program: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (program.includes('/')) return fs.existsSync(program) ? path.resolve(program) : undefined;
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, program);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function toolchainFileStamp(cwd: string): string {
  // rustup picks the toolchain from the nearest rust-toolchain(.toml) above cwd.
  let dir = path.resolve(cwd);
  for (;;) {
    for (const name of ['rust-toolchain.toml', 'rust-toolchain']) {
      const f = path.join(dir, name);
      if (fs.existsSync(f)) return `${f}:${fs.readFileSync(f, 'utf8')}`;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return '-';
    dir = parent;
  }
}

/**
 * A key that changes whenever the rustc cargo would run changes: the resolved binary (rustup proxies
 * never change, so also rustup's settings, toolchain directory and the toolchain file above cwd).
 */
export function toolchainKey(cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const rustc = env.RUSTC ?? 'rustc';
  const resolved = whichSync(rustc, env) ?? rustc;
  let real = resolved;
  try {
    real = fs.realpathSync(resolved);
  } catch {
    // keep the unresolved name
  }
  const rustupHome = env.RUSTUP_HOME ?? path.join(os.homedir(), '.rustup');
  const parts = [
    resolved,
    real,
    statStamp(real),
    env.RUSTUP_TOOLCHAIN ?? '',
    env.RUSTC_WRAPPER ?? '',
    statStamp(path.join(rustupHome, 'settings.toml')),
    statStamp(path.join(rustupHome, 'toolchains')),
    toolchainFileStamp(cwd),
  ];
  return createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 24);
}

interface CacheFile {
  version: 1;
  entries: Record<string, unknown>;
}

function cacheFile(env: NodeJS.ProcessEnv): string {
  return path.join(cacheDir(env), 'toolchain.json');
}

function load(env: NodeJS.ProcessEnv): CacheFile {
  try {
    const data = JSON.parse(fs.readFileSync(cacheFile(env), 'utf8')) as CacheFile;
    if (data.version === 1 && data.entries && typeof data.entries === 'object') return data;
  } catch {
    // missing or unreadable: start empty
  }
  return { version: 1, entries: {} };
}

/** Returns the cached value for key, or computes, stores and returns it. A failed write is ignored. */
export async function cached<T>(key: string, compute: () => Promise<T>, env: NodeJS.ProcessEnv = process.env, validate?: (value: T) => boolean): Promise<T> {
  const hit = load(env).entries[key] as T | undefined;
  if (hit !== undefined && (!validate || validate(hit))) return hit;
  const value = await compute();
  try {
    const fresh = load(env);
    fresh.entries[key] = value;
    // Keep the file small: only the newest entries survive.
    const keys = Object.keys(fresh.entries);
    for (const old of keys.slice(0, Math.max(0, keys.length - 64))) delete fresh.entries[old];
    writeFileAtomic(cacheFile(env), JSON.stringify(fresh));
  } catch {
    // a cache is an optimisation, never a failure
  }
  return value;
}
