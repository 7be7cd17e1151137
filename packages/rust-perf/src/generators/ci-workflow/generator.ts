import { logger, readNxJson, type Tree } from '@nx/devkit';
import { classifyExisting, parseWorkflow, renderWorkflow, type WorkflowOptions } from '../../core/ci/github-workflow';
import type { CiWorkflowGeneratorSchema } from './schema';

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

function detectCargoRoot(tree: Tree): string {
  const candidates = ['.', ...tree.children('.').filter((c) => !c.startsWith('.') && c !== 'node_modules')];
  const found = candidates.filter((dir) => {
    const file = dir === '.' ? 'Cargo.toml' : `${dir}/Cargo.toml`;
    return tree.exists(file) && /^\s*\[workspace\]/m.test(tree.read(file, 'utf-8') ?? '');
  });
  return found[0] ?? '.';
}

export default async function ciWorkflowGenerator(tree: Tree, schema: CiWorkflowGeneratorSchema): Promise<void> {
  const options: WorkflowOptions = {
    name: schema.name ?? 'perf',
    mainBranch: schema.mainBranch ?? 'main',
    gate: schema.gate ?? 'same-job',
    // Paired rounds keep noise inside the interval, so the same-job gate can afford a lower threshold.
    failOnRegression: schema.failOnRegression ?? (schema.gate === 'cross-run' ? 10 : 5),
    pgo: schema.pgo ?? false,
    nodeVersion: schema.nodeVersion ?? '20',
    cargoRoot: schema.cargoRoot ?? detectCargoRoot(tree),
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
