// Reads every Cargo.toml once, resolves workspaces and local dependencies, and caches the result
// in Nx's workspace data directory keyed by a hash of the manifests, the target files on disk,
// the plugin options and the plugin version (the @nx/gradle pattern). A warm run only stat()s
// those files (stampKey); reading and hashing them is the fallback when a stamp moved.
import { benchKindsOf } from './bench-kinds';
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import type { Dirent } from 'node:fs';
import { join, posix } from 'node:path';
import type { CargoManifest } from '../core/cargo/manifest';
import { localDependencies, resolveCargoLayout } from '../core/cargo/workspace';
import type { CrateModel } from './crate-inputs';
import { readDataFile, writeDataFile } from './data-directory';
import type { NormalizedPluginOptions } from './options';
import { projectNames } from './project-names';

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
  /** Content key: manifests' text and target files. */
  hash: string;
  /** stat() key of the same files (see stampKey); absent while a file was too recently written. */
  stampKey?: string;
  /** Per manifest, the folders of its crate that target discovery listed. */
  listed?: Record<string, string[]>;
  model: CargoModel;
}

export const PLUGIN_VERSION: string = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string }).version;
/** Bumped when CrateModel changes shape, so a cache written by a build of the same version is not misread. */
const MODEL_FORMAT = 4;

/** Cargo.toml files inference looks at: build output and installed packages are not sources. */
export function isInferenceManifest(file: string): boolean {
  const parts = file.split('/');
  return parts[parts.length - 1] === 'Cargo.toml' && !parts.some((p) => p === 'target' || p === 'node_modules');
}

// The files cargo's target auto-discovery looks at, listed once per crate: they are part of the
// cache key (adding src/bin/x.rs adds a binary without touching Cargo.toml). Directory listings
// only, no stat of missing paths: failing syscalls cost more than the listing on 1000 crates.
// Each folder listed is stamped first: an unchanged folder stamp means an unchanged listing.
function listDir(crateDir: string, rel: string, stamps: Stamps): Dirent[] {
  const path = rel === '.' ? crateDir : join(crateDir, rel);
  const stamp = statStamp(path);
  if (stamp === undefined) return [];
  try {
    const entries = readdirSync(path, { withFileTypes: true });
    stamps.set(rel, stamp);
    return entries;
  } catch {
    return [];
  }
}

function targetFiles(crateDir: string, stamps: Stamps): string[] {
  const files: string[] = [];
  const top = listDir(crateDir, '.', stamps);
  const hasDir = (name: string) => top.some((e) => e.isDirectory() && e.name === name);
  const collect = (rel: string, entries: Dirent[]) => {
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith('.rs')) files.push(`${rel}/${e.name}`);
      else if (e.isDirectory() && listDir(crateDir, `${rel}/${e.name}`, stamps).some((m) => m.name === 'main.rs' && m.isFile())) files.push(`${rel}/${e.name}/main.rs`);
    }
  };
  if (hasDir('src')) {
    const src = listDir(crateDir, 'src', stamps);
    if (src.some((e) => e.isFile() && e.name === 'main.rs')) files.push('src/main.rs');
    if (src.some((e) => e.isDirectory() && e.name === 'bin')) collect('src/bin', listDir(crateDir, 'src/bin', stamps));
  }
  if (hasDir('benches')) collect('benches', listDir(crateDir, 'benches', stamps));
  return files.sort();
}

type Stamps = Map<string, StatStamp>;
interface StatStamp {
  text: string;
  /** Written less than RACY_MS ago: a second write within the file system's timestamp tick would keep this stamp. */
  racy: boolean;
}
const RACY_MS = 1000;

// inode, size, mtime and ctime: a write changes ctime even when size and mtime are preserved (cp -p, touch -r).
function statStamp(path: string): StatStamp | undefined {
  const st = statSync(path, { throwIfNoEntry: false });
  if (st === undefined) return undefined;
  return { text: `${st.ino}:${st.size}:${st.mtimeMs}:${st.ctimeMs}`, racy: Date.now() - Math.max(st.mtimeMs, st.ctimeMs) < RACY_MS };
}

/**
 * The warm path: a key from stat() of every manifest and every folder target discovery listed,
 * without reading a file. Undefined when a path is gone or was written too recently to trust.
 */
