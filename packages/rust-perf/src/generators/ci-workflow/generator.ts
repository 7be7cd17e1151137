import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import { logger, readNxJson, type Tree } from '@nx/devkit';
import { classifyExisting, parseWorkflow, renderWorkflow } from '../../core/ci/github-workflow';
import type { WorkflowOptions } from '../../core/ci/workflow-options';
import type { CiWorkflowGeneratorSchema } from './schema';
import { CargoWorkspaceNotFoundError, joinPath, selectCargoRoots, type CargoRoot } from '../../core/cargo/locate';
import { configRustflags, fuseLdName } from '../../core/cargo-config/plan';
import { flagUnits } from '../../core/rustflags/units';
import { parseToml } from '../../core/toml/toml';
import { treeReader } from '../shared/tree';
import { defaultBranch, detectPackageManager, packageManagerSteps, type RepoFiles } from '../../core/ci/repository';

const TARGET_DEFAULTS = { buildTarget: 'build-release', benchTarget: 'bench', pgoTarget: 'build-pgo' };

// Target names follow the plugin options in nx.json, so a renamed target is what the workflow runs.
function targetNames(tree: Tree): Pick<WorkflowOptions, 'buildTarget' | 'benchTarget' | 'pgoTarget' | 'benchCiTarget'> {
  const entry = readNxJson(tree)?.plugins?.find((p) => (typeof p === 'string' ? p : p.plugin) === 'rust-perf');
  const options = (entry && typeof entry !== 'string' ? entry.options : undefined) as Record<string, string> | undefined;
  return {
    buildTarget: options?.buildReleaseTargetName ?? TARGET_DEFAULTS.buildTarget,
    benchTarget: options?.benchTargetName ?? TARGET_DEFAULTS.benchTarget,
    pgoTarget: options?.buildPgoTargetName ?? TARGET_DEFAULTS.pgoTarget,
    benchCiTarget: options?.benchCiTargetName ?? 'bench-ci',
  };
}

/** The Cargo roots of the repository (none when it has no Cargo.toml yet: the workflow still renders). */
function cargoRoots(tree: Tree): CargoRoot[] {
  try {
    return selectCargoRoots(treeReader(tree)).roots;
  } catch (e) {
    if (e instanceof CargoWorkspaceNotFoundError) return [];
    throw e;
  }
}

/** Linkers named by -fuse-ld in the roots' .cargo/config.toml rustflags ([build] and [target.*]). */
export function configuredLinkers(tree: Tree, roots: readonly CargoRoot[]): string[] {
  const names = new Set<string>();
  for (const root of roots) {
    const file = joinPath(root.dir, '.cargo/config.toml');
    if (!tree.exists(file)) continue;
    for (const unit of flagUnits(configRustflags(parseToml(tree.read(file, 'utf-8')!, file)))) {
      const name = fuseLdName(unit);
      if (name !== null) names.add(name);
    }
  }
  return [...names].sort();
}

export default async function ciWorkflowGenerator(tree: Tree, schema: CiWorkflowGeneratorSchema): Promise<void> {
  const roots = cargoRoots(tree);
  const files: RepoFiles = { exists: (f) => tree.exists(f), read: (f) => (tree.exists(f) ? tree.read(f, 'utf-8') : null) };
  const nodeVersion = schema.nodeVersion ?? '20';
  const pm = detectPackageManager(files);
  const branch = schema.mainBranch ? { branch: schema.mainBranch, from: '--mainBranch' } : await defaultBranch(tree.root, readNxJson(tree)?.defaultBase);
  logger.info(`rust-perf: ci-workflow for ${pm === 'nx-installation' ? "Nx's own install (./nx)" : pm} and the default branch ${branch.branch} (${branch.from})`);
  const options: WorkflowOptions = {
    name: schema.name ?? 'perf',
    mainBranch: branch.branch,
    packageManager: packageManagerSteps(pm, nodeVersion, files),
    ...(schema.metric === 'instructions' ? { metric: 'instructions' as const } : {}),
    gate: schema.gate ?? 'same-job',
    // Paired rounds keep noise inside the interval, so the same-job gate can afford a lower threshold.
    failOnRegression: schema.failOnRegression ?? (schema.gate === 'cross-run' ? 10 : 5),
    pgo: schema.pgo ?? false,
    nodeVersion,
    cargoRoot: schema.cargoRoot ?? (roots.length === 1 && roots[0].dir !== '' ? roots[0].dir : '.'),
    ...(schema.cargoRoot === undefined && roots.length > 1 ? { cargoRoots: roots.map((r) => r.dir || '.') } : {}),
    linkers: configuredLinkers(tree, roots),
    ...targetNames(tree),
    ...(schema.shards !== undefined && schema.shards > 1 ? { shards: schema.shards } : {}),
  };
  const file = `.github/workflows/${options.name}.yml`;
  const text = renderWorkflow(options);
  parseWorkflow(text);
  const existing = tree.exists(file) ? tree.read(file, 'utf-8') : null;
  if (existing === text) {
    logger.info(`${file} is up to date.`);
    return;
  }
  if (classifyExisting(existing) === 'edited' && !schema.force) {
    throw new Error(`${file} was edited by hand (its content no longer matches the digest rust-perf wrote). Nothing was changed. Re-run with --force to overwrite it, or merge the changes yourself.`);
  }
  tree.write(file, text);
}
