import type { CreateNodes, CreateNodesContext, CreateNodesResultArray } from '@nx/devkit';
import { loadCargoModel } from './cargo-model';
import { createProjectConfiguration } from './create-targets';
import { workspaceDataDirectory } from './data-directory';
import { devkit } from './devkit';
import { normalizeOptions } from './options';
import type { RustPerfPluginOptions } from './options';

export const CARGO_MANIFEST_GLOB = '**/Cargo.toml';

export async function createNodesForManifests(
  configFiles: readonly string[],
  rawOptions: RustPerfPluginOptions | undefined,
  context: CreateNodesContext,
): Promise<CreateNodesResultArray> {
  const options = normalizeOptions(rawOptions);
  const { model, errors } = loadCargoModel({
    workspaceRoot: context.workspaceRoot,
    manifestFiles: configFiles,
    options,
    cacheDir: workspaceDataDirectory(context.workspaceRoot),
    warn: (m) => devkit().logger.warn(m),
  });
  const results: CreateNodesResultArray = model.crates.map((crate) => {
    const { root, ...project } = createProjectConfiguration(crate, options);
    return [crate.file, { projects: { [root]: project } }] as const;
  });
  if (errors.length > 0) throw new (devkit().AggregateCreateNodesError)(errors, results);
  return results;
}

/** Nx 22–24 load `createNodesV2`, Nx 24 prefers `createNodes`: both are the same v2 tuple. */
export const createNodes: CreateNodes<RustPerfPluginOptions> = [CARGO_MANIFEST_GLOB, createNodesForManifests];
export const createNodesV2: CreateNodes<RustPerfPluginOptions> = createNodes;
