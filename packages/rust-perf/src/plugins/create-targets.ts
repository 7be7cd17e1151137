// Pure: one crate's facts in, its Nx project configuration out (targets, named inputs, metadata).
import type { BenchKind } from '../core/bench/kinds/detect';
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { posix } from 'node:path';
// Only node builtins load with it: the runner and the TOML parser are required on use.
import { HOST_CPU_ARGS } from '../core/cargo/cpu-key';
import { atomizedBenchTargets, dependencySourcesInput } from './bench-targets';
import type { NormalizedPluginOptions } from './options';
import { outputPaths } from '../core/layout/output-paths';

type InputDefinition = Exclude<NonNullable<TargetConfiguration['inputs']>[number], string>;

/** What inference knows about one Cargo package; JSON-serialisable (it is what the cache stores). */
export interface CrateModel {
  /** Cargo package name (what `cargo -p` takes). */
  name: string;
  /** Nx project name: the package name, qualified by its Cargo root when several roots hold that name (project-names.ts). */
  project: string;
  /** Package folder relative to the Nx root (`.` for the Nx root itself). */
  root: string;
  /** Folder of the Cargo workspace root manifest; the package folder when standalone. */
  cargoRoot: string;
  /** The package's Cargo.toml relative to the Nx root. */
  file: string;
  description?: string;
  bins: string[];
  /** Criterion benches (harness = false or auto-discovered). */
  benches: string[];
  /** Benches left out of rust-perf's targets, and what left them out (skip-benches in the manifest, skipBenches in nx.json). */
  skippedBenches?: Array<{ name: string; by: string }>;
  /** Every bench target's root file relative to the package folder (set when there are criterion benches). */
  benchFiles?: Array<{ name: string; path: string }>;
  /** Each bench's kind (criterion, divan, libtest, latency), shown in the atomized targets' metadata. */
  benchKinds?: Record<string, BenchKind>;
  /** `[package.metadata.rust-perf].workload` as written. */
  workload?: unknown;
  /** The workspace root manifest defines `[profile.production]`. */
  productionProfile: boolean;
  /** `[lib] proc-macro = true`: nothing it builds is a program or links into one as it is. */
  procMacro?: boolean;
  /** Projects with a binary that depend on this library (normal dependencies, transitively): its PGO happens there. */
  usedByBins?: string[];
  /** Target and build-script paths the manifest names outside cargo's default folders, relative to the package folder. */
  sourcePaths?: string[];
  /** Folders of other Cargo.toml files inside this package's folder, relative to it (members, other Cargo roots). */
  nestedRoots?: string[];
}

/** What a project's targets need besides the crate itself; computed once per createNodes call. */
export interface TargetContext {
  /** Folders (relative to the Nx root) the targets write to: never inputs, whatever the project root. */
  outputFolders: readonly string[];
  /** rust-perf's CLI as Nx's shell reaches it from the workspace root (for cpuKeyCommand). */
  cli: string;
  /** Target names whose options (nx.json targetDefaults) ask for target-cpu=native themselves: they always key on the CPU. */
  nativeByOptions?: ReadonlySet<string>;
}

export const RUSTC_VERSION_INPUT = 'rustc -vV';
/**
 * Identifies the host CPU for build-native's cache key, portably (no /proc/cpuinfo): one rustc call
 * prints both the enabled target features of `target-cpu=native` (`--print cfg`) and the CPU model
 * LLVM detects (`--print target-cpus`: "native ... (currently znver4)"). Measured at ~30 ms.
 */
export const HOST_CPU_INPUT = `rustc ${HOST_CPU_ARGS.join(' ')}`;

/**
 * The runtime input of cached builds that compile with the user's rustflags: `rust-perf cpu-key`
 * prints the host CPU identity (HOST_CPU_INPUT's output) only when the rustflags cargo would use
 * there (config tables matching the host, RUSTFLAGS, CARGO_ENCODED_RUSTFLAGS) say target-cpu=native,
 * and a constant otherwise, so portable builds still share a cache across machines.
 */
export function cpuKeyCommand(cliFromWorkspaceRoot: string, cargoRoot: string): string {
  const quote = (s: string) => (/^[\w./@+-]+$/.test(s) ? s : JSON.stringify(s));
  return `node ${quote(cliFromWorkspaceRoot)} cpu-key ${quote(cargoRoot)}`;
}

