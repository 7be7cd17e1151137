// Pure: one crate's facts in, its Nx project configuration out (targets, named inputs, metadata).
import type { ProjectConfiguration, TargetConfiguration } from '@nx/devkit';
import type { NormalizedPluginOptions } from './options';

type InputDefinition = Exclude<NonNullable<TargetConfiguration['inputs']>[number], string>;

/** What inference knows about one Cargo package; JSON-serialisable (it is what the cache stores). */
export interface CrateModel {
  /** Cargo package name = Nx project name. */
  name: string;
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
  /** `[package.metadata.rust-perf].workload` as written. */
  workload?: unknown;
  /** The workspace root manifest defines `[profile.production]`. */
  productionProfile: boolean;
}

export const RUSTC_VERSION_INPUT = 'rustc -vV';
/**
 * Identifies the host CPU for build-native's cache key, portably (no /proc/cpuinfo): one rustc call
 * prints both the enabled target features of `target-cpu=native` (`--print cfg`) and the CPU model
 * LLVM detects (`--print target-cpus`: "native ... (currently znver4)"). Measured at ~30 ms.
 */
export const HOST_CPU_INPUT = 'rustc -C target-cpu=native --print cfg --print target-cpus';
/**
 * The llvm-bolt the executors would pick (LLVM_BOLT, else llvm-bolt-<rustc's LLVM major>, else
 * llvm-bolt), for bolt-profile's and build-bolt's cache key: another BOLT lays out code differently.
 * Prints "no llvm-bolt" instead of failing, so the task runs and explains how to install it. ~90 ms.
 */
export const BOLT_VERSION_INPUT =
  'for b in "$LLVM_BOLT" "llvm-bolt-$(rustc -vV | sed -n \'s/^LLVM version: \\([0-9]*\\).*/\\1/p\')" llvm-bolt; do if [ -n "$b" ] && command -v "$b" >/dev/null; then exec "$b" --version; fi; done; echo no llvm-bolt';

const file = (cargoRoot: string, name: string) => (cargoRoot === '.' ? `{workspaceRoot}/${name}` : `{workspaceRoot}/${cargoRoot}/${name}`);

