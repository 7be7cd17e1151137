// `nx g rust-perf:init` (also the `nx add rust-perf` entry): registers the plugin and its named
// inputs in nx.json, and writes tuned profiles and .cargo/config.toml; [workspace.dependencies]
// only with --deps. Portable by default: nothing CPU-specific unless --cpu asks for it.
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { logger, readNxJson, updateNxJson, writeJson } from '@nx/devkit';
import { withDefaultBase } from '../../core/ci/repository';
import type { Tree } from '@nx/devkit';
import type { NxJsonConfiguration } from '@nx/devkit';
import { joinPath, selectCargoRoots } from '../../core/cargo/locate';
import { configRustflags, planCargoConfig } from '../../core/cargo-config/plan';
import { flagUnits } from '../../core/rustflags/units';
import { decideLinker, rustcHost, type RustcHost } from '../../core/cargo-config/linker';
import { userTriples } from '../../core/cargo-config/plan';
import { applyValues, describeGroupKept, describeKept, sameTomlValue } from '../../core/profiles/policy';
import { DEFAULT_PROFILE_OPTIONS, INTENT_GROUPS, profileValues } from '../../core/profiles/profiles';
import { planWorkspaceDeps } from '../../core/deps/deps';
import { parseToml } from '../../core/toml/toml';
import { RunContext } from '../../core/context/run-context';
import { run } from '../../core/process/run';
import { PendingWrites, reportKept, treeReader } from '../shared/tree';
import { describeEverydayChanges, everydayChanges, keepEverydayValues } from '../../core/profiles/everyday';
import { rustNamedInputs } from '../../plugins/crate-inputs';
import type { InitGeneratorSchema } from './schema';
import { DEFAULT_OUTPUT_ROOT } from '../../core/layout/output-paths';

export const PLUGIN_NAME = 'rust-perf';

/** The same named inputs inference gives each project, so nx.json's copy never drifts from them. */
export function namedInputsFor(cargoRoot: string): ReturnType<typeof rustNamedInputs> {
  return rustNamedInputs(cargoRoot === '' ? '.' : cargoRoot);
}

/** Adds the plugin and merges the named inputs (no duplicates, user's entries kept). Pure over the JSON. */
export function updatedNxJson(nxJson: NxJsonConfiguration, cargoRoots: string | readonly string[]): NxJsonConfiguration {
  const next = structuredClone(nxJson);
  const plugins = next.plugins ?? [];
  const registered = plugins.some((p) => (typeof p === 'string' ? p : p.plugin) === PLUGIN_NAME);
  if (!registered) next.plugins = [...plugins, PLUGIN_NAME];
  const named = { ...(next.namedInputs ?? {}) } as Record<string, unknown[]>;
  // One copy of the named inputs for every root (inference gives each project its own root's).
  const roots = typeof cargoRoots === 'string' ? [cargoRoots] : cargoRoots;
  for (const [name, entries] of roots.flatMap((r) => Object.entries(namedInputsFor(r)))) {
    const current = named[name] ?? [];
    const missing = entries.filter((e) => !current.some((c) => sameTomlValue(c, e)));
    if (missing.length > 0) named[name] = [...current, ...missing];
  }
  next.namedInputs = named as NxJsonConfiguration['namedInputs'];
  return next;
}

/** The folder every rust-perf target writes under (see plugins/create-targets.ts). */
export const OUTPUT_ROOT = DEFAULT_OUTPUT_ROOT;

export const NATIVE_WARNING =
  '--cpu native: every build from this .cargo/config.toml, CI artifacts included, is tuned to the CPU of the machine that builds it and may die with SIGILL (illegal instruction) on an older one. For CPU-tuned binaries without that, keep the default (--cpu none) and run the build-native target, whose cache key carries the CPU; for binaries you ship, --cpu x86-64-v2 or x86-64-v3.';

const OUTPUTS_WHY = 'rust-perf outputs (cargo reruns build scripts without rerun-if-changed when an unignored file changes)';

