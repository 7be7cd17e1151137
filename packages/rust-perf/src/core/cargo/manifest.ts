// Typed reading of one Cargo.toml: the package, its workspace table, its local dependencies and
// its binary/bench targets. Only what inference needs; everything else in the manifest is ignored.
import { readdirSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { getIn, locateKey, parseToml } from '../toml/toml';
import { skipBenchesFromManifest } from './skip-benches';
import type { TomlTable, TomlValue } from '../toml/toml';

export type DependencyKind = 'normal' | 'dev' | 'build';

/** One entry of a dependency table, e.g. `common = { path = "../common" }`. */
export interface DependencyDecl {
  /** The key in the table (the name the code uses; differs from `package` when renamed). */
  key: string;
  kind: DependencyKind;
  /** `cfg(...)` or a triple when declared under `[target.<target>.*dependencies]`. */
  target?: string;
  /** As written, relative to the declaring manifest's folder. */
  path?: string;
  /** `workspace = true`: the entry is inherited from `[workspace.dependencies]`. */
  workspace: boolean;
  /** `package = "..."`: the real package name of a renamed dependency. */
  package?: string;
}

/** A `[[bin]]` or `[[bench]]` entry. */
export interface ManifestTargetDecl {
  name?: string;
  path?: string;
  /** Cargo's default is true (libtest); criterion benches set it to false. */
  harness: boolean;
}

export interface ManifestPackage {
  name: string;
  description?: string;
  /** `package.workspace`: explicit path to the workspace root folder. */
  workspace?: string;
  autobins: boolean;
  autobenches: boolean;
  /** `[package.metadata.rust-perf].workload`, kept as written. */
  workload?: TomlValue;
  /** `[package.metadata.rust-perf].skip-benches`: benches left out of rust-perf's targets, each with where it is written. */
  skipBenches?: Array<{ name: string; line: number; column: number }>;
}

export interface ManifestWorkspace {
  members: string[];
  exclude: string[];
  /** `[workspace.dependencies]` entries that carry a path or a rename. */
  dependencies: Record<string, { path?: string; package?: string }>;
  /** Profile names defined in the workspace root (`[profile.production]` → `production`). */
  profiles: string[];
}

export interface CargoManifest {
  file: string;
  package?: ManifestPackage;
  workspace?: ManifestWorkspace;
  dependencies: DependencyDecl[];
  bins: ManifestTargetDecl[];
  benches: ManifestTargetDecl[];
  /** `[lib] proc-macro = true`: the library is a compiler plugin, never linked into a program. */
  procMacro: boolean;
  /** Every `path` of a `[lib]`, `[[bin]]`, `[[bench]]`, `[[test]]` or `[[example]]` and a `package.build` path, as written (set when there is one). */
  sourcePaths?: string[];
}

/** A manifest cargo would reject; the message names file:line:column of the key at fault (or its table). */
export class ManifestError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly at?: { line: number; column: number },
  ) {
    super(`${file}${at ? `:${at.line}:${at.column}` : ''}: ${reason}`);
    this.name = 'ManifestError';
  }
}

const DEPENDENCY_TABLES: ReadonlyArray<readonly [string, DependencyKind]> = [
  ['dependencies', 'normal'],
  ['dev-dependencies', 'dev'],
  // Cargo still accepts the underscore spellings (deprecated, removed in edition 2024).
  ['dev_dependencies', 'dev'],
  ['build-dependencies', 'build'],
  ['build_dependencies', 'build'],
];

function isTable(v: TomlValue | undefined): v is TomlTable {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: TomlValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function strings(v: TomlValue | undefined, text: string, file: string, path: readonly string[]): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new ManifestError(file, `${path.join('.')} must be an array of strings`, locateKey(text, file, path));
  }
  return v as string[];
}

function readDependencyTable(table: TomlValue | undefined, kind: DependencyKind, target: string | undefined, out: DependencyDecl[]): void {
  if (!isTable(table)) return;
  for (const [key, spec] of Object.entries(table)) {
    // A bare version string is a registry dependency: never a local edge.
    if (!isTable(spec)) continue;
    const decl: DependencyDecl = { key, kind, workspace: spec.workspace === true };
    if (target !== undefined) decl.target = target;
    const path = str(spec.path);
    if (path !== undefined) decl.path = path;
    const pkg = str(spec.package);
    if (pkg !== undefined) decl.package = pkg;
    if (decl.path !== undefined || decl.workspace) out.push(decl);
  }
}

