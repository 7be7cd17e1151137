import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { CreateDependencies, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import { devkit } from './devkit';
import { PLUGIN_VERSION, isInferenceManifest, loadCargoModel } from './cargo-model';
import type { CargoEdge } from './cargo-model';
import { readDataFile, workspaceDataDirectory, writeDataFile } from './data-directory';
import { normalizeOptions } from './options';
import type { RustPerfPluginOptions } from './options';

interface EdgesCacheFile {
  key: string;
  edges: CargoEdge[];
}

export function edgesCachePath(cacheDir: string): string {
  return join(cacheDir, 'rust-perf-edges.json');
}

/** Static edges from Cargo path dependencies (and `workspace = true` ones with a path), per declaring Cargo.toml. */
export const createDependencies: CreateDependencies<RustPerfPluginOptions> = (rawOptions, context) => {
  const options = normalizeOptions(rawOptions);
  const manifests: Array<{ file: string; hash: string }> = [];
  const collect = (files: ReadonlyArray<{ file: string; hash: string }>) => {
    for (const f of files) if (isInferenceManifest(f.file)) manifests.push(f);
  };
  for (const files of Object.values(context.fileMap.projectFileMap)) collect(files);
  collect(context.fileMap.nonProjectFiles);
  manifests.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  // Edges depend on the manifests alone, and Nx has already hashed them: no file is read on a hit.
  const key = createHash('sha256')
    .update(`${PLUGIN_VERSION}\0${JSON.stringify(options)}\0${manifests.map((m) => `${m.file}\0${m.hash}`).join('\0')}`)
    .digest('hex');
  const cacheDir = workspaceDataDirectory(context.workspaceRoot);
  const cachePath = edgesCachePath(cacheDir);
  let edges = readEdgesCache(cachePath, key);
  if (edges === undefined) {
    // Broken manifests are reported by createNodes; edges come from the ones that parse.
    const { model, errors } = loadCargoModel({
      workspaceRoot: context.workspaceRoot,
      manifestFiles: manifests.map((m) => m.file),
      options,
      cacheDir,
      warn: (m) => devkit().logger.warn(m),
    });
    edges = model.edges;
    if (errors.length === 0) writeDataFile(cachePath, { key, edges } satisfies EdgesCacheFile, (m) => devkit().logger.warn(m));
  }

  // Edges connect projects by root, so a crate renamed in its own project.json still gets them.
  const nameByRoot = new Map(Object.entries(context.projects).map(([name, p]) => [p.root, name]));
  const seen = new Set<string>();
  const dependencies: RawProjectGraphDependency[] = [];
  for (const edge of edges) {
    const source = nameByRoot.get(edge.from);
    const target = nameByRoot.get(edge.to);
    if (source === undefined || target === undefined || source === target) continue;
    const pair = `${source}\0${target}`;
    if (seen.has(pair)) continue;
    seen.add(pair);
    dependencies.push({ source, target, sourceFile: edge.file, type: 'static' as DependencyType.static });
  }
  return dependencies;
};

function readEdgesCache(path: string, key: string): CargoEdge[] | undefined {
  return readDataFile<EdgesCacheFile>(path, (data) => data.key === key && Array.isArray(data.edges))?.edges;
}
