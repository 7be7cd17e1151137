// Pure: one crate's facts in, its Nx project configuration out (targets, named inputs, metadata).
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import { atomizedBenchTargets, dependencySourcesInput } from './bench-targets';
import { boltVersionCommand, cpuKeyCommand, HOST_CPU_INPUT, rustNamedInputs, type CrateModel, type InputDefinition, type TargetContext } from './crate-inputs';
import type { NormalizedPluginOptions } from './options';
import { outputPaths } from '../core/layout/output-paths';

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