function readTargets(v: TomlValue | undefined): ManifestTargetDecl[] {
  if (!Array.isArray(v)) return [];
  return v.filter(isTable).map((t) => {
    const decl: ManifestTargetDecl = { harness: t.harness !== false };
    const name = str(t.name);
    if (name !== undefined) decl.name = name;
    const path = str(t.path);
    if (path !== undefined) decl.path = path;
    return decl;
  });
}

/** Parses a manifest's text; syntax errors are `TomlSyntaxError` (file:line:col). */
export function parseManifest(text: string, file: string): CargoManifest {
  const doc = parseToml(text, file);
  const manifest: CargoManifest = {
    file,
    dependencies: [],
    bins: readTargets(doc.bin),
    benches: readTargets(doc.bench),
    // Cargo still accepts the underscore spelling (deprecated, removed in edition 2024).
    procMacro: isTable(doc.lib) && (doc.lib['proc-macro'] === true || doc.lib.proc_macro === true),
  };

  // Where the compile reads from besides cargo's default folders: part of a root crate's inputs.
  const sourcePaths = [isTable(doc.lib) ? str(doc.lib.path) : undefined, ...[doc.bin, doc.bench, doc.test, doc.example].flatMap((v) => readTargets(v).map((t) => t.path)), isTable(doc.package) ? str(doc.package.build) : undefined].filter((x): x is string => x !== undefined);
  if (sourcePaths.length > 0) manifest.sourcePaths = sourcePaths;

  const pkg = doc.package;
  if (isTable(pkg)) {
    const name = str(pkg.name);
    if (name === undefined) throw new ManifestError(file, '[package] has no `name`', locateKey(text, file, ['package', 'name']));
    manifest.package = {
      name,
      autobins: pkg.autobins !== false,
      autobenches: pkg.autobenches !== false,
    };
    // `description.workspace = true` is inherited; only a literal string is shown.
    const description = str(pkg.description);
    if (description !== undefined) manifest.package.description = description;
    const ws = str(pkg.workspace);
    if (ws !== undefined) manifest.package.workspace = ws;
    const workload = getIn(pkg, ['metadata', 'rust-perf', 'workload']);
    if (workload !== undefined) manifest.package.workload = workload;
    const skip = skipBenchesFromManifest(doc, text, file);
    if (skip.length > 0) manifest.package.skipBenches = skip;
  }

  const ws = doc.workspace;
  if (isTable(ws)) {
    const dependencies: ManifestWorkspace['dependencies'] = {};
    if (isTable(ws.dependencies)) {
      for (const [key, spec] of Object.entries(ws.dependencies)) {
        if (!isTable(spec)) continue;
        const entry: { path?: string; package?: string } = {};
        const path = str(spec.path);
        if (path !== undefined) entry.path = path;
        const renamed = str(spec.package);
        if (renamed !== undefined) entry.package = renamed;
        if (entry.path !== undefined) dependencies[key] = entry;
      }
    }
    manifest.workspace = {
      members: strings(ws.members, text, file, ['workspace', 'members']),
      exclude: strings(ws.exclude, text, file, ['workspace', 'exclude']),
      dependencies,
      profiles: isTable(doc.profile) ? Object.keys(doc.profile) : [],
    };
  }

  for (const [table, kind] of DEPENDENCY_TABLES) readDependencyTable(doc[table], kind, undefined, manifest.dependencies);
  if (isTable(doc.target)) {
    for (const [target, tables] of Object.entries(doc.target)) {
      if (!isTable(tables)) continue;
      for (const [table, kind] of DEPENDENCY_TABLES) readDependencyTable(tables[table], kind, target, manifest.dependencies);
    }
  }
  return manifest;
}

/** Directory listing used by target discovery; injectable so tests can describe a crate as data. */
export interface CrateFs {
  /** Entries of a folder relative to the crate root: name and whether it is a directory; [] when missing. */
  list(relDir: string): Array<{ name: string; dir: boolean }>;
  isFile(relPath: string): boolean;
}

