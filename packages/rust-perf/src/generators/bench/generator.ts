// `nx g rust-perf:bench --project <crate> --name <bench>`: criterion dev-dependency, [[bench]] entry
// and a benches/<name>.rs that measures a real public function. Idempotent: an existing [[bench]]
// of that name is left alone.
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import { logger } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { joinPath } from '../../core/cargo/locate';
import { CRITERION_DEP } from '../../core/deps/deps';
import { applyValues } from '../../core/profiles/policy';
import { appendArrayTable, getIn, parseToml } from '../../core/toml/toml';
import type { TomlTable } from '../../core/toml/toml';
import { PendingWrites } from '../shared/tree';
import { resolveCrate, workspaceDependencies } from '../shared/crate';
import { benchSource, findPublicFns, publicModules } from './scaffold';
import type { PublicFn } from './scaffold';
import type { BenchGeneratorSchema } from './schema';

function findTarget(tree: Tree, pkgRoot: string, libPath: string): PublicFn | null {
  const libFile = joinPath(pkgRoot, libPath);
  if (!tree.exists(libFile)) return null;
  const lib = tree.read(libFile, 'utf-8')!;
  const found = findPublicFns(lib, []);
  const srcDir = libFile.slice(0, libFile.lastIndexOf('/'));
  for (const m of publicModules(lib)) {
    const file = [joinPath(srcDir, `${m}.rs`), joinPath(srcDir, `${m}/mod.rs`)].find((f) => tree.exists(f));
    if (file) found.push(...findPublicFns(tree.read(file, 'utf-8')!, [m]));
  }
  // Prefer functions that take input: they measure work, not a constant.
  return found.find((f) => f.args.length > 0) ?? found[0] ?? null;
}

export default async function benchGenerator(tree: Tree, options: BenchGeneratorSchema): Promise<void> {
  if (!/^[A-Za-z_][A-Za-z0-9_-]*$/.test(options.name)) throw new Error(`--name ${options.name}: use letters, digits, _ and - (it becomes benches/<name>.rs).`);
  const { workspaceManifestPath, pkg } = resolveCrate(tree, options.project, options.cargoRoot);
  const benches = (getIn(pkg.manifest, ['bench']) as TomlTable[] | undefined) ?? [];
  const existing = benches.find((b) => b.name === options.name);
  const writes = new PendingWrites(tree);

  const wsText = writes.read(workspaceManifestPath)!;
  if (getIn(workspaceDependencies(wsText, workspaceManifestPath), ['criterion']) === undefined) {
    writes.write(workspaceManifestPath, applyValues(wsText, [{ path: ['workspace', 'dependencies', 'criterion'], value: CRITERION_DEP }], { force: false, file: workspaceManifestPath }).text);
  }
  let manifest = writes.read(pkg.manifestPath)!;
  const dev = getIn(parseToml(manifest, pkg.manifestPath), ['dev-dependencies', 'criterion']);
  if (dev === undefined) manifest = applyValues(manifest, [{ path: ['dev-dependencies', 'criterion'], value: { workspace: true } }], { force: false, file: pkg.manifestPath }).text;

  const benchPath = joinPath(pkg.root, typeof existing?.path === 'string' ? existing.path : `benches/${options.name}.rs`);
  if (!existing) manifest = appendArrayTable(manifest, ['bench'], { name: options.name, harness: false }, pkg.manifestPath);
  writes.write(pkg.manifestPath, manifest);

  let measured = 'existing file kept';
  if (!tree.exists(benchPath)) {
    const libPath = typeof getIn(pkg.manifest, ['lib', 'path']) === 'string' ? (getIn(pkg.manifest, ['lib', 'path']) as string) : 'src/lib.rs';
    const libName = (getIn(pkg.manifest, ['lib', 'name']) as string | undefined) ?? pkg.name.replace(/-/g, '_');
    const target = findTarget(tree, pkg.root, libPath);
    writes.write(benchPath, benchSource(options.name, libName, target));
    measured = target ? `measures ${libName}::${target.path.join('::')}` : 'no public function with simple arguments found: placeholder with a TODO';
  }
  const changed = writes.commit();
  logger.info(`rust-perf: bench ${options.name} for ${pkg.name}: ${changed.length === 0 ? 'already present, nothing changed' : `updated ${changed.join(', ')} (${measured})`}`);
}
