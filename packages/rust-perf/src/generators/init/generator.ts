// `nx g rust-perf:init` (also the `nx add rust-perf` entry): registers the plugin and its named
// inputs in nx.json, and writes tuned profiles, .cargo/config.toml and [workspace.dependencies].
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger, readNxJson, updateNxJson } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import type { NxJsonConfiguration } from '@nx/devkit';
import { joinPath, locateCargoWorkspace } from '../../core/cargo/locate';
import { planCargoConfig } from '../../core/cargo-config/plan';
import { decideLinker, rustcHost } from '../../core/cargo-config/linker';
import { applyValues, describeKept, sameTomlValue } from '../../core/profiles/policy';
import { DEFAULT_PROFILE_OPTIONS, profileValues } from '../../core/profiles/profiles';
import { workspaceDepValues } from '../../core/deps/deps';
import { PendingWrites, reportKept, treeReader } from '../shared/tree';
import { rustNamedInputs } from '../../plugins/create-targets';
import type { InitGeneratorSchema } from './schema';

export const PLUGIN_NAME = 'rust-perf';

/** The same named inputs inference gives each project, so nx.json's copy never drifts from them. */
export function namedInputsFor(cargoRoot: string): ReturnType<typeof rustNamedInputs> {
  return rustNamedInputs(cargoRoot === '' ? '.' : cargoRoot);
}

/** Adds the plugin and merges the named inputs (no duplicates, user's entries kept). Pure over the JSON. */
export function updatedNxJson(nxJson: NxJsonConfiguration, cargoRoot: string): NxJsonConfiguration {
  const next = structuredClone(nxJson);
  const plugins = next.plugins ?? [];
  const registered = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (!registered) next.plugins = [...plugins, PLUGIN_NAME];
  const named = { ...(next.namedInputs ?? {}) } as Record<string, unknown[]>;
  for (const [name, entries] of Object.entries(namedInputsFor(cargoRoot))) {
    const current = named[name] ?? [];
    const missing = entries.filter((e) => !current.some((c) => sameTomlValue(c, e)));
    if (missing.length > 0) named[name] = [...current, ...missing];
  }
  next.namedInputs = named as NxJsonConfiguration['namedInputs'];
  return next;
}

export default async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  const started = Date.now();
  const force = options.force ?? false;
  const cargoRoot = locateCargoWorkspace(treeReader(tree), options.cargoRoot);
  const manifestPath = joinPath(cargoRoot, 'Cargo.toml');
  const configPath = joinPath(cargoRoot, '.cargo/config.toml');
  logger.info(`rust-perf: Cargo workspace ${manifestPath}`);

  const writes = new PendingWrites(tree);
  const kept: string[] = [];

  if (!options.skipProfiles || !options.skipDeps) {
    const values = [
      ...(options.skipProfiles ? [] : profileValues({ lto: options.lto ?? DEFAULT_PROFILE_OPTIONS.lto, panic: options.panic ?? DEFAULT_PROFILE_OPTIONS.panic })),
      ...(options.skipDeps ? [] : workspaceDepValues()),
    ];
    const result = applyValues(writes.read(manifestPath)!, values, { force, file: manifestPath });
    writes.write(manifestPath, result.text);
    kept.push(...result.kept.map((k) => describeKept(k, manifestPath)));
    logger.info(`rust-perf: ${manifestPath}: ${result.set.length} value(s) set, ${result.kept.length} kept`);
  }

  if (!options.skipConfig) {
    const t = Date.now();
    // rustc runs in the Cargo workspace so its rust-toolchain file applies (the Tree root is virtual in tests).
    const cwd = existsSync(join(tree.root, cargoRoot)) ? join(tree.root, cargoRoot) : tmpdir();
    const host = await rustcHost(cwd);
    const linker = await decideLinker(options.linker ?? 'auto', host, cwd);
    logger.info(`rust-perf: ${linker.reason} [${((Date.now() - t) / 1000).toFixed(1)}s]`);
    const plan = planCargoConfig({ existing: writes.read(configPath), file: configPath, cpu: options.cpu ?? 'native', linkerFlags: linker.flags, host, force });
    if (plan.text !== null) writes.write(configPath, plan.text);
    for (const n of plan.notes) logger.info(`rust-perf: ${n}`);
    kept.push(...plan.kept);
  }

  const nxJson = readNxJson(tree) ?? {};
  const nextNxJson = updatedNxJson(nxJson, cargoRoot);
  const changed = writes.commit();
  if (!sameTomlValue(nxJson, nextNxJson)) {
    updateNxJson(tree, nextNxJson);
    changed.push('nx.json');
  }
  reportKept(kept);
  logger.info(`rust-perf: init ${changed.length === 0 ? 'changed nothing (already up to date)' : `updated ${changed.join(', ')}`} [${((Date.now() - started) / 1000).toFixed(1)}s]`);
}
