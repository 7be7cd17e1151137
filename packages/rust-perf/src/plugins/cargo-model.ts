// Reads every Cargo.toml once, resolves workspaces and local dependencies, and caches the result
// in Nx's workspace data directory keyed by a hash of the manifests, the target files on disk,
// the plugin options and the plugin version (the @nx/gradle pattern).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import type { CargoManifest } from '../core/cargo/manifest';
import { localDependencies, resolveCargoLayout } from '../core/cargo/workspace';
import { writeFileAtomic } from '../core/fs/atomic';
import type { CrateModel } from './create-targets';
import type { NormalizedPluginOptions } from './options';

export interface CargoEdge {
  /** Project roots. */
  from: string;
  to: string;
  /** The Cargo.toml that declares the dependency. */
  file: string;
}

export interface CargoModel {
  crates: CrateModel[];
  edges: CargoEdge[];
}

export interface LoadedModel {
  model: CargoModel;
  /** Manifests that could not be read, with the error naming file, line and column. */
  errors: Array<[file: string, error: Error]>;
  fromCache: boolean;
}

interface CacheFile {
  pluginVersion: string;
  hash: string;
  model: CargoModel;
}

export const PLUGIN_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;

/** Cargo.toml files inference looks at: build output and installed packages are not sources. */
export function isInferenceManifest(file: string): boolean {
  const parts = file.split('/');
  return parts[parts.length - 1] === 'Cargo.toml' && !parts.some((p) => p === 'target' || p === 'node_modules');
}

// The files cargo's target auto-discovery looks at, listed once per crate: they are part of the
// cache key (adding src/bin/x.rs adds a binary without touching Cargo.toml). Directory listings
// only, no stat of missing paths: failing syscalls cost more than the listing on 1000 crates.
function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

function targetFiles(crateDir: string): string[] {
  const files: string[] = [];
  const top = listDir(crateDir);
  const hasDir = (name: string) => top.some((e) => e.isDirectory() && e.name === name);
  const collect = (rel: string, entries: Dirent[]) => {
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.rs')) files.push(`${rel}/${e.name}`);
      else if (e.isDirectory() && listDir(join(crateDir, rel, e.name)).some((m) => m.name === 'main.rs' && m.isFile())) files.push(`${rel}/${e.name}/main.rs`);
    }
  };
  if (hasDir('src')) {
    const src = listDir(join(crateDir, 'src'));
    if (src.some((e) => e.isFile() && e.name === 'main.rs')) files.push('src/main.rs');
    if (src.some((e) => e.isDirectory() && e.name === 'bin')) collect('src/bin', listDir(join(crateDir, 'src', 'bin')));
  }
  if (hasDir('benches')) collect('benches', listDir(join(crateDir, 'benches')));
  return files.sort();
}


// Loaded on a cache miss only: the TOML parser is the slowest module to load, and a warm run never parses.
function manifestModule(): typeof import('../core/cargo/manifest') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../core/cargo/manifest') as typeof import('../core/cargo/manifest');
}

function computeModel(manifests: CargoManifest[], filesByDir: Map<string, string[]>): CargoModel {
  const layout = resolveCargoLayout(manifests);
  const wsByRoot = new Map(layout.workspaces.map((w) => [w.root, w]));
  const crates = layout.packages.map((p): CrateModel => {
    const { crateTargets, snapshotCrateFs } = manifestModule();
    const targets = crateTargets(p.manifest, snapshotCrateFs(filesByDir.get(p.root) ?? []));
    const crate: CrateModel = {
      name: p.manifest.package.name,
      root: p.root,
      cargoRoot: p.cargoRoot,
      file: p.file,
      bins: targets.bins,
      benches: targets.benches,
      productionProfile: (wsByRoot.get(p.cargoRoot)?.manifest.workspace?.profiles ?? []).includes('production'),
    };
    if (p.manifest.package.description !== undefined) crate.description = p.manifest.package.description;
    if (p.manifest.package.workload !== undefined) crate.workload = p.manifest.package.workload;
    return crate;
  });
  const edges = localDependencies(layout).map((e) => ({ from: e.from.root, to: e.to.root, file: e.from.file }));
  return { crates, edges };
}

export interface LoadOptions {
  workspaceRoot: string;
  /** Cargo.toml paths relative to the workspace root (Nx's glob result). */
  manifestFiles: readonly string[];
  options: NormalizedPluginOptions;
  /** Folder for the cache file (Nx's workspace data directory). */
  cacheDir: string;
  warn: (message: string) => void;
}

export function cacheFilePath(cacheDir: string): string {
  return join(cacheDir, 'rust-perf-inference.json');
}

export function loadCargoModel({ workspaceRoot, manifestFiles, options, cacheDir, warn }: LoadOptions): LoadedModel {
  const files = manifestFiles.filter(isInferenceManifest).sort();
  const hash = createHash('sha256');
  hash.update(`${PLUGIN_VERSION}\0${JSON.stringify(options)}\0`);
  const texts = new Map<string, string>();
  const filesByDir = new Map<string, string[]>();
  for (const file of files) {
    const text = readFileSync(join(workspaceRoot, file), 'utf8');
    texts.set(file, text);
    const dir = posix.dirname(file);
    const targets = targetFiles(join(workspaceRoot, dir));
    filesByDir.set(dir, targets);
    hash.update(`${file}\0${text}\0${targets.join('\0')}\0`);
  }
  const digest = hash.digest('hex');

  const cachePath = cacheFilePath(cacheDir);
  const cached = readCache(cachePath);
  if (cached && cached.pluginVersion === PLUGIN_VERSION && cached.hash === digest) {
    return { model: cached.model, errors: [], fromCache: true };
  }

  const { parseManifest } = manifestModule();
  const manifests: CargoManifest[] = [];
  const errors: Array<[string, Error]> = [];
  for (const [file, text] of texts) {
    try {
      manifests.push(parseManifest(text, file));
    } catch (e) {
      errors.push([file, e instanceof Error ? e : new Error(String(e))]);
    }
  }
  const model = computeModel(manifests, filesByDir);
  // A broken manifest is reported on every run until fixed, so its partial model is never cached.
  if (errors.length === 0) {
    try {
      writeFileAtomic(cachePath, JSON.stringify({ pluginVersion: PLUGIN_VERSION, hash: digest, model } satisfies CacheFile));
    } catch (e) {
      warn(`rust-perf: could not write the inference cache ${cachePath}: ${(e as Error).message}`);
    }
  }
  return { model, errors, fromCache: false };
}

function readCache(path: string): CacheFile | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<CacheFile>;
    if (typeof data.hash !== 'string' || typeof data.pluginVersion !== 'string' || !data.model) return undefined;
    return data as CacheFile;
  } catch {
    // A torn or foreign file is recomputed and overwritten.
    return undefined;
  }
}
