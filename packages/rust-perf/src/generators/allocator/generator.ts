// `nx g rust-perf:allocator --project <crate>`: #[global_allocator] in every binary of the crate.
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import { logger } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { ALLOCATORS, allocatorDependencyPath, binTargets, planAllocatorSource, SYSTEM_ALLOCATOR_FEATURE } from '../../core/allocator/allocator';
import { joinPath } from '../../core/cargo/locate';
import { WORKSPACE_DEPS } from '../../core/deps/deps';
import { applyValues } from '../../core/profiles/policy';
import { getIn } from '../../core/toml/toml';
import { PendingWrites } from '../shared/tree';
import { resolveCrate, workspaceDependencies } from '../shared/crate';
import type { AllocatorGeneratorSchema } from './schema';

export default async function allocatorGenerator(tree: Tree, options: AllocatorGeneratorSchema): Promise<void> {
  const name = options.allocator ?? 'jemalloc';
  const { workspaceManifestPath, pkg } = resolveCrate(tree, options.project, options.cargoRoot);
  const binDir = joinPath(pkg.root, 'src/bin');
  const bins = binTargets(pkg.manifest as Parameters<typeof binTargets>[0], {
    exists: (rel) => tree.exists(joinPath(pkg.root, rel)),
    binDirFiles: tree.exists(binDir) ? tree.children(binDir) : [],
  });
  if (bins.length === 0) throw new Error(`${pkg.manifestPath}: package ${pkg.name} has no binary ([[bin]], src/main.rs or src/bin/*.rs); a global allocator belongs in a binary, not a library.`);

  const writes = new PendingWrites(tree);
  for (const bin of bins) {
    const file = joinPath(pkg.root, bin.path);
    const src = writes.read(file);
    if (src === null) throw new Error(`${pkg.manifestPath}: binary ${bin.name} points at ${file}, which does not exist.`);
    const edit = planAllocatorSource(src, name, file);
    if (edit.kind === 'refuse') throw new Error(`${edit.reason} Nothing was written.`);
    if (edit.kind === 'insert') writes.write(file, edit.text);
  }

  const { crate } = ALLOCATORS[name];
  const wsText = writes.read(workspaceManifestPath)!;
  const inWorkspace = getIn(workspaceDependencies(wsText, workspaceManifestPath), [crate]) !== undefined;
  if (!inWorkspace) {
    const known = WORKSPACE_DEPS.find((d) => d.name === crate)!;
    writes.write(workspaceManifestPath, applyValues(wsText, [{ path: ['workspace', 'dependencies', crate], value: known.value }], { force: false, file: workspaceManifestPath }).text);
  }
  const manifest = writes.read(pkg.manifestPath)!;
  writes.write(
    pkg.manifestPath,
    applyValues(
      manifest,
      [
        { path: allocatorDependencyPath(name), value: { workspace: true } },
        { path: ['features', SYSTEM_ALLOCATOR_FEATURE], value: [] },
      ],
      { force: false, file: pkg.manifestPath },
    ).text,
  );
  const changed = writes.commit();
  logger.info(`rust-perf: allocator ${name} for ${pkg.name} (${bins.map((b) => b.name).join(', ')}): ${changed.length === 0 ? 'already installed, nothing changed' : `updated ${changed.join(', ')}`}`);
}
