import type { CreateNodes, CreateNodesContext, CreateNodesResultArray } from '@nx/devkit';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { loadCargoModel } from './cargo-model';
import { createProjectConfiguration } from './create-targets';
import type { TargetContext } from './crate-inputs';
import { workspaceDataDirectory } from './data-directory';
import { devkit } from './devkit';
import { normalizeOptions, unknownSkipEntries } from './options';
import type { NormalizedPluginOptions, RustPerfPluginOptions } from './options';

export const CARGO_MANIFEST_GLOB = '**/Cargo.toml';

const EXECUTORS = ['build-release', 'build-native', 'pgo-profile', 'build-pgo', 'bench', 'flamegraph', 'perf-report'];
const asksForNativeCpu = (options: Record<string, unknown>) => options.cpu === 'native' || JSON.stringify(options).includes('target-cpu=native');

/**
 * What every project's targets share: the output folders to keep out of the inputs (the plugin's
 * outputRoot and any outputPath set in nx.json targetDefaults for these targets), the targets whose
 * defaults ask for target-cpu=native themselves, and the cpu-key command. No file is read here.
 */
export function targetContext(options: NormalizedPluginOptions, context: CreateNodesContext): TargetContext {
  const outputFolders = new Set([options.outputRoot]);
  const nativeByOptions = new Set<string>();
  const defaults = context.nxJsonConfiguration?.targetDefaults ?? {};
  const targetNames = [options.buildReleaseTargetName, options.buildNativeTargetName, options.pgoProfileTargetName, options.buildPgoTargetName, options.benchTargetName, options.flamegraphTargetName, options.perfReportTargetName];
  for (const [key, value] of Object.entries(defaults)) {
    // targetDefaults are keyed by target name or by executor; a value is one config or a list of filtered ones (all considered).
    const index = targetNames.includes(key) ? targetNames.indexOf(key) : EXECUTORS.findIndex((e) => key === `rust-perf:${e}`);
    if (index < 0) continue;
    for (const config of Array.isArray(value) ? value : [value]) {
      const opts = (config?.options ?? {}) as Record<string, unknown>;
      if (typeof opts.outputPath === 'string') outputFolders.add(opts.outputPath.replace(/^\.\//, '').replace(/\/+$/, ''));
      if (asksForNativeCpu(opts)) nativeByOptions.add(targetNames[index]);
    }
  }
  // The CLI as Nx's shell (cwd = the workspace root) reaches it: the installed package's path when
  // there is one (the same on every machine, so the command is too), else this very package's.
  const installed = 'node_modules/rust-perf/bin/rust-perf.js';
  const own = join(__dirname, '..', '..', 'bin', 'rust-perf.js');
  const rel = relative(context.workspaceRoot, own);
  const cliPath = existsSync(join(context.workspaceRoot, installed)) ? installed : rel.startsWith('..') || isAbsolute(rel) ? own : rel.split(sep).join('/');
  return { outputFolders: [...outputFolders], nativeByOptions, cli: cliPath };
}

/** "nx.json:<line>:<column>" of a string value in nx.json (the plugin options live there), when it is found. */
export function locateInNxJson(workspaceRoot: string, value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  let text: string;
  try {
    text = readFileSync(join(workspaceRoot, 'nx.json'), 'utf8');
  } catch {
    return undefined;
  }
  const at = text.indexOf(JSON.stringify(value));
  if (at < 0) return undefined;
  const before = text.slice(0, at).split('\n');
  return `nx.json:${before.length}:${before[before.length - 1].length + 1}`;
}

export async function createNodesForManifests(
  configFiles: readonly string[],
  rawOptions: RustPerfPluginOptions | undefined,
  context: CreateNodesContext,
): Promise<CreateNodesResultArray> {
  const locate = (value: unknown) => locateInNxJson(context.workspaceRoot, value);
  const options = normalizeOptions(rawOptions, locate);
  const { model, errors } = loadCargoModel({
    workspaceRoot: context.workspaceRoot,
    manifestFiles: configFiles,
    options,
    cacheDir: workspaceDataDirectory(context.workspaceRoot),
    warn: (m) => devkit().logger.warn(m),
  });
  const shared = targetContext(options, context);
  const results: CreateNodesResultArray = model.crates.map((crate) => {
    const { root, ...project } = createProjectConfiguration(crate, options, shared);
    return [crate.file, { projects: { [root]: project } }] as const;
  });
  for (const { entry, why } of unknownSkipEntries(options.skipBenches, model.crates)) {
    errors.push(['nx.json', new Error(`${locate(entry) ?? 'nx.json'}: rust-perf plugin option skipBenches names "${entry}", but ${why}; fix or remove the entry.`)]);
  }
  if (errors.length > 0) throw new (devkit().AggregateCreateNodesError)(errors, results);
  return results;
}

/** Nx 22–24 load `createNodesV2`, Nx 24 prefers `createNodes`: both are the same v2 tuple. */
export const createNodes: CreateNodes<RustPerfPluginOptions> = [CARGO_MANIFEST_GLOB, createNodesForManifests];
export const createNodesV2: CreateNodes<RustPerfPluginOptions> = createNodes;
