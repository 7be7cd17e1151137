// Nx project names for Cargo packages. Nx refuses a repository where two projects share a name
// ("defined in multiple locations"), while cargo allows a package name once per Cargo root: two
// services under apps/ may both be called `service`. A name held by one package stays that name; a
// name held in several Cargo roots becomes `<cargo root, '/' as '-'>-<name>` for every holder, so
// none of them looks like the only one, and every output path (dist/…/<project>/…) names its root.

export interface NamedPackage {
  /** Cargo package name. */
  name: string;
  /** Package folder relative to the Nx root. */
  root: string;
  /** Folder of the Cargo root (workspace root manifest, or the package itself when standalone). */
  cargoRoot: string;
}

/** The qualified form of a package name: its Cargo root folder first (`.` → `root`). */
export function qualifiedProjectName(p: NamedPackage): string {
  const prefix = p.cargoRoot === '.' ? 'root' : p.cargoRoot.replace(/^\.\//, '').replace(/\//g, '-');
  return `${prefix}-${p.name}`;
}

/**
 * One Nx project name per package folder (keyed by `root`). Unique by construction: a qualified
 * name that still meets another project's name (a package really called `apps-a-service`) gets the
 * package folder as well, then a counter, so Nx never sees two projects of one name.
 */
export function projectNames(packages: readonly NamedPackage[]): Map<string, string> {
  const byName = new Map<string, NamedPackage[]>();
  for (const p of packages) byName.set(p.name, [...(byName.get(p.name) ?? []), p]);
  const names = new Map<string, string>();
  const taken = new Set<string>();
  // Unshared names first: they keep the package name, and qualified names yield to them.
  for (const [name, holders] of byName) {
    if (holders.length !== 1) continue;
    names.set(holders[0].root, name);
    taken.add(name);
  }
  const sorted = [...packages].sort((a, b) => a.root.localeCompare(b.root));
  for (const p of sorted) {
    if (names.has(p.root)) continue;
    const candidates = [qualifiedProjectName(p), `${p.root.replace(/\//g, '-')}-${p.name}`];
    let chosen = candidates.find((c) => !taken.has(c));
    for (let i = 2; chosen === undefined; i++) if (!taken.has(`${candidates[0]}-${i}`)) chosen = `${candidates[0]}-${i}`;
    names.set(p.root, chosen);
    taken.add(chosen);
  }
  return names;
}