export function rustNamedInputs(cargoRoot: string): Record<string, Array<string | InputDefinition>> {
  return {
    rustSources: ['{projectRoot}/**/*', '!{projectRoot}/**/*.md', '!{projectRoot}/target/**'],
    rustWorkspace: [
      file(cargoRoot, 'Cargo.toml'),
      file(cargoRoot, 'Cargo.lock'),
      file(cargoRoot, '.cargo/config.toml'),
      file(cargoRoot, 'rust-toolchain'),
      file(cargoRoot, 'rust-toolchain.toml'),
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

export function createProjectConfiguration(crate: CrateModel, names: NormalizedPluginOptions): ProjectConfiguration {
  const project = crate.name;
  const base = { cargoRoot: crate.cargoRoot, package: crate.name };
  const what = crate.bins.length > 0 ? `the binaries of ${project} (${crate.bins.join(', ')})` : `${project}`;
  const profdata = `dist/pgo/${project}/${project}.profdata`;
  const pgoProfile = crate.productionProfile ? 'production' : 'release';

  const targets: Record<string, TargetConfiguration> = {
    [names.buildReleaseTargetName]: target(
      'build-release',
      project,
      names.buildReleaseTargetName,
      { ...base, profile: 'release', outputPath: `dist/rust/${project}/release` },
      true,
      `Build ${what} with cargo's release profile; copies the artifacts to dist/rust/${project}/release.`,
    ),
    [names.buildNativeTargetName]: target(
      'build-native',
      project,
      names.buildNativeTargetName,
      { ...base, profile: 'release', outputPath: `dist/rust/${project}/native` },
      true,
      `Build ${what} with -C target-cpu=native for this machine's CPU; the cache key includes the CPU model and features, so a binary is never restored on another CPU.`,
      [...BASE_INPUTS, { runtime: HOST_CPU_INPUT }],
    ),
    [names.pgoProfileTargetName]: target(
      'pgo-profile',
      project,
      names.pgoProfileTargetName,
      // The instrumented build uses build-pgo's profile, so the profile describes the code it optimizes.
      { ...base, profile: pgoProfile, ...(crate.workload !== undefined ? { workload: crate.workload } : {}), outputPath: `dist/pgo/${project}` },
      true,
      `Build ${project} instrumented, run its workload (${crate.workload !== undefined ? '[package.metadata.rust-perf].workload' : 'its criterion benches'}) and merge the profiles into ${profdata}.`,
    ),
    [names.buildPgoTargetName]: {
      ...target(
        'build-pgo',
        project,
        names.buildPgoTargetName,
        { ...base, profile: pgoProfile, profdata, outputPath: `dist/rust/${project}/pgo` },
        true,
        `Build ${what} with -Cprofile-use=${profdata} (from ${names.pgoProfileTargetName}) and the ${pgoProfile} profile.`,
        [...BASE_INPUTS, { dependentTasksOutputFiles: '**/*.profdata' }],
      ),
      dependsOn: [names.pgoProfileTargetName],
    },
  };

  if (crate.benches.length > 0) {
    targets[names.benchTargetName] = target(
      'bench',
      project,
      names.benchTargetName,
      { ...base, benches: [...crate.benches], outputPath: `dist/bench/${project}` },
      false,
      `Run the criterion benches of ${project} (${crate.benches.join(', ')}) and write summary.json and summary.md to dist/bench/${project}.`,
    );
  }
  const flamegraphSubject = crate.bins.length > 0 ? { bin: crate.bins[0] } : crate.benches.length > 0 ? { bench: crate.benches[0] } : undefined;
  if (flamegraphSubject) {
    targets[names.flamegraphTargetName] = target(
      'flamegraph',
      project,
      names.flamegraphTargetName,
      { ...base, ...flamegraphSubject, outputPath: `dist/flamegraph/${project}` },
      false,
      `Record ${'bin' in flamegraphSubject ? `the ${flamegraphSubject.bin} binary` : `the ${flamegraphSubject.bench} bench`} under perf and render an SVG flamegraph to dist/flamegraph/${project}.`,
    );
  }

  if (crate.bins.length > 0) {
    // Not cached: it measures this machine. Its release/native/PGO binaries come from those targets' (cached) outputs.
    targets[names.perfReportTargetName] = {
      ...target(
        'perf-report',
        project,
        names.perfReportTargetName,
        { ...base, pgoProfile, profdata, outputPath: `dist/perf-report/${project}` },
        false,
        `Measure dev, release, native, fat-LTO, PGO and PGO+native builds of ${project} on its workload; writes report.json, report.md and report.svg to dist/perf-report/${project}.`,
      ),
      dependsOn: [names.buildReleaseTargetName, names.buildNativeTargetName, names.buildPgoTargetName],
    };
  }

  if (crate.bins.length > 0) {
    // BOLT rewrites a linked binary: only crates with one get it. The PGO profile (when pgo-profile
    // made one) is the input build's, so BOLT's layout comes on top of PGO's.
    const boltDir = `dist/bolt/${project}`;
    const boltKey = [...BASE_INPUTS, { runtime: BOLT_VERSION_INPUT }, { env: 'LLVM_BOLT' }];
    targets[names.boltProfileTargetName] = {
      ...target(
        'bolt-profile',
        project,
        names.boltProfileTargetName,
        { ...base, profile: pgoProfile, profdata, ...(crate.workload !== undefined ? { workload: crate.workload } : {}), outputPath: boltDir },
        true,
        `Build ${what} with relocations kept and ${profdata}, instrument with llvm-bolt, run the workload and merge the profiles into ${boltDir}/<bin>.fdata (beside the input binary, relocs/<bin>).`,
        [...boltKey, { dependentTasksOutputFiles: '**/*.profdata' }],
      ),
      dependsOn: [names.pgoProfileTargetName],
    };
    targets[names.buildBoltTargetName] = {
      ...target(
        'build-bolt',
        project,
        names.buildBoltTargetName,
        { ...base, profileDir: boltDir, outputPath: `dist/rust/${project}/bolt` },
        true,
        `Optimize ${what} with llvm-bolt and the ${names.boltProfileTargetName} profile (block and function layout on top of PGO); writes dist/rust/${project}/bolt.`,
        [...boltKey, { dependentTasksOutputFiles: '**/*.fdata' }, { dependentTasksOutputFiles: '**/relocs/*' }],
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

  return {
    name: project,
    root: crate.root,
    projectType: crate.bins.length > 0 ? 'application' : 'library',
    namedInputs: rustNamedInputs(crate.cargoRoot),
    targets,
    metadata: {
      technologies: ['rust'],
      ...(crate.description !== undefined ? { description: crate.description } : {}),
    },
  };
}