/**
 * Cargo.lock's content as a runtime input: Nx hashes only files git tracks, and libraries often
 * git-ignore their lockfile, so a dependency moved in it would restore a binary built from the old
 * versions. `rust-perf lock-hash` prints its sha256: one Node start per Cargo root per Nx run (measured
 * 84.6 ms of CPU against 82.4 ms for `node -e 0`).
 */
export function lockHashCommand(cliFromWorkspaceRoot: string, cargoRoot: string): string {
  return cpuKeyCommand(cliFromWorkspaceRoot, cargoRoot).replace(/ cpu-key /, ' lock-hash ');
}

/**
 * The llvm-bolt the executors would pick (LLVM_BOLT, else llvm-bolt-<rustc's LLVM major>, else
 * llvm-bolt), for bolt-profile's and build-bolt's cache key: another BOLT lays out code differently.
 * `rust-perf bolt-version` prints "no llvm-bolt" instead of failing, so the task runs and explains how to install it.
 */
export function boltVersionCommand(cliFromWorkspaceRoot: string, cargoRoot: string): string {
  return cpuKeyCommand(cliFromWorkspaceRoot, cargoRoot).replace(/ cpu-key /, ' bolt-version ');
}

const file = (cargoRoot: string, name: string) => (cargoRoot === '.' ? `{workspaceRoot}/${name}` : `{workspaceRoot}/${cargoRoot}/${name}`);

/**
 * Folders inside the project that are never sources: cargo's target/, the targets' output folders,
 * and, for a package at the Nx root, Nx's and npm's own folders. Nx's `{projectRoot}/**\/*` would
 * otherwise hash what the targets write, so each run would change its own inputs (any layout).
 */
export function nonSourceFolders(projectRoot: string | undefined, outputFolders: readonly string[]): string[] {
  const folders = ['target'];
  if (projectRoot === '.') folders.push('.nx', 'node_modules');
  if (projectRoot !== undefined) {
    for (const out of outputFolders) {
      const rel = posix.relative(projectRoot, out);
      if (rel === '' || rel.startsWith('..') || posix.isAbsolute(rel)) continue;
      if (!folders.some((f) => rel === f || rel.startsWith(`${f}/`))) folders.push(rel);
    }
  }
  return folders;
}

/** The Cargo root and the folders above it up to the Nx root, nearest first: cargo and rustup read config and toolchain files in each. */
function enclosingFolders(cargoRoot: string): string[] {
  const folders: string[] = [];
  for (let dir = cargoRoot; ; dir = posix.dirname(dir)) {
    folders.push(dir);
    if (dir === '.' || dir === '/' || dir === '') break;
  }
  return folders;
}

/**
 * The files of one Cargo root that change what its builds produce. Each root keys on its own
 * manifest and lockfile (a Cargo.lock change in apps/a reruns only apps/a's targets); a project
 * also keys on the `.cargo/config.toml` and toolchain files of the folders above its root, which
 * cargo and rustup read as well. nx.json's copy (no project root) lists the root's own files only.
 */
export function cargoRootFiles(cargoRoot: string, withEnclosing: boolean): string[] {
  const above = withEnclosing ? enclosingFolders(cargoRoot).slice(1) : [];
  const perFolder = (dir: string) => [file(dir, '.cargo/config.toml'), ...(withEnclosing ? [file(dir, '.cargo/config')] : [])];
  return [
    file(cargoRoot, 'Cargo.toml'),
    file(cargoRoot, 'Cargo.lock'),
    ...perFolder(cargoRoot),
    file(cargoRoot, 'rust-toolchain'),
    file(cargoRoot, 'rust-toolchain.toml'),
    ...above.flatMap((dir) => [...perFolder(dir), file(dir, 'rust-toolchain'), file(dir, 'rust-toolchain.toml')]),
  ];
}

/** Cargo's default target folders: what a package's compile reads besides its manifest, build script and named paths. */
const CARGO_SOURCE_FOLDERS = ['src', 'benches', 'examples', 'tests'];

/** What decides a crate's rustSources beyond its root: its named paths and the Cargo.toml folders inside it. */
export type CrateSourceFacts = Pick<CrateModel, 'root' | 'cargoRoot' | 'sourcePaths' | 'nestedRoots'>;

