import { binaryExecutor, REPORT_CONFIGURATIONS } from './configurations';
import type { BuildKind } from '../cargo/build';

// Which builds a perf-report runs: exactly the configurations asked for. A configuration another
// target produces (build-release, build-native, build-pgo, build-bolt) comes from that target, run
// through Nx so its cache applies; the others perf-report builds itself. A static dependsOn on every
// build target ran build-native (70 s) for `--configurations=release,pgo`.

/** Configurations whose binary is another target's output, by that target's executor (thp runs release's binary). */
export const CONFIGURATION_EXECUTORS: Readonly<Record<string, string>> = Object.fromEntries(REPORT_CONFIGURATIONS.flatMap((c) => (binaryExecutor(c) ? [[c.name, binaryExecutor(c)!]] : [])));

/** Configurations perf-report compiles itself from another target's output (pgo+native needs pgo-profile's profile). */
export const CONFIGURATION_INPUTS: Readonly<Record<string, string>> = Object.fromEntries(REPORT_CONFIGURATIONS.flatMap((c) => ('needs' in c.binary && c.binary.needs ? [[c.name, c.binary.needs]] : [])));

export interface ReportBuildPlan {
  /** Nx targets of the project to run first, in the order of the configurations that need them (none twice). */
  nxTargets: string[];
  /** Configuration → the Nx target whose output holds its binary. */
  fromTarget: Record<string, string>;
  /** Configurations perf-report compiles itself, each in its own target dir. */
  ownBuilds: string[];
}

export class MissingBuildTargetError extends Error {}

/**
 * `targets` maps a target name of the project to its executor (project.json or inferred). When
 * several targets use one executor, the one of the default name wins, else the first.
 */
export function reportBuildPlan(wanted: readonly string[], targets: Readonly<Record<string, string | undefined>>, project: string): ReportBuildPlan {
  const plan: ReportBuildPlan = { nxTargets: [], fromTarget: {}, ownBuilds: [] };
  const targetFor = (configuration: string, executor: string) => {
    const names = Object.keys(targets).filter((t) => targets[t] === executor);
    const name = names.find((t) => `rust-perf:${t}` === executor) ?? names[0];
    if (name === undefined) throw new MissingBuildTargetError(`perf-report's ${configuration} configuration needs the output of a ${executor} target, and ${project} has none: add one (rust-perf infers it for a crate with a binary), or leave ${configuration} out of --configurations.`);
    if (!plan.nxTargets.includes(name)) plan.nxTargets.push(name);
    return name;
  };
  for (const configuration of wanted) {
    const executor = CONFIGURATION_EXECUTORS[configuration];
    if (executor !== undefined) {
      plan.fromTarget[configuration] = targetFor(configuration, executor);
      continue;
    }
    plan.ownBuilds.push(configuration);
    const input = CONFIGURATION_INPUTS[configuration];
    if (input !== undefined) targetFor(configuration, input);
  }
  return plan;
}


/**
 * Compile-time changes compare like with like: only cold builds are compared with the baseline's
 * cold build; an incremental rebuild's seconds are shown, marked, and left out of the comparison.
 */
export function comparableBuild(kind: BuildKind | undefined, baselineKind: BuildKind | undefined): boolean {
  return kind === 'cold' && baselineKind === 'cold';
}