/** `.gitignore` text with the output root appended, or null when it is already there. */
export function gitignoreWithOutputs(current: string | null, root = OUTPUT_ROOT): string | null {
  return gitignoreWith(current, [{ path: `/${root}/`, why: OUTPUTS_WHY }]).text;
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

/** `.gitignore` with each entry appended unless a line already names it; text null when nothing was added. */
export function gitignoreWith(current: string | null, entries: readonly { path: string; why: string }[]): { text: string | null; added: string[] } {
  let text = current ?? '';
  const added: string[] = [];
  for (const { path, why } of entries) {
    const lines = text.split(/\r?\n/).map((l) => l.trim());
    // A line naming the folder or a parent of it (`.nx` covers `.nx/cache`) already ignores it.
    const parts = path.replace(/^\/|\/$/g, '').split('/');
    const covered = parts.some((_, i) => {
      const bare = parts.slice(0, i + 1).join('/');
      return [bare, `${bare}/`, `/${bare}`, `/${bare}/`].some((e) => lines.includes(e));
    });
    if (covered) continue;
    const eol = text.includes('\r\n') ? '\r\n' : '\n';
    text = `${text}${text === '' || text.endsWith('\n') ? '' : eol}# ${why}${eol}${path}${eol}`;
    added.push(path);
  }
  return { text: added.length === 0 ? null : text, added };
}

const NX_IGNORES = [
  { path: '.nx/cache', why: 'Nx cache and workspace data (as nx init ignores them)' },
  { path: '.nx/workspace-data', why: 'Nx workspace data' },
];

/** The --cargoRoot option as given: once (a string), several times (an array) or not at all. */
export function cargoRootsOption(value: string | readonly string[] | undefined): string[] {
  const list = value === undefined ? [] : typeof value === 'string' ? [value] : [...value];
  return list.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

/** The linker flags the user asked for (undefined: keep what an earlier init wrote). */
async function linkerFlags(choice: InitGeneratorSchema['linker'], host: RustcHost, cwd: string): Promise<{ flags?: string[]; reason?: string }> {
  if (choice === undefined) return {};
  if (choice === 'default' || choice === 'system') return { flags: [], reason: "linker: rustc's default (no -fuse-ld flag)" };
  const decision = await decideLinker(choice, host, cwd);
  return { flags: decision.flags, reason: decision.reason };
}

export default async function initGenerator(tree: Tree, options: InitGeneratorSchema): Promise<void> {
  const started = Date.now();
  const force = options.force ?? false;
  const withDeps = (options.deps ?? false) && !options.skipDeps;
  if (options.cpu === 'native') logger.warn(`rust-perf: ${NATIVE_WARNING}`);
  const search = selectCargoRoots(treeReader(tree), cargoRootsOption(options.cargoRoot));
  for (const s of search.skipped) logger.warn(`rust-perf: skipped ${s.manifestPath}: ${s.reason}`);
  if (search.roots.length > 1) logger.info(`rust-perf: ${search.roots.length} Cargo roots: ${search.roots.map((r) => r.manifestPath).join(', ')}`);

  const writes = new PendingWrites(tree);
  const kept: string[] = [];
  const summaries: string[] = [];
  // The linker is one choice for the repository; it is proven once, on the first root.
  let linker: { flags?: string[]; reason?: string } | undefined;
  for (const root of search.roots) {
    const manifestPath = root.manifestPath;
    const configPath = joinPath(root.dir, '.cargo/config.toml');
    const parts: string[] = [];
    logger.info(`rust-perf: Cargo ${root.kind === 'workspace' ? 'workspace' : 'package'} ${manifestPath} (${root.packages.join(', ') || 'no packages'})`);

    if (!options.skipProfiles || withDeps) {
      const text = writes.read(manifestPath)!;
      const edit = (t: string, values: Parameters<typeof applyValues>[1]) => applyValues(t, values, { force, file: manifestPath, groups: INTENT_GROUPS });
      const all = options.skipProfiles ? [] : profileValues({ lto: options.lto ?? DEFAULT_PROFILE_OPTIONS.lto, panic: options.panic ?? DEFAULT_PROFILE_OPTIONS.panic });
      const profiles = options.keepEverydayProfiles ? keepEverydayValues(text, manifestPath, all, (t, v) => edit(t, v).text) : all;
      const result = edit(text, profiles);
      kept.push(...result.kept.map((k) => describeKept(k, manifestPath)), ...result.groupKept.map((g) => describeGroupKept(g, manifestPath, INTENT_GROUPS)));
      for (const n of result.notes) logger.info(`rust-perf: ${n}`);
      let next = result.text;
      // [workspace.dependencies] in a lone package's manifest would turn it into a workspace root.
      if (withDeps && root.kind === 'package') {
        logger.info(`rust-perf: --deps: ${manifestPath} has no [workspace], so no [workspace.dependencies] were written there (cargo would make it a workspace); for one crate use nx g rust-perf:crate-deps --project ${root.packages[0]} --preset …`);
      } else if (withDeps) {
        const deps = planWorkspaceDeps(parseToml(next, manifestPath), manifestPath, force);
        next = applyValues(next, deps.values, { force: true, file: manifestPath }).text;
        kept.push(...deps.kept);
        for (const r of deps.report) logger.info(`rust-perf: ${r}`);
        parts.push(`${deps.values.length} [workspace.dependencies] entr${deps.values.length === 1 ? 'y' : 'ies'} added or merged`);
      }
      writes.write(manifestPath, next);
      if (!options.skipProfiles) for (const line of describeEverydayChanges(everydayChanges(text, result.text, manifestPath), manifestPath)) logger.info(`rust-perf: ${line}`);
      const keptCount = result.kept.length + result.groupKept.reduce((n, g) => n + g.skipped.length, 0);
      parts.unshift(`${result.set.length} profile value(s) set, ${keptCount} kept`);
    }

    if (!options.skipConfig) {
      const t = Date.now();
      const onDisk = existsSync(join(tree.root, root.dir));
      // rustc runs in the Cargo root so its rust-toolchain file applies (the Tree root is virtual in tests).
      const cwd = onDisk ? join(tree.root, root.dir) : tmpdir();
      // This root's config files and target cfgs, each read once (as an executor run reads them).
      const facts = new RunContext(cwd, process.env);
      const host = await rustcHost(cwd);
      if (linker === undefined) {
        linker = await linkerFlags(options.linker, host, cwd);
        if (linker.reason) logger.info(`rust-perf: ${linker.reason} [${((Date.now() - t) / 1000).toFixed(1)}s]`);
      }
      const existing = writes.read(configPath);
      // Parsed first so a malformed file is reported by its workspace path.
      const existingDoc = existing === null ? null : parseToml(existing, configPath);
      // Cargo also joins target tables of the config files above the root and in $CARGO_HOME.
      const configAbs = resolve(tree.root, configPath);
      const otherConfigs = onDisk ? facts.cargoConfigs().filter((c) => resolve(c.file) !== configAbs) : [];
      const tripleCfg: Record<string, string[] | null> = {};
      for (const triple of userTriples([...(existingDoc === null ? [] : [existingDoc]), ...otherConfigs.map((c) => c.table)])) {
        tripleCfg[triple] = await facts.cfg(triple).catch(() => null);
      }
      const plan = planCargoConfig({ existing, file: configPath, cpu: options.cpu, linkerFlags: linker.flags, host, force, tripleCfg, otherConfigs });
      if (plan.text !== null) writes.write(configPath, plan.text);
      for (const n of plan.notes) logger.info(`rust-perf: ${n}`);
      kept.push(...plan.kept);
      const flags = plan.text === null ? [] : configFlags(plan.text, configPath);
      parts.push(`${configPath}: ${flags.length === 0 ? 'no rustflags' : `rustflags ${flags.join(' ')}`}`);
    }
    summaries.push(`rust-perf: ${manifestPath}: ${parts.join('; ')}`);
  }

  // Outputs are not sources: an unignored dist/ makes cargo rerun build scripts that emit no rerun-if-changed.
  const ignores: { path: string; why: string }[] = [];
  if (existsSync(tree.root) && (await gitIgnores(tree.root, `${OUTPUT_ROOT}/`)) === false) {
    ignores.push({ path: `/${OUTPUT_ROOT}/`, why: OUTPUTS_WHY });
  }
  const nxJson = readNxJson(tree);
  // A workspace made with `npm i -D nx` has no nx.json: init creates it and ignores what Nx writes, as nx init does.
  if (nxJson === null) {
    for (const e of NX_IGNORES) if (!existsSync(tree.root) || (await gitIgnores(tree.root, `${e.path}/`)) !== true) ignores.push(e);
  }
  const gitignore = gitignoreWith(writes.read('.gitignore'), ignores);
  if (gitignore.text !== null) {
    writes.write('.gitignore', gitignore.text);
    const outputs = gitignore.added.includes(`/${OUTPUT_ROOT}/`) ? `: rust-perf writes its outputs under /${OUTPUT_ROOT}/, and cargo reruns build scripts without rerun-if-changed whenever an unignored file of the package changes` : '';
    logger.info(`rust-perf: added ${gitignore.added.join(', ')} to .gitignore${outputs}`);
  }

  const nextNxJson = await withDefaultBase(tree.root, updatedNxJson(nxJson ?? { $schema: './node_modules/nx/schemas/nx-schema.json' } as NxJsonConfiguration, search.roots.map((r) => r.dir)));
  const changed = writes.commit();
  if (nxJson === null || !sameTomlValue(nxJson, nextNxJson)) {
    // updateNxJson does nothing when nx.json does not exist (Nx 24), so a new one is written as JSON.
    if (nxJson === null) writeJson(tree, 'nx.json', nextNxJson);
    else updateNxJson(tree, nextNxJson);
    changed.push(nxJson === null ? 'nx.json (created)' : 'nx.json');
  }
  for (const line of summaries) logger.info(line);
  reportKept(kept);
  logger.info(`rust-perf: init ${changed.length === 0 ? 'changed nothing (already up to date)' : `updated ${changed.join(', ')}`} [${((Date.now() - started) / 1000).toFixed(1)}s]`);
}

/** Every rustflag of the config, once each, for the summary line. */
function configFlags(text: string, file: string): string[] {
  return flagUnits(configRustflags(parseToml(text, file))).map((u) => u.join(' ')).filter((u, i, all) => all.indexOf(u) === i);
}