export function diskCrateFs(crateDir: string): CrateFs {
  return {
    list(relDir) {
      try {
        return readdirSync(join(crateDir, relDir), { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
      } catch {
        return [];
      }
    },
    isFile(relPath) {
      try {
        return statSync(join(crateDir, relPath)).isFile();
      } catch {
        return false;
      }
    },
  };
}

/** A crate's files as data (paths relative to the crate root): the inference cache and tests list crates this way. */
export function snapshotCrateFs(files: readonly string[]): CrateFs {
  return {
    list(relDir) {
      const entries = new Map<string, boolean>();
      for (const f of files) {
        if (!f.startsWith(`${relDir}/`)) continue;
        const rest = f.slice(relDir.length + 1).split('/');
        entries.set(rest[0], rest.length > 1);
      }
      return [...entries].map(([name, dir]) => ({ name, dir }));
    },
    isFile: (p) => files.includes(p),
  };
}

export interface CrateTargets {
  /** Binary names; the package-named binary (src/main.rs) first when there is one. */
  bins: string[];
  /** Benches to run with criterion: `[[bench]]` entries with `harness = false`, plus auto-discovered `benches/*.rs`. */
  benches: string[];
  /** The target source files found on disk; part of the inference cache key (adding a bin changes targets). */
  discovered: string[];
  /** Every bench target's root source file (criterion or libtest), relative to the crate root: an atomized bench's inputs leave out the others'. */
  benchFiles: Array<{ name: string; path: string }>;
}

// Cargo's target auto-discovery: `<dir>/*.rs` and `<dir>/*/main.rs` (cargo reference, "Target auto-discovery").
function discover(fs: CrateFs, dir: string): Array<{ name: string; path: string }> {
  const found: Array<{ name: string; path: string }> = [];
  for (const entry of fs.list(dir)) {
    if (!entry.dir && entry.name.endsWith('.rs')) found.push({ name: entry.name.slice(0, -3), path: `${dir}/${entry.name}` });
    else if (entry.dir && fs.isFile(`${dir}/${entry.name}/main.rs`)) found.push({ name: entry.name, path: `${dir}/${entry.name}/main.rs` });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

function declaredName(decl: ManifestTargetDecl): string | undefined {
  if (decl.name !== undefined) return decl.name;
  if (decl.path === undefined) return undefined;
  const base = posix.basename(decl.path, '.rs');
  return base === 'main' ? posix.basename(posix.dirname(decl.path)) : base;
}

const samePath = (a: string | undefined, b: string) => a !== undefined && posix.normalize(a) === b;

/** The binaries and criterion benches of a package, by cargo's declaration and auto-discovery rules. */
export function crateTargets(manifest: CargoManifest, fs: CrateFs): CrateTargets {
  const pkg = manifest.package;
  if (!pkg) return { bins: [], benches: [], discovered: [], benchFiles: [] };
  const discovered: string[] = [];

  const bins: string[] = [];
  const addBin = (name: string | undefined) => {
    if (name !== undefined && !bins.includes(name)) bins.push(name);
  };
  if (pkg.autobins) {
    if (fs.isFile('src/main.rs')) {
      discovered.push('src/main.rs');
      const declared = manifest.bins.find((b) => samePath(b.path, 'src/main.rs'));
      addBin(declared ? declaredName(declared) : pkg.name);
    }
  }
  for (const decl of manifest.bins) addBin(declaredName(decl));
  if (pkg.autobins) {
    for (const found of discover(fs, 'src/bin')) {
      discovered.push(found.path);
      if (!manifest.bins.some((b) => samePath(b.path, found.path))) addBin(found.name);
    }
  }

  const benches: string[] = [];
  const benchFiles: Array<{ name: string; path: string }> = [];
  const onDisk = discover(fs, 'benches');
  for (const decl of manifest.benches) {
    const name = declaredName(decl);
    if (name === undefined) continue;
    if (decl.harness === false && !benches.includes(name)) benches.push(name);
    // Cargo's default path of a declared bench: benches/<name>.rs or benches/<name>/main.rs.
    const path = decl.path !== undefined ? posix.normalize(decl.path) : (onDisk.find((f) => f.name === name)?.path ?? `benches/${name}.rs`);
    if (!benchFiles.some((f) => f.name === name)) benchFiles.push({ name, path });
  }
  if (pkg.autobenches) {
    for (const found of onDisk) {
      discovered.push(found.path);
      const declared = manifest.benches.some((b) => declaredName(b) === found.name || samePath(b.path, found.path));
      if (!declared) {
        benches.push(found.name);
        benchFiles.push(found);
      }
    }
  }
  return { bins, benches, discovered, benchFiles };
}
