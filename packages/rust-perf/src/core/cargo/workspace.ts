// Which Cargo workspace each package belongs to, decided from the manifests alone (no `cargo
// metadata`: on a 1000-crate workspace parsing the manifests is faster than spawning cargo, and it
// needs no network or lock file). The rules follow cargo's src/cargo/core/workspace.rs:
// members are globs matched per path component, `exclude` entries are path prefixes that
// explicitly listed members override, the root package is a member, and path dependencies inside
// the workspace folder become members. spec: workspace.spec.ts checks these against cargo itself.
import { posix } from 'node:path';
import type { CargoManifest } from './manifest';

/** Folder paths are posix, relative to the Nx root; the Nx root itself is `.`. */
export function joinDir(base: string, rel: string): string {
  return posix.normalize(posix.join(base, rel)).replace(/\/$/, '') || '.';
}

/** True when `dir` is `parent` or inside it (whole path components, as Rust's `Path::starts_with`). */
export function isWithin(dir: string, parent: string): boolean {
  if (parent === '.') return !dir.startsWith('../') && dir !== '..';
  return dir === parent || dir.startsWith(`${parent}/`);
}

const GLOB_CHARS = /[*?[]/;

function componentRegex(component: string): RegExp {
  let re = '';
  for (let i = 0; i < component.length; i++) {
    const c = component[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = component.indexOf(']', i + 2);
      if (end < 0) {
        re += '\\[';
        continue;
      }
      let body = component.slice(i + 1, end);
      const negate = body.startsWith('!');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/[\\^\]]/g, '\\$&')}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Matches a folder against a glob the way the `glob` crate walks directories (cargo uses it for
 * `members`): each component is matched on its own, so `*` never crosses `/`, and `**` spans zero
 * or more whole components. Hidden folders match `*` (cargo uses the default MatchOptions).
 */
export function globMatchesDir(pattern: string, dir: string): boolean {
  const pat = pattern === '.' ? [] : pattern.split('/');
  const parts = dir === '.' ? [] : dir.split('/');
  const regexes = pat.map((p) => (p === '**' ? null : GLOB_CHARS.test(p) ? componentRegex(p) : p));
  const match = (pi: number, di: number): boolean => {
    if (pi === regexes.length) return di === parts.length;
    const r = regexes[pi];
    if (r === null) {
      for (let k = di; k <= parts.length; k++) if (match(pi + 1, k)) return true;
      return false;
    }
    if (di === parts.length) return false;
    const ok = typeof r === 'string' ? r === parts[di] : r.test(parts[di]);
    return ok && match(pi + 1, di + 1);
  };
  return match(0, 0);
}

export interface CargoPackage {
  /** The package's Cargo.toml, relative to the Nx root. */
  file: string;
  /** The package folder (the Nx project root). */
  root: string;
  /** The folder of the Cargo workspace root manifest; the package's own folder when standalone. */
  cargoRoot: string;
  manifest: CargoManifest & { package: NonNullable<CargoManifest['package']> };
  /**
   * The package (or the workspace it is a member of) lies under a `[workspace] exclude` entry of an
   * enclosing workspace: the user took it out of that workspace, so cargo builds it on its own.
   */
  excluded: boolean;
}

export interface CargoWorkspace {
  /** Folder of the root manifest. */
  root: string;
  file: string;
  manifest: CargoManifest;
  /** Member package folders, sorted. */
  members: string[];
}

export interface CargoLayout {
  workspaces: CargoWorkspace[];
  /** Every package, workspace member or standalone, sorted by folder. */
  packages: CargoPackage[];
}

const dirOf = (file: string) => posix.dirname(file);

/** `exclude` entries are path prefixes; an explicitly listed member folder overrides them (cargo's `is_excluded`). */
export function isExcludedBy(ws: CargoManifest, root: string, dir: string): boolean {
  const config = ws.workspace;
  if (!config) return false;
  return config.exclude.some((e) => isWithin(dir, joinDir(root, e))) && !config.members.some((m) => isWithin(dir, joinDir(root, m)));
}

function workspaceMembers(ws: CargoManifest, root: string, packageDirs: Map<string, CargoManifest>): string[] {
  const config = ws.workspace;
  if (!config) return [];
  const isExcluded = (dir: string) => isExcludedBy(ws, root, dir);

  const members = new Set<string>();
  for (const pattern of config.members) {
    const full = joinDir(root, pattern);
    if (!GLOB_CHARS.test(pattern)) {
      // Listed folders are members even when also excluded (cargo's explicit-member rule).
      if (packageDirs.has(full)) members.add(full);
      continue;
    }
    for (const dir of packageDirs.keys()) if (globMatchesDir(full, dir) && !isExcluded(dir)) members.add(dir);
  }
  if (ws.package) members.add(root);

  // Path dependencies inside the workspace folder are members too (cargo: find_path_deps).
  const queue = [...members];
  while (queue.length > 0) {
    const dir = queue.pop() as string;
    const manifest = packageDirs.get(dir);
    if (!manifest) continue;
    for (const dep of manifest.dependencies) {
      const depDir = dependencyDir(dep, dir, ws, root);
      if (depDir === undefined || members.has(depDir) || !packageDirs.has(depDir)) continue;
      if (!isWithin(depDir, root) || isExcluded(depDir)) continue;
      members.add(depDir);
      queue.push(depDir);
    }
  }
  return [...members].sort();
}

/**
 * The folder a local dependency points at, or undefined for registry/git dependencies.
 * `workspace = true` entries resolve through the workspace root's `[workspace.dependencies]`.
 */
export function dependencyDir(
  dep: CargoManifest['dependencies'][number],
  crateDir: string,
  workspace: CargoManifest | undefined,
  workspaceRoot: string | undefined,
): string | undefined {
  if (dep.workspace) {
    const entry = workspace?.workspace?.dependencies[dep.key];
    if (!entry?.path || workspaceRoot === undefined) return undefined;
    return joinDir(workspaceRoot, entry.path);
  }
  return dep.path === undefined ? undefined : joinDir(crateDir, dep.path);
}

/** Groups manifests (paths relative to the Nx root) into Cargo workspaces and standalone packages. */
export function resolveCargoLayout(manifests: readonly CargoManifest[]): CargoLayout {
  const packageDirs = new Map<string, CargoManifest>();
  const workspaceManifests: CargoManifest[] = [];
  for (const m of manifests) {
    if (m.package) packageDirs.set(dirOf(m.file), m);
    if (m.workspace) workspaceManifests.push(m);
  }

  const workspaces: CargoWorkspace[] = workspaceManifests
    .map((m) => ({ root: dirOf(m.file), file: m.file, manifest: m, members: workspaceMembers(m, dirOf(m.file), packageDirs) }))
    .sort((a, b) => a.root.localeCompare(b.root));
  const byRoot = new Map(workspaces.map((w) => [w.root, w]));

  // Cargo looks for the workspace upwards from a package, so with nested workspaces the nearest
  // (deepest) root that lists the package wins; `package.workspace` names the root explicitly.
  const owner = new Map<string, string>();
  for (const ws of workspaces) {
    for (const dir of ws.members) {
      const current = owner.get(dir);
      if (current === undefined || ws.root.length > current.length) owner.set(dir, ws.root);
    }
  }
  for (const [dir, m] of packageDirs) {
    const explicit = m.package?.workspace;
    if (explicit === undefined) continue;
    const root = joinDir(dir, explicit);
    const ws = byRoot.get(root);
    if (ws) {
      owner.set(dir, root);
      if (!ws.members.includes(dir)) ws.members = [...ws.members, dir].sort();
    }
  }
  for (const ws of workspaces) ws.members = ws.members.filter((dir) => owner.get(dir) === ws.root);

  const excluded = (cargoRoot: string) => workspaces.some((ws) => ws.root !== cargoRoot && isWithin(cargoRoot, ws.root) && isExcludedBy(ws.manifest, ws.root, cargoRoot));
  const packages: CargoPackage[] = [...packageDirs.entries()]
    .map(([dir, manifest]) => {
      const cargoRoot = owner.get(dir) ?? dir;
      return { file: manifest.file, root: dir, cargoRoot, manifest: manifest as CargoPackage['manifest'], excluded: excluded(cargoRoot) };
    })
    .sort((a, b) => a.root.localeCompare(b.root));
  return { workspaces, packages };
}

export interface LocalDependency {
  /** The package that declares the dependency. */
  from: CargoPackage;
  to: CargoPackage;
  kind: CargoManifest['dependencies'][number]['kind'];
}

/** Dependencies between the given packages (path and workspace-path ones), deduplicated per pair. */
export function localDependencies(layout: CargoLayout): LocalDependency[] {
  const byDir = new Map(layout.packages.map((p) => [p.root, p]));
  const wsByRoot = new Map(layout.workspaces.map((w) => [w.root, w]));
  const edges: LocalDependency[] = [];
  for (const from of layout.packages) {
    const ws = wsByRoot.get(from.cargoRoot);
    const seen = new Set<string>();
    for (const dep of from.manifest.dependencies) {
      const dir = dependencyDir(dep, from.root, ws?.manifest, ws?.root);
      if (dir === undefined || dir === from.root || seen.has(dir)) continue;
      const to = byDir.get(dir);
      if (!to) continue;
      seen.add(dir);
      edges.push({ from, to, kind: dep.kind });
    }
  }
  return edges;
}