function stampKey(prefix: string, workspaceRoot: string, files: readonly string[], listed: Record<string, string[]>): string | undefined {
  const hash = createHash('sha256');
  hash.update(prefix);
  for (const file of files) {
    const dirs = listed[file];
    if (dirs === undefined) return undefined;
    const crateDir = join(workspaceRoot, posix.dirname(file));
    for (const [rel, path] of [[file, join(workspaceRoot, file)] as const, ...dirs.map((d) => [d, d === '.' ? crateDir : join(crateDir, d)] as const)]) {
      const stamp = statStamp(path);
      if (stamp === undefined || stamp.racy) return undefined;
      hash.update(`${rel}\0${stamp.text}\0`);
    }
  }
  return hash.digest('hex');
}

// Loaded on a cache miss only: the TOML parser is the slowest module to load, and a warm run never parses.
function manifestModule(): typeof import('../core/cargo/manifest') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../core/cargo/manifest') as typeof import('../core/cargo/manifest');
}

// Loaded with the manifest module, on a cache miss only.
function skipBenchesModule(): typeof import('../core/cargo/skip-benches') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../core/cargo/skip-benches') as typeof import('../core/cargo/skip-benches');
}

/**
 * For each library, the packages with a binary that link it (normal dependencies, followed
 * transitively). Walked from the binaries down, so a workspace of libraries costs nothing.
 */
function binaryUsers(dependencies: ReturnType<typeof localDependencies>, binsByRoot: Map<string, string>): Map<string, string[]> {
  const users = new Map<string, string[]>();
  if (binsByRoot.size === 0) return users;
  const linked = new Map<string, string[]>();
  for (const e of dependencies) if (e.kind === 'normal') linked.set(e.from.root, [...(linked.get(e.from.root) ?? []), e.to.root]);
  for (const [bin, name] of [...binsByRoot].sort((x, y) => x[1].localeCompare(y[1]))) {
    const seen = new Set<string>([bin]);
    const queue = [bin];
    while (queue.length > 0) {
      for (const lib of linked.get(queue.pop() as string) ?? []) {
        if (seen.has(lib)) continue;
        seen.add(lib);
        queue.push(lib);
        users.set(lib, [...(users.get(lib) ?? []), name]);
      }
    }
  }
  return users;
}

