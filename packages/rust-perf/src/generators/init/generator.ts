// `nx g rust-perf:init` (also the `nx add rust-perf` entry): registers the plugin and its named
// inputs in nx.json, and writes tuned profiles and .cargo/config.toml; [workspace.dependencies]
// only with --deps. Portable by default: nothing CPU-specific unless --cpu asks for it.
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { logger, readNxJson, updateNxJson } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import type { NxJsonConfiguration } from '@nx/devkit';
import { joinPath, locateCargoWorkspace } from '../../core/cargo/locate';
import { planCargoConfig } from '../../core/cargo-config/plan';
import { decideLinker, rustcHost } from '../../core/cargo-config/linker';
import { userTriples } from '../../core/cargo-config/plan';
import { applyValues, describeGroupKept, describeKept, sameTomlValue } from '../../core/profiles/policy';
import { DEFAULT_PROFILE_OPTIONS, INTENT_GROUPS, profileValues } from '../../core/profiles/profiles';
import { planWorkspaceDeps } from '../../core/deps/deps';
import { parseToml } from '../../core/toml/toml';
import { findCargoConfigs } from '../../core/rustflags/rustflags';
import { rustcCfg } from '../../core/toolchain/rustc';
import { run } from '../../core/process/run';
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

/** The folder every rust-perf target writes under (see plugins/create-targets.ts). */
export const OUTPUT_ROOT = 'dist';

export const NATIVE_WARNING =
  '--cpu native: every build from this .cargo/config.toml, CI artifacts included, is tuned to the CPU of the machine that builds it and may die with SIGILL (illegal instruction) on an older one. For CPU-tuned binaries without that, keep the default (--cpu none) and run the build-native target, whose cache key carries the CPU; for binaries you ship, --cpu x86-64-v2 or x86-64-v3.';

/** `.gitignore` text with the output root appended, or null when it is already there. */
export function gitignoreWithOutputs(current: string | null, root = OUTPUT_ROOT): string | null {
  const entry = `/${root}/`;
  const lines = (current ?? '').split(/\r?\n/).map((l) => l.trim());
  if ([root, `${root}/`, `/${root}`, entry].some((e) => lines.includes(e))) return null;
  const text = current ?? '';
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return `${text}${text === '' || text.endsWith('\n') ? '' : eol}# rust-perf outputs (cargo reruns build scripts without rerun-if-changed when an unignored file changes)${eol}${entry}${eol}`;
}

/** Is `path` ignored by git in `cwd`? undefined when cwd is not in a git work tree (or git is missing). */
async function gitIgnores(cwd: string, path: string): Promise<boolean | undefined> {
  try {
    const r = await run('git', ['check-ignore', '-q', '--', path], { cwd });
    return r.exitCode === 0 ? true : r.exitCode === 1 ? false : undefined;
  } catch {
    return undefined;
  }
}

export default async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  const started = Date.now();
  const force = options.force ?? false;
  const cpu = options.cpu ?? 'none';
  const withDeps = (options.deps ?? false) && !options.skipDeps;
  const cargoRoot = locateCargoWorkspace(treeReader(tree), options.cargoRoot);
  const manifestPath = joinPath(cargoRoot, 'Cargo.toml');
  const configPath = joinPath(cargoRoot, '.cargo/config.toml');
  logger.info(`rust-perf: Cargo workspace ${manifestPath}`);
  if (cpu === 'native') logger.warn(`rust-perf: ${NATIVE_WARNING}`);

  const writes = new PendingWrites(tree);
  const kept: string[] = [];

  if (!options.skipProfiles || withDeps) {
    const text = writes.read(manifestPath)!;
    const profiles = options.skipProfiles ? [] : profileValues({ lto: options.lto ?? DEFAULT_PROFILE_OPTIONS.lto, panic: options.panic ?? DEFAULT_PROFILE_OPTIONS.panic });
    const result = applyValues(text, profiles, { force, file: manifestPath, groups: INTENT_GROUPS });
    kept.push(...result.kept.map((k) => describeKept(k, manifestPath)), ...result.groupKept.map((g) => describeGroupKept(g, manifestPath, INTENT_GROUPS)));
    for (const n of result.notes) logger.info(`rust-perf: ${n}`);
    let next = result.text;
    let depCount = 0;
    if (withDeps) {
      const deps = planWorkspaceDeps(parseToml(next, manifestPath), manifestPath, force);
      next = applyValues(next, deps.values, { force: true, file: manifestPath }).text;
      kept.push(...deps.kept);
      for (const r of deps.report) logger.info(`rust-perf: ${r}`);
      depCount = deps.values.length;
    }
    writes.write(manifestPath, next);
    logger.info(`rust-perf: ${manifestPath}: ${result.set.length} profile value(s) set, ${result.kept.length + result.groupKept.reduce((n, g) => n + g.skipped.length, 0)} kept${withDeps ? `, ${depCount} [workspace.dependencies] entr${depCount === 1 ? 'y' : 'ies'} added or merged` : ' (no dependencies: pass --deps for the low-latency set)'}`);
  }

  const onDisk = existsSync(join(tree.root, cargoRoot));
  if (!options.skipConfig) {
    const t = Date.now();
    // rustc runs in the Cargo workspace so its rust-toolchain file applies (the Tree root is virtual in tests).
    const cwd = onDisk ? join(tree.root, cargoRoot) : tmpdir();
    const host = await rustcHost(cwd);
    const linker = await decideLinker(options.linker ?? 'auto', host, cwd);
    logger.info(`rust-perf: ${linker.reason} [${((Date.now() - t) / 1000).toFixed(1)}s]`);
    const existing = writes.read(configPath);
    // Parsed first so a malformed file is reported by its workspace path.
    const existingDoc = existing === null ? null : parseToml(existing, configPath);
    // Cargo also joins target tables of the config files above the workspace and in $CARGO_HOME.
    const configAbs = resolve(tree.root, configPath);
    const otherConfigs = onDisk ? findCargoConfigs(cwd, process.env).filter((c) => resolve(c.file) !== configAbs) : [];
    const tripleCfg: Record<string, string[] | null> = {};
    for (const triple of userTriples([...(existingDoc === null ? [] : [existingDoc]), ...otherConfigs.map((c) => c.table)])) {
      tripleCfg[triple] = await rustcCfg(cwd, triple).catch(() => null);
    }
    const plan = planCargoConfig({ existing, file: configPath, cpu, linkerFlags: linker.flags, host, force, tripleCfg, otherConfigs });
    if (plan.text !== null) writes.write(configPath, plan.text);
    for (const n of plan.notes) logger.info(`rust-perf: ${n}`);
    kept.push(...plan.kept);
  }

  // Outputs are not sources: an unignored dist/ makes cargo rerun build scripts that emit no rerun-if-changed.
  if (existsSync(tree.root) && (await gitIgnores(tree.root, `${OUTPUT_ROOT}/`)) === false) {
    const next = gitignoreWithOutputs(writes.read('.gitignore'));
    if (next !== null) {
      writes.write('.gitignore', next);
      logger.info(`rust-perf: added /${OUTPUT_ROOT}/ to .gitignore: rust-perf writes its outputs there, and cargo reruns build scripts without rerun-if-changed whenever an unignored file of the package changes`);
    }
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
