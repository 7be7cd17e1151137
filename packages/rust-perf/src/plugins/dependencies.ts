import type { CreateDependencies, DependencyType, RawProjectGraphDependency } from '@nx/devkit';
import { devkit } from './devkit';
import { isInferenceManifest, loadCargoModel } from './cargo-model';
import { workspaceDataDirectory } from './data-directory';
import { normalizeOptions } from './options';
import type { RustPerfPluginOptions } from './options';

/** Static edges from Cargo path dependencies (and `workspace = true` ones with a path), per declaring Cargo.toml. */
export const createDependencies: CreateDependencies<RustPerfPluginOptions> = (rawOptions, context) => {
  const manifestFiles: string[] = [];
  const collect = (files: ReadonlyArray<{ file: string }>) => {
    for (const f of files) if (isInferenceManifest(f.file)) manifestFiles.push(f.file);
  };
  for (const files of Object.values(context.fileMap.projectFileMap)) collect(files);
  collect(context.fileMap.nonProjectFiles);

  // Broken manifests are reported by createNodes; edges come from the ones that parse.
  const { model } = loadCargoModel({
    workspaceRoot: context.workspaceRoot,
    manifestFiles,
    options: normalizeOptions(rawOptions),
    cacheDir: workspaceDataDirectory(context.workspaceRoot),
    warn: (m) => devkit().logger.warn(m),
  });

  // Edges connect projects by root, so a crate renamed in its own project.json still gets them.
  const nameByRoot = new Map(Object.entries(context.projects).map(([name, p]) => [p.root, name]));
  const seen = new Set<string>();
  const dependencies: RawProjectGraphDependency[] = [];
  for (const edge of model.edges) {
    const source = nameByRoot.get(edge.from);
    const target = nameByRoot.get(edge.to);
    if (source === undefined || target === undefined || source === target) continue;
    const key = `${source}\0${target}`;
    if (seen.has(key)) continue;
    seen.add(key);
    dependencies.push({ source, target, sourceFile: edge.file, type: 'static' as DependencyType.static });
  }
  return dependencies;
};
