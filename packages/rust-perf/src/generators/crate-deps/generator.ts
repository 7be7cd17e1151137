// `nx g rust-perf:crate-deps --project <crate> --preset <name> | --deps a,b`: the seed's per-crate
// dependencies as `dep = { workspace = true }`, plus the path dependency on `common` where implied.
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import { logger } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { joinPath } from '../../core/cargo/locate';
import { PRESETS, parseDepList, planCrateDeps } from '../../core/deps/deps';
import type { CrateDep } from '../../core/deps/deps';
import { applyValues } from '../../core/profiles/policy';
import { findCargoPackage } from '../../core/cargo/locate';
import { PendingWrites, reportKept, treeReader } from '../shared/tree';
import { relativeDir, resolveCrate, workspaceDependencies } from '../shared/crate';
import type { CrateDepsGeneratorSchema } from './schema';

export default async function crateDepsGenerator(tree: Tree, options: CrateDepsGeneratorSchema): Promise<void> {
  if (!options.preset && !options.deps) throw new Error('Pass --preset market-data|common|execution-engine or --deps a,b,c.');
  // The schema's enum guards `nx g`; programmatic callers reach here with any string.
  if (options.preset && !Object.hasOwn(PRESETS, options.preset)) throw new Error(`Unknown preset "${options.preset}". Nothing was written. Fix: use --preset ${Object.keys(PRESETS).join('|')}, or --deps a,b,c.`);
  const { cargoRoot, workspaceManifestPath, pkg } = resolveCrate(tree, options.project, options.cargoRoot);
  const preset = options.preset ? PRESETS[options.preset] : undefined;
  const deps: CrateDep[] = [...(preset?.deps ?? []), ...(options.deps ? parseDepList(options.deps) : [])];

  let commonPath: string | undefined;
  if (preset?.common && pkg.name !== 'common') {
    try {
      commonPath = relativeDir(pkg.root, findCargoPackage(treeReader(tree), cargoRoot, 'common').root);
    } catch {
      logger.info(`rust-perf: no "common" crate in ${workspaceManifestPath}; the path dependency was not added`);
    }
  }

  const writes = new PendingWrites(tree);
  const wsText = writes.read(workspaceManifestPath)!;
  const plan = planCrateDeps({
    crateManifest: pkg.manifest,
    crateFile: pkg.manifestPath,
    workspaceDeps: workspaceDependencies(wsText, workspaceManifestPath),
    workspaceFile: workspaceManifestPath,
    deps,
    commonPath,
    force: options.force ?? false,
  });
  // The workspace and the crate can be the same manifest (a root package): edit in sequence.
  writes.write(workspaceManifestPath, applyValues(wsText, plan.workspace, { force: false, file: workspaceManifestPath }).text);
  const crateText = writes.read(pkg.manifestPath)!;
  writes.write(pkg.manifestPath, applyValues(crateText, plan.crate, { force: true, file: pkg.manifestPath }).text);
  const changed = writes.commit();
  reportKept(plan.kept);
  logger.info(`rust-perf: crate-deps ${pkg.name}: ${changed.length === 0 ? 'nothing to change' : `updated ${changed.join(', ')}`}${plan.workspace.length > 0 ? ` (added ${plan.workspace.map((p) => p.path[2]).join(', ')} to ${joinPath(cargoRoot, 'Cargo.toml')} [workspace.dependencies])` : ''}`);
}
