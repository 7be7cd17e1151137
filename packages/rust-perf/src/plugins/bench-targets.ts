// Pure: the atomized bench targets of one crate, in the shape of @nx/jest's and @nx/gradle's
// atomizers: one `<bench>--<name>` target per criterion bench, a `<bench>-ci` aggregate that depends
// on all of them, and a target group, so
// Nx's task graph, a remote cache and a CI matrix can place each bench on its own machine.
// Which is which: metadata['rust-perf'].nonAtomizedTarget on the aggregate, atomizedFrom on each bench.
import type { TargetConfiguration } from '@nx/devkit';
import { outputPaths } from '../core/layout/output-paths';
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { cpuKeyCommand, rustNamedInputs, type CrateModel, type TargetContext } from './crate-inputs';
import type { NormalizedPluginOptions } from './options';

/** The group `nx show project` lists the atomized targets under. */
export const BENCH_TARGET_GROUP = 'Bench (CI)';

// Nx splits `project:target:configuration` on colons and the CLI on spaces; kept to a set every shell and Nx accept.
const SAFE_NAME = /^[A-Za-z0-9_-]+$/;

/**
 * The target-name part for a bench: the bench's own name when it is made of letters, digits, `-` and
 * `_` (every name `cargo new`-style crates use), else those characters kept, the others turned into
 * `_`, and a short hash of the real name appended, so two names never meet in one target.
 */
/** `rust-perf compare-refs` from the workspace root (core/bench/gate/compare-refs.ts): the same CLI path as cpu-key's. */
export function compareRefsCommand(cliFromWorkspaceRoot: string): string {
  return cpuKeyCommand(cliFromWorkspaceRoot, '.').replace(/ cpu-key \.$/, ' compare-refs');
}

export function benchNamePart(bench: string): string {
  if (SAFE_NAME.test(bench)) return bench;
  const hash = createHash('sha256').update(bench).digest('hex').slice(0, 8);
  return `${bench.replace(/[^A-Za-z0-9_-]/g, '_')}-${hash}`;
}

export function atomizedBenchTargetName(benchTargetName: string, bench: string): string {
  return `${benchTargetName}--${benchNamePart(bench)}`;
}

/**
 * The crate's files a bench is not built from: the other bench targets' root files (a bench in its
 * own folder, `benches/<name>/main.rs`, owns that folder). Shared helper modules under benches/ stay
 * inputs of every bench, as any of them may `mod` them.
 */
export function otherBenchFiles(crate: CrateModel, bench: string | undefined): string[] {
  const own = crate.benchFiles?.find((f) => f.name === bench)?.path;
  const ownDir = own?.endsWith('/main.rs') ? posix.dirname(own) : undefined;
  const excluded: string[] = [];
  for (const f of crate.benchFiles ?? []) {
    if (f.name === bench || f.path === own) continue;
    const pattern = f.path.endsWith('/main.rs') ? `${posix.dirname(f.path)}/**` : f.path;
    if (ownDir !== undefined && (pattern === `${ownDir}/**` || pattern.startsWith(`${ownDir}/`))) continue;
    if (!excluded.includes(pattern)) excluded.push(pattern);
  }
  return excluded;
}

/** The named input an atomized bench hashes its path dependencies with (`^` + this). */
export const DEPENDENCY_SOURCES_INPUT = 'rustDependencySources';

/**
 * A crate's sources as a crate that depends on it is built from: rustSources without its bench
 * targets' files, which only its own benches compile. Defined on every project (Nx needs a `^` input
 * to exist in each dependency), so a change to one crate's bench file reruns that crate's bench only.
 */
export function dependencySourcesInput(crate: CrateModel, context: TargetContext): Record<string, string[]> {
  const { rustSources } = rustNamedInputs(crate.cargoRoot, crate.root, context.outputFolders, { crate });
  return { [DEPENDENCY_SOURCES_INPUT]: [...(rustSources as string[]), ...otherBenchFiles(crate, undefined).map((f) => `!{projectRoot}/${f}`)] };
}