/**
 * A root crate (its folder is its Cargo root, often the repository's root) shares its folder with
 * what no compile reads — .github/, docs, codecov.yml, package.json, nx.json, a Makefile, other
 * Cargo roots — so its sources are listed: src/, build.rs, benches/, examples/, tests/ and every
 * path its manifest names. A member crate's folder is its own: all of it, as before.
 */
function rootCrateSources(crate: CrateSourceFacts, excluded: readonly string[]): string[] {
  const included = [...CARGO_SOURCE_FOLDERS.map((f) => `{projectRoot}/${f}/**/*`), '{projectRoot}/build.rs'];
  for (const p of crate.sourcePaths ?? []) {
    const rel = posix.normalize(p).replace(/^\.\//, '');
    if (rel.startsWith('..') || posix.isAbsolute(rel) || CARGO_SOURCE_FOLDERS.some((f) => rel.startsWith(`${f}/`))) continue;
    // A target's modules sit beside its root file: its folder, or the top-level .rs files when it is at the root.
    const dir = posix.dirname(rel);
    const pattern = dir === '.' ? (rel.endsWith('.rs') ? '{projectRoot}/*.rs' : `{projectRoot}/${rel}`) : `{projectRoot}/${dir}/**/*`;
    if (!included.includes(pattern)) included.push(pattern);
  }
  const inside = (folder: string) => included.some((i) => i.startsWith(`{projectRoot}/${folder.split('/')[0]}/`));
  const out = [...(crate.nestedRoots ?? []), ...excluded].filter(inside).map((f) => `!{projectRoot}/${f}/**`);
  return [...included, '!{projectRoot}/**/*.md', ...out];
}

export function isRootCrate(crate: CrateSourceFacts): boolean {
  return crate.root === crate.cargoRoot || crate.root === '.';
}

/** A crate's rustSources; see rootCrateSources for a crate at its Cargo root. */
export function rustSourcePatterns(projectRoot: string | undefined, outputFolders: readonly string[], crate?: CrateSourceFacts): string[] {
  const excluded = nonSourceFolders(projectRoot, outputFolders);
  if (crate !== undefined && isRootCrate(crate)) return rootCrateSources(crate, excluded);
  return ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', ...excluded.map((f) => `!{projectRoot}/${f}/**`)];
}

export interface NamedInputFacts {
  /** The crate (root, Cargo root, named paths, nested manifests): a root crate's sources are listed. */
  crate?: CrateSourceFacts;
  /** rust-perf's CLI from the workspace root: the lockfile's content becomes a runtime input. */
  cli?: string;
}

/** Named inputs of a crate; without a project root (nx.json's copy written by init) only target/ is left out. */
export function rustNamedInputs(cargoRoot: string, projectRoot?: string, outputFolders: readonly string[] = [], facts: NamedInputFacts = {}): Record<string, Array<string | InputDefinition>> {
  return {
    rustSources: rustSourcePatterns(projectRoot, outputFolders, facts.crate),
    rustWorkspace: [
      ...cargoRootFiles(cargoRoot, projectRoot !== undefined),
      ...(facts.cli !== undefined ? [{ runtime: lockHashCommand(facts.cli, cargoRoot) }] : []),
      { runtime: RUSTC_VERSION_INPUT },
      { env: 'RUSTFLAGS' },
      { env: 'CARGO_ENCODED_RUSTFLAGS' },
    ],
  };
}

const BASE_INPUTS = ['rustSources', '^rustSources', 'rustWorkspace'];

// What `nx show project` offers as an example: an option worth changing, not the inferred options
// again (those are shown beside it; repeating them made the createNodes payload ~8% larger).
const HELP_EXAMPLES: Record<string, Record<string, unknown>> = {
  'build-release': { profile: 'production', locked: true },
  'build-native': { profile: 'production' },
  'pgo-profile': { workload: [{ bin: 'my-service', args: ['--replay', 'fixtures/day.bin'] }], allowWorkloadFailure: false },
  'build-pgo': { cpu: 'native' },
  bench: { baseline: 'main', failOnRegression: true },
  flamegraph: { frequency: 1999 },
  'perf-report': { runs: 9 },
  'bolt-profile': { workload: [{ bin: 'my-service', args: ['--replay', 'fixtures/day.bin'] }] },
  'build-bolt': { boltOptions: ['-reorder-blocks=ext-tsp', '-reorder-functions=cdsort'] },
  doctor: { json: true },
};
// Nx 24 rejects '{workspaceRoot}/{options.outputPath}' as a glob from the root; '{options.outputPath}' is relative to the root already.
const OUTPUTS = ['{options.outputPath}'];

function target(
  executor: string,
  project: string,
  targetName: string,
  options: Record<string, unknown>,
  cache: boolean,
  description: string,
  inputs: Array<string | InputDefinition> = BASE_INPUTS,
): TargetConfiguration {
  return {
    executor: `rust-perf:${executor}`,
    options,
    cache,
    inputs: [...inputs],
    outputs: [...OUTPUTS],
    metadata: {
      description,
      technologies: ['rust'],
      help: { command: `npx nx run ${project}:${targetName} --help`, example: { options: HELP_EXAMPLES[executor] } },
    },
  };
}

/** A `[package.metadata.rust-perf].workload` with a `{ command = [...] }` entry runs something even for a library. */
function workloadNamesCommand(workload: unknown): boolean {
  return Array.isArray(workload) && workload.some((e) => !!e && typeof e === 'object' && 'command' in e);
}

/** Why a crate has no PGO targets, for `nx show project` (metadata.rust-perf.notes); short, as it is repeated per library. */
function pgoNote(crate: CrateModel, names: NormalizedPluginOptions): string {
  if (crate.procMacro) return `${crate.project} is a proc-macro: it runs inside rustc and is never part of a program, so it has no build, PGO or perf-report targets.`;
  const users = crate.usedByBins ?? [];
  const via =
    users.length > 0
      ? `\`nx run ${users[0]}:${names.buildPgoTargetName}\` optimizes its code as part of ${users[0]}${users.length > 1 ? ` (also linked by ${users.slice(1).join(', ')})` : ''}`
      : `run ${names.buildPgoTargetName} of a crate with a binary that links it`;
  return (
    `${crate.project} is a library: no ${names.pgoProfileTargetName}/${names.buildPgoTargetName}, as PGO optimizes a program and its own build links none. ` +
    `Its PGO happens through the binaries that use it: ${via}. To profile it directly, give it a workload = [{ command = [...] }].`
  );
}

/** The crate without the benches nx.json's skipBenches names ("<project>:<bench>"); the manifest's skip-benches are out already. */
export function withoutSkippedBenches(crate: CrateModel, names: Pick<NormalizedPluginOptions, 'skipBenches'>): CrateModel {
  const skipped = crate.benches.filter((b) => names.skipBenches.includes(`${crate.project}:${b}`));
  if (skipped.length === 0) return crate;
  const by = 'nx.json plugin option skipBenches';
  return { ...crate, benches: crate.benches.filter((b) => !skipped.includes(b)), skippedBenches: [...(crate.skippedBenches ?? []), ...skipped.map((name) => ({ name, by }))] };
}

/**
 * What the inferred flamegraph records: the first bin or bench of the manifest's workload (what
 * pgo-profile runs first), else the only binary, else (no binary) the first bench. A crate with
 * several binaries and no workload gets none here: the executor picks from cargo metadata, which
 * knows default-run and each binary's required-features.
 */
export function flamegraphSubject(crate: CrateModel): { bin: string } | { bench: string } | undefined {
  const first = Array.isArray(crate.workload) ? (crate.workload as unknown[]).find((e) => !!e && typeof e === 'object' && ('bin' in e || 'bench' in e)) : undefined;
  const entry = first as { bin?: unknown; bench?: unknown } | undefined;
  if (typeof entry?.bin === 'string' && crate.bins.includes(entry.bin)) return { bin: entry.bin };
  if (typeof entry?.bench === 'string') return { bench: entry.bench };
  if (crate.bins.length === 1) return { bin: crate.bins[0] };
  if (crate.bins.length === 0 && crate.benches.length > 0) return { bench: crate.benches[0] };
  return undefined;
}

export function createProjectConfiguration(inferred: CrateModel, names: NormalizedPluginOptions, context: TargetContext): ProjectConfiguration {
  const crate = withoutSkippedBenches(inferred, names);
  const project = crate.project;
  const base = { cargoRoot: crate.cargoRoot, package: crate.name };
  const what = crate.bins.length > 0 ? `the binaries of ${project} (${crate.bins.join(', ')})` : `${project}`;
  const out = names.outputRoot;
  const profdata = outputPaths.profdata(project, out);
  const pgoProfile = crate.productionProfile ? 'production' : 'release';
  // Builds that compile with the user's rustflags key on the CPU when those flags say target-cpu=native.
  const cpuInputs = (targetName: string): InputDefinition[] => [context.nativeByOptions?.has(targetName) ? { runtime: HOST_CPU_INPUT } : { runtime: cpuKeyCommand(context.cli, crate.cargoRoot) }];
  // A proc-macro runs inside rustc: no build of it is a program. A library's PGO runs through its binaries.
  const builds = !crate.procMacro;
  const pgo = builds && (crate.bins.length > 0 || workloadNamesCommand(crate.workload));

  const targets: Record<string, TargetConfiguration> = {};
  if (builds) {
    targets[names.buildReleaseTargetName] = target(
      'build-release',
      project,
      names.buildReleaseTargetName,
      { ...base, profile: 'release', outputPath: outputPaths.build(project, 'release', out) },
      true,
      `Build ${what} with cargo's release profile; copies the artifacts to ${outputPaths.build(project, 'release', out)}.`,
      [...BASE_INPUTS, ...cpuInputs(names.buildReleaseTargetName)],
    );
    targets[names.buildNativeTargetName] = target(
      'build-native',
      project,
      names.buildNativeTargetName,
      { ...base, profile: 'release', outputPath: outputPaths.build(project, 'native', out) },
      true,
      `Build ${what} with -C target-cpu=native for this machine's CPU; the cache key includes the CPU model and features, so a binary is never restored on another CPU.`,
      [...BASE_INPUTS, { runtime: HOST_CPU_INPUT }],
    );
  }
  if (pgo) {
    targets[names.pgoProfileTargetName] = target(
      'pgo-profile',
      project,
      names.pgoProfileTargetName,
      // The instrumented build uses build-pgo's profile, so the profile describes the code it optimizes.
      { ...base, profile: pgoProfile, ...(crate.workload !== undefined ? { workload: crate.workload } : {}), outputPath: outputPaths.pgoProfile(project, out) },
      true,
      `Build ${project} instrumented, run its workload (${crate.workload !== undefined ? '[package.metadata.rust-perf].workload' : 'its criterion benches'}) and merge the profiles into ${profdata}.`,
      [...BASE_INPUTS, ...cpuInputs(names.pgoProfileTargetName)],
    );
    targets[names.buildPgoTargetName] = {
      ...target(
        'build-pgo',
        project,
        names.buildPgoTargetName,
        { ...base, profile: pgoProfile, profdata, outputPath: outputPaths.build(project, 'pgo', out) },
        true,
        `Build ${what} with -Cprofile-use=${profdata} (from ${names.pgoProfileTargetName}) and the ${pgoProfile} profile.`,
        [...BASE_INPUTS, ...cpuInputs(names.buildPgoTargetName), { dependentTasksOutputFiles: '**/*.profdata' }],
      ),
      dependsOn: [names.pgoProfileTargetName],
    };
  }

  if (crate.benches.length > 0) {
    targets[names.benchTargetName] = {
      ...target(
        'bench',
        project,
        names.benchTargetName,
        { ...base, benches: [...crate.benches], outputPath: outputPaths.bench(project, out) },
        false,
        `Run the criterion benches of ${project} (${crate.benches.join(', ')}) and write summary.json and summary.md to ${outputPaths.bench(project, out)}.`,
      ),
      // Two benches timed at once slow each other down: `nx affected -t bench` runs them one at a time.
      parallelism: false,
    };
  }
  const atomized = crate.benches.length > 0 && names.atomizeBenches ? atomizedBenchTargets(crate, names, context) : undefined;
  if (atomized) Object.assign(targets, atomized.targets);
  const subject = flamegraphSubject(crate);
  if (subject || crate.bins.length > 0) {
    const recorded = subject === undefined ? `the first of its binaries that builds without required-features (cargo's default-run first)` : 'bin' in subject ? `the ${subject.bin} binary` : `the ${subject.bench} bench`;
    targets[names.flamegraphTargetName] = target(
      'flamegraph',
      project,
      names.flamegraphTargetName,
      { ...base, ...subject, outputPath: outputPaths.flamegraph(project, out) },
      false,
      `Record ${recorded} under perf and render an SVG flamegraph to ${outputPaths.flamegraph(project, out)}.`,
    );
  }

  if (pgo && crate.bins.length > 0) {
    // Not cached: it measures this machine. No dependsOn: it runs the build targets of the configurations asked for itself, through Nx (cached).
    targets[names.perfReportTargetName] = {
      ...target(
        'perf-report',
        project,
        names.perfReportTargetName,
        { ...base, pgoProfile, profdata, outputPath: outputPaths.perfReport(project, out) },
        false,
        `Measure dev, release, native, fat-LTO, PGO and PGO+native builds of ${project} on its workload (--configurations picks some; it runs only their builds); writes report.json, report.md and report.svg to ${outputPaths.perfReport(project, out)}.`,
      ),
    };
  }

  if (pgo && crate.bins.length > 0) {
    // BOLT rewrites a linked binary: only crates with one get it. The PGO profile (when pgo-profile
    // made one) is the input build's, so BOLT's layout comes on top of PGO's.
    const boltDir = outputPaths.boltProfile(project, out);
    const boltKey = (targetName: string): Array<string | InputDefinition> => [...BASE_INPUTS, ...cpuInputs(targetName), { runtime: boltVersionCommand(context.cli, crate.cargoRoot) }, { env: 'LLVM_BOLT' }];
    targets[names.boltProfileTargetName] = {
      ...target(
        'bolt-profile',
        project,
        names.boltProfileTargetName,
        { ...base, profile: pgoProfile, profdata, ...(crate.workload !== undefined ? { workload: crate.workload } : {}), outputPath: boltDir },
        true,
        `Build ${what} with relocations kept and ${profdata}, instrument with llvm-bolt, run the workload and merge the profiles into ${boltDir}/<bin>.fdata (beside the input binary, relocs/<bin>).`,
        [...boltKey(names.boltProfileTargetName), { dependentTasksOutputFiles: '**/*.profdata' }],
      ),
      dependsOn: [names.pgoProfileTargetName],
    };
    targets[names.buildBoltTargetName] = {
      ...target(
        'build-bolt',
        project,
        names.buildBoltTargetName,
        { ...base, profileDir: boltDir, outputPath: outputPaths.build(project, 'bolt', out) },
        true,
        `Optimize ${what} with llvm-bolt and the ${names.boltProfileTargetName} profile (block and function layout on top of PGO); writes ${outputPaths.build(project, 'bolt', out)}.`,
        [...boltKey(names.buildBoltTargetName), { dependentTasksOutputFiles: '**/*.fdata' }, { dependentTasksOutputFiles: '**/relocs/*' }],
      ),
      dependsOn: [names.boltProfileTargetName],
    };
  }

  // Not cached and without inputs: it measures this machine (tools, perf access, a real link), not the sources.
  targets[names.doctorTargetName] = {
    executor: 'rust-perf:doctor',
    options: { cargoRoot: crate.cargoRoot },
    cache: false,
    metadata: {
      description: `Check the toolchain and workspace rust-perf needs for ${project}: rustc, a matching llvm-profdata, perf, linker, CPU level, symbols, RUSTFLAGS, allocators.`,
      technologies: ['rust'],
      help: { command: `npx nx run ${project}:${names.doctorTargetName} --help`, example: { options: HELP_EXAMPLES.doctor } },
    },
  };

  const notes = [...(pgo ? [] : [pgoNote(crate, names)]), ...(crate.skippedBenches ?? []).map((b) => `bench ${b.name} has no rust-perf target (left out by ${b.by}).`)];
  return {
    name: project,
    root: crate.root,
    projectType: crate.bins.length > 0 ? 'application' : 'library',
    namedInputs: { ...rustNamedInputs(crate.cargoRoot, crate.root, context.outputFolders, { crate, cli: context.cli }), ...(names.atomizeBenches ? dependencySourcesInput(crate, context) : {}) },
    targets,
    metadata: {
      technologies: ['rust'],
      ...(crate.description !== undefined ? { description: crate.description } : {}),
      ...(notes.length > 0 ? { 'rust-perf': { notes } } : {}),
      ...(atomized ? { targetGroups: atomized.targetGroups } : {}),
    },
  };
}