function computeModel(manifests: CargoManifest[], filesByDir: Map<string, string[]>, options: NormalizedPluginOptions, errors: Array<[string, Error]>, readSource: (rel: string) => string | undefined): CargoModel {
  const manifestDirs = manifests.map((m) => posix.dirname(m.file));
  const layout = resolveCargoLayout(manifests);
  // Excluded packages are not projects (as Nx's package.json inference keeps to workspace members) unless asked for.
  if (!options.includeExcluded) layout.packages = layout.packages.filter((p) => !p.excluded);
  const wsByRoot = new Map(layout.workspaces.map((w) => [w.root, w]));
  const targetsByRoot = new Map(
    layout.packages.map((p) => {
      const { crateTargets, snapshotCrateFs } = manifestModule();
      return [p.root, crateTargets(p.manifest, snapshotCrateFs(filesByDir.get(p.root) ?? []))] as const;
    }),
  );
  const dependencies = localDependencies(layout);
  const project = projectNames(layout.packages.map((p) => ({ name: p.manifest.package.name, root: p.root, cargoRoot: p.cargoRoot })));
  const users = binaryUsers(dependencies, new Map(layout.packages.filter((p) => (targetsByRoot.get(p.root)?.bins.length ?? 0) > 0).map((p) => [p.root, project.get(p.root) as string])));
  const crates = layout.packages.map((p): CrateModel => {
    const targets = targetsByRoot.get(p.root) ?? { bins: [], benches: [], benchFiles: [] };
    // skip-benches: those benches get no rust-perf target; a name that is no bench is a typo, reported where it is written.
    const skip = p.manifest.package.skipBenches ?? [];
    const benchNames = targets.benchFiles.map((f) => f.name);
    for (const s of skip) {
      if (!benchNames.includes(s.name)) errors.push([p.file, new Error(skipBenchesModule().unknownSkipMessage(p.file, s, s.name, benchNames))]);
    }
    const skipped = targets.benches.filter((b) => skip.some((s) => s.name === b));
    const crate: CrateModel = {
      name: p.manifest.package.name,
      project: project.get(p.root) as string,
      root: p.root,
      cargoRoot: p.cargoRoot,
      file: p.file,
      bins: targets.bins,
      benches: targets.benches.filter((b) => !skipped.includes(b)),
      productionProfile: (wsByRoot.get(p.cargoRoot)?.manifest.workspace?.profiles ?? []).includes('production'),
    };
    if (targets.benches.length > 0) {
      crate.benchFiles = targets.benchFiles;
      crate.benchKinds = benchKindsOf(targets.benchFiles, p.manifest.benches, (f) => readSource(posix.join(p.root, f)));
    }
    if (skipped.length > 0) crate.skippedBenches = skipped.map((name) => ({ name, by: `${p.file} [package.metadata.rust-perf] skip-benches` }));
    if (p.manifest.package.description !== undefined) crate.description = p.manifest.package.description;
    if (p.manifest.package.workload !== undefined) crate.workload = p.manifest.package.workload;
    if (p.manifest.procMacro) crate.procMacro = true;
    const named = (p.manifest.sourcePaths ?? []).filter((f) => !/^(\.\/)?(src|benches|examples|tests)\//.test(f) && f !== 'build.rs');
    if (named.length > 0) crate.sourcePaths = named;
    const nested = manifestDirs.filter((d) => d !== p.root && (p.root === '.' || d.startsWith(`${p.root}/`))).map((d) => (p.root === '.' ? d : d.slice(p.root.length + 1)));
    if (nested.length > 0) crate.nestedRoots = nested;
    const usedBy = users.get(p.root);
    if (usedBy !== undefined && targets.bins.length === 0) crate.usedByBins = usedBy;
    return crate;
  });
  const edges = dependencies.map((e) => ({ from: e.from.root, to: e.to.root, file: e.from.file }));
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
  const prefix = `${PLUGIN_VERSION}\0${MODEL_FORMAT}\0${JSON.stringify(options)}\0${files.join('\0')}\0`;
  const cachePath = cacheFilePath(cacheDir);
  const cached = readCache(cachePath);
  if (cached?.stampKey !== undefined && cached.listed !== undefined && stampKey(prefix, workspaceRoot, files, cached.listed) === cached.stampKey) {
    return { model: cached.model, errors: [], fromCache: true };
  }

  const hash = createHash('sha256');
  hash.update(prefix);
  const texts = new Map<string, string>();
  const filesByDir = new Map<string, string[]>();
  const listed: Record<string, string[]> = {};
  for (const file of files) {
    const text = readFileSync(join(workspaceRoot, file), 'utf8');
    texts.set(file, text);
    const dir = posix.dirname(file);
    const stamps: Stamps = new Map();
    const targets = targetFiles(join(workspaceRoot, dir), stamps);
    listed[file] = [...stamps.keys()];
    filesByDir.set(dir, targets);
    hash.update(`${file}\0${text}\0${targets.join('\0')}\0`);
  }
  const digest = hash.digest('hex');
  // Stamped after reading: a file changed in between is too recent to stamp, so it is read again next time.
  const stamped = stampKey(prefix, workspaceRoot, files, listed);

  if (cached && cached.hash === digest) {
    if (stamped !== undefined && stamped !== cached.stampKey) writeDataFile(cachePath, { ...cached, stampKey: stamped, listed }, warn);
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
  const model = computeModel(manifests, filesByDir, options, errors, (rel) => {
    try {
      return readFileSync(join(workspaceRoot, rel), 'utf8');
    } catch {
      return undefined;
    }
  });
  // A broken manifest is reported on every run until fixed, so its partial model is never cached.
  if (errors.length === 0) writeDataFile(cachePath, { pluginVersion: PLUGIN_VERSION, hash: digest, ...(stamped !== undefined ? { stampKey: stamped, listed } : {}), model }, warn);
  return { model, errors, fromCache: false };
}

function readCache(path: string): CacheFile | undefined {
  return readDataFile<CacheFile>(path, (data) => typeof data.hash === 'string' && data.pluginVersion === PLUGIN_VERSION && data.model !== undefined);
}