export interface AtomizedBenches {
  targets: Record<string, TargetConfiguration>;
  targetGroups: Record<string, string[]>;
}

/** Where an atomized bench writes summary.json and summary.md: its own folder, so a CI job can collect them all. */
export function atomizedOutputPath(outputRoot: string, project: string, bench: string): string {
  return outputPaths.benchCi(project, benchNamePart(bench), outputRoot);
}

export function atomizedBenchTargets(crate: CrateModel, names: NormalizedPluginOptions, context: TargetContext): AtomizedBenches {
  const project = crate.project;
  const targets: Record<string, TargetConfiguration> = {};
  const atomized: string[] = [];
  const { rustSources } = rustNamedInputs(crate.cargoRoot, crate.root, context.outputFolders, { crate });
  for (const bench of crate.benches) {
    const targetName = atomizedBenchTargetName(names.benchTargetName, bench);
    const outputPath = atomizedOutputPath(names.outputRoot, project, bench);
    atomized.push(targetName);
    targets[targetName] = {
      executor: 'rust-perf:bench',
      options: { cargoRoot: crate.cargoRoot, package: crate.name, benches: [bench], outputPath },
      // Cached: `nx affected -t bench-ci` after a change to one bench file reruns that bench only; the
      // others' summaries come back from the (remote) cache, keyed on exactly what each is built from.
      cache: true,
      inputs: [
        ...rustSources,
        ...otherBenchFiles(crate, bench).map((f) => `!{projectRoot}/${f}`),
        `^${DEPENDENCY_SOURCES_INPUT}`,
        'rustWorkspace',
        { runtime: cpuKeyCommand(context.cli, crate.cargoRoot) },
        // `--compareRef=<branch>` is the same text while the branch moves: the commit it names now keys the result.
        { runtime: compareRefsCommand(context.cli) },
      ],
      outputs: ['{options.outputPath}'],
      // Two benches timed at once slow each other down; counted runs would not mind, wall-time ones do.
      parallelism: false,
      // Lean on purpose: Nx's cost per project grows with every key of every target (it keeps a source
      // map entry per key), and a crate can have many benches; `technologies` and `help` are on bench-ci.
      metadata: {
        description: `Run the criterion bench ${bench} of ${project} alone (cargo bench -p ${crate.name} --bench ${bench}); writes summary.json and summary.md to ${outputPath}.`,
        // The bench executor reads this: a cache hit here replays a summary of exactly these inputs, by design.
        'rust-perf': { atomizedFrom: names.benchTargetName, ...(crate.benchKinds?.[bench] ? { kind: crate.benchKinds[bench] } : {}) },
      },
    };
  }
  targets[names.benchCiTargetName] = {
    executor: 'nx:noop',
    cache: true,
    // params: 'forward' passes `--compareRef=…` and the other flags given to bench-ci on to every bench.
    // No `projects: 'self'`: Nx 24 refuses it ("no longer supported"); a target without projects is the project's own.
    dependsOn: atomized.map((target) => ({ target, params: 'forward' as const })),
    metadata: {
      description: `Run each criterion bench of ${project} as its own task (${atomized.join(', ')}), so a remote cache or a CI matrix can spread them over machines.`,
      technologies: ['rust'],
      // Not Nx's own `metadata.nonAtomizedTarget`: with it, Nx 24 refuses to run bench-ci unless Nx Cloud
      // is connected ("should only be run with Nx Cloud"), and this gate is meant to run on a plain CI matrix.
      'rust-perf': { nonAtomizedTarget: names.benchTargetName },
      help: { command: `npx nx run ${project}:${names.benchCiTargetName} --help`, example: { options: { compareRef: 'origin/main' } } },
    },
  };
  return { targets, targetGroups: { [BENCH_TARGET_GROUP]: [names.benchCiTargetName, ...atomized] } };
}
