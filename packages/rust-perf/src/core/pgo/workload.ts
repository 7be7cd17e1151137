// The PGO workload: what runs the instrumented program. From the target's `workload` option, else
// `[package.metadata.rust-perf] workload` in the crate's manifest, else the crate's criterion benches.
import * as path from 'node:path';
import { describeCommand, run } from '../process/run';
import { formatSeconds } from '../progress';
import type { BenchKind } from '../bench/kinds/detect';
import { planFeatures, requiredFeatures, type FeaturePlan, type FeatureTarget } from '../cargo/features';
import { skipBenchesOf } from '../cargo/skip-benches';

export type WorkloadEntry =
  | { bin: string; args?: string[]; timeoutSeconds?: number; graceSeconds?: number; env?: Record<string, string> }
  | { bench: string; args?: string[]; timeoutSeconds?: number; graceSeconds?: number }
  | { command: string[]; timeoutSeconds?: number; graceSeconds?: number; env?: Record<string, string> };

export class WorkloadError extends Error {}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Validates raw entries (from JSON options or TOML metadata); `where` names the source in errors. */
export function parseWorkload(raw: unknown, where: string): WorkloadEntry[] {
  if (!Array.isArray(raw)) throw new WorkloadError(`${where}: workload must be an array of { bin, args? } | { bench, args? } | { command: [...] }`);
  return raw.map((entry: unknown, i): WorkloadEntry => {
    const at = `${where}: workload[${i}]`;
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) throw new WorkloadError(`${at} must be a table like { bin = "name", args = ["..."] }`);
    const e = entry as Record<string, unknown>;
    const kinds = ['bin', 'bench', 'command'].filter((k) => k in e);
    if (kinds.length !== 1) throw new WorkloadError(`${at} needs exactly one of bin, bench or command (found: ${kinds.join(', ') || 'none'})`);
    if (e.args !== undefined && !isStringArray(e.args)) throw new WorkloadError(`${at}.args must be an array of strings`);
    for (const k of ['timeoutSeconds', 'graceSeconds'])
      if (e[k] !== undefined && (typeof e[k] !== 'number' || !((e[k] as number) > 0))) throw new WorkloadError(`${at}.${k} must be a positive number`);
    if (e.env !== undefined && (typeof e.env !== 'object' || e.env === null || Object.values(e.env).some((v) => typeof v !== 'string')))
      throw new WorkloadError(`${at}.env must be a table of strings`);
    const common = { timeoutSeconds: e.timeoutSeconds as number | undefined, graceSeconds: e.graceSeconds as number | undefined };
    if (typeof e.bin === 'string' && e.bin) return { bin: e.bin, args: (e.args as string[] | undefined) ?? [], env: e.env as Record<string, string> | undefined, ...common };
    if (typeof e.bench === 'string' && e.bench) return { bench: e.bench, args: (e.args as string[] | undefined) ?? [], ...common };
    if (isStringArray(e.command) && e.command.length > 0) return { command: e.command, env: e.env as Record<string, string> | undefined, ...common };
    throw new WorkloadError(`${at}: ${kinds[0]} must be a non-empty ${kinds[0] === 'command' ? 'array of strings' : 'string'}`);
  });
}

export interface PackageInfo {
  name: string;
  manifestPath: string;
  metadata: unknown;
  bins: string[];
  benches: string[];
  /** The package depends on criterion (so its benches understand `--profile-time`). */
  usesCriterion?: boolean;
  /** Each bench's kind (core/bench/kinds/detect.ts): libtest benches are no workload, latency programs run as they are. */
  benchKinds?: Record<string, BenchKind>;
  /** Benches with `required-features`: left out of the default workload (the instrumented build has no features). */
  benchesWithRequiredFeatures?: string[];
  /** Bench targets whose main is divan's (core/bench/divan/divan.ts): they get divan's bound, not criterion's. */
  divanBenches?: string[];
  /** Its bin and bench targets with their `required-features` (cargo metadata). */
  targets?: FeatureTarget[];
}

export interface ResolvedWorkload {
  entries: WorkloadEntry[];
  source: string;
}

export function noWorkloadMessage(pkg: PackageInfo): string {
  return (
    `pgo-profile for ${pkg.name} has no workload: ${pkg.manifestPath} has no [package.metadata.rust-perf] workload and the package has no bench targets.\n` +
    `Add to ${pkg.manifestPath}:\n\n[package.metadata.rust-perf]\nworkload = [{ bin = "${pkg.bins[0] ?? pkg.name}", args = ["…a representative, bounded run…"] }]\n\n` +
    'or set the target\'s `workload` option in project.json/nx.json.'
  );
}

/** Option beats manifest metadata beats criterion benches. */
export function resolveWorkload(option: unknown, pkg: PackageInfo): ResolvedWorkload {
  if (option !== undefined) return { entries: parseWorkload(option, 'the `workload` option'), source: 'the `workload` option' };
  const meta = (pkg.metadata as Record<string, unknown> | null | undefined)?.['rust-perf'] as Record<string, unknown> | undefined;
  if (meta && meta.workload !== undefined) {
    const where = `${pkg.manifestPath} [package.metadata.rust-perf]`;
    return { entries: parseWorkload(meta.workload, where), source: where };
  }
  // Criterion and divan benches and latency programs are fixed work over the real code paths; libtest benches need nightly;
  // skip-benches leaves a bench out of the default workload as out of every rust-perf target.
  const skip = skipBenchesOf(pkg.metadata, pkg.manifestPath);
  const runnable = pkg.benches.filter((b) => pkg.benchKinds?.[b] !== 'libtest' && !pkg.benchesWithRequiredFeatures?.includes(b) && !skip.includes(b));
  if (runnable.length > 0) return { entries: runnable.map((bench) => ({ bench, args: [] })), source: `${describeBenches(pkg, runnable)} of ${pkg.name}${skip.length ? ` (without skip-benches: ${skip.join(', ')})` : ''}` };
  throw new WorkloadError(noWorkloadMessage(pkg));
}

const isDivan = (pkg: PackageInfo, bench: string): boolean => pkg.divanBenches?.includes(bench) === true || pkg.benchKinds?.[bench] === 'divan';

/** "the criterion benches", "the criterion and divan benches", "the criterion benches and latency programs", … */
function describeBenches(pkg: PackageInfo, benches: string[]): string {
  const kinds = new Set(benches.map((b) => (isDivan(pkg, b) ? 'divan' : pkg.benchKinds?.[b] === 'latency' ? 'latency' : 'criterion')));
  const harnesses = (['criterion', 'divan'] as const).filter((k) => kinds.has(k));
  const parts = harnesses.length > 0 ? [`the ${harnesses.join(' and ')} benches`] : [];
  if (kinds.has('latency')) parts.push(parts.length > 0 ? 'latency programs' : 'the latency programs');
  return parts.join(' and ');
}

/** Which targets the instrumented build must produce for these entries. */
export function workloadBuildTargets(entries: readonly WorkloadEntry[], pkg: PackageInfo, enabled: readonly string[] = []): { bins: string[]; benches: string[] } {
  const bins = new Set<string>();
  const benches = new Set<string>();
  for (const e of entries) {
    if ('bin' in e) {
      if (!pkg.bins.includes(e.bin)) throw new WorkloadError(`workload bin \`${e.bin}\` is not a binary of ${pkg.name} (${pkg.manifestPath}); its binaries: ${pkg.bins.join(', ') || 'none'}`);
      bins.add(e.bin);
    } else if ('bench' in e) {
      if (!pkg.benches.includes(e.bench)) throw new WorkloadError(`workload bench \`${e.bench}\` is not a bench target of ${pkg.name} (${pkg.manifestPath}); its benches: ${pkg.benches.join(', ') || 'none'}`);
      benches.add(e.bench);
    } else {
      // A command may run any of the package's binaries through RUST_PERF_BIN_DIR; those with
      // required-features only when the features option turns them on (cargo refuses `--bin` otherwise).
      for (const b of pkg.bins) if (requiredFeatures(pkg.targets ?? [], 'bin', b).every((f) => enabled.includes(f))) bins.add(b);
    }
  }
  return { bins: [...bins], benches: [...benches] };
}

/**
 * The features a build of these entries needs: the option's, plus the `required-features` of each
 * bin and bench an entry runs (a `{ command }` entry asks for none: it gets the binaries that build).
 */
export function workloadFeatures(entries: readonly WorkloadEntry[], pkg: PackageInfo, option: readonly string[] | string | undefined, allFeatures = false): FeaturePlan {
  const wanted = entries.flatMap((e): Array<{ kind: 'bin' | 'bench'; name: string }> => ('bin' in e ? [{ kind: 'bin', name: e.bin }] : 'bench' in e ? [{ kind: 'bench', name: e.bench }] : []));
  return planFeatures(option, pkg.targets ?? [], wanted, allFeatures);
}

/** One entry as a user would type it (shell-style quoting, for display only: it is never run by a shell). */
export function describeEntry(e: WorkloadEntry): string {
  if ('bin' in e) return describeCommand(e.bin, e.args ?? []);
  if ('bench' in e) return `bench ${describeCommand(e.bench, ['--bench', ...(e.args ?? [])])}`;
  const [file, ...args] = e.command;
  return describeCommand(file, args);
}

/** The workload for a message: one entry per line (a ` | ` between them would read as a shell pipe). */
export function describeWorkload(entries: readonly WorkloadEntry[], indent = '    '): string {
  return entries.map((e) => `${indent}${describeEntry(e)}`).join('\n');
}

/**
 * Seconds criterion spends on each benchmark of a bench workload (`--profile-time`): profile mode runs
 * each benchmark for a fixed time without analysis, so a suite of N benchmarks takes about N × this,
 * not criterion's full measurement (minutes). PGO needs the hot paths executed, not precise timings.
 */
export const DEFAULT_BENCH_PROFILE_TIME = 3;

/**
 * argv of a bench workload entry: `--bench`, then `--profile-time <s>` unless the entry's own args set it
 * or `profileTime` is 0 (the full criterion run), then the entry's args (a filter, criterion flags).
 * Only criterion understands `--profile-time`; other harnesses get their args unchanged.
 */
export function benchWorkloadArgs(entryArgs: readonly string[], profileTime: number | undefined, usesCriterion: boolean, kind?: BenchKind): string[] {
  const seconds = profileTime ?? DEFAULT_BENCH_PROFILE_TIME;
  const own = entryArgs.some((a) => a === '--profile-time' || a.startsWith('--profile-time='));
  // A latency program runs its own fixed work: it gets `--bench` as from cargo bench, nothing of criterion's.
  const bound = usesCriterion && kind !== 'latency' && seconds > 0 && !own ? ['--profile-time', String(seconds)] : [];
  return ['--bench', ...bound, ...entryArgs];
}

/**
 * argv of a divan bench workload entry: `--bench`, then `--max-time <s>` (divan's bound per benchmark, the
 * counterpart of criterion's `--profile-time`) unless the entry's args set a time or `profileTime` is 0,
 * then the entry's args (a filter, divan flags).
 */
export function divanWorkloadArgs(entryArgs: readonly string[], profileTime: number | undefined): string[] {
  const seconds = profileTime ?? DEFAULT_BENCH_PROFILE_TIME;
  const own = entryArgs.some((a) => /^--(max|min)-time(=|$)/.test(a));
  return ['--bench', ...(seconds > 0 && !own ? ['--max-time', String(seconds)] : []), ...entryArgs];
}

/** The argv of a bench workload entry for its harness: divan's for a divan bench, else criterion's (benchWorkloadArgs). */
export function benchEntryArgs(entry: { bench: string; args?: string[] }, profileTime: number | undefined, pkg: PackageInfo): string[] {
  if (isDivan(pkg, entry.bench)) return divanWorkloadArgs(entry.args ?? [], profileTime);
  return benchWorkloadArgs(entry.args ?? [], profileTime, pkg.usesCriterion ?? false, pkg.benchKinds?.[entry.bench]);
}

/** What `--count` counts: a binary's run, or a latency program's (its own main does a fixed number of operations). */
export interface CountedTarget {
  kind: 'bin' | 'bench';
  name: string;
  /** The entry's args (a latency program's start with `--bench`, as from cargo bench). */
  args: string[];
  env?: Record<string, string>;
}

/**
 * The workload entry `--count` runs under valgrind: the first `{ bin }`, else the first latency program.
 * Criterion and divan benches are left out: they run for a time, not a number of iterations, so their
 * counts would not repeat. A library whose workload is its latency programs (OrderBook-rs) is counted too.
 */
export function countedEntry(entries: readonly WorkloadEntry[], pkg: PackageInfo): CountedTarget | undefined {
  const bin = entries.find((e): e is Extract<WorkloadEntry, { bin: string }> => 'bin' in e);
  if (bin) return { kind: 'bin', name: bin.bin, args: [...(bin.args ?? [])], env: bin.env };
  const latency = entries.find((e): e is Extract<WorkloadEntry, { bench: string }> => 'bench' in e && pkg.benchKinds?.[e.bench] === 'latency');
  if (latency) return { kind: 'bench', name: latency.bench, args: benchEntryArgs(latency, undefined, pkg) };
  return undefined;
}

/** The error when a workload has nothing `--count` can run. */
export function noCountedEntry(source: string): WorkloadError {
  return new WorkloadError(
    `--count needs a workload entry that runs a binary ({ bin, args }) or a latency program ({ bench } whose own main does fixed work); ${source} has none (criterion and divan benches run for a time, so their counts would not repeat)`,
  );
}

/**
 * Environment of a bench workload: criterion writes under CRITERION_HOME, else `$CARGO_TARGET_DIR/criterion`,
 * else asks `cargo metadata` through $CARGO, else `./target/criterion` — the crate folder, since the
 * workload runs the bench executable directly from there. Pointing it into the target dir keeps the
 * crate folder clean and the instrumented run's files away from `nx run …:bench`'s results.
 */
export function benchWorkloadEnv(instrumentedTargetDir: string): Record<string, string> {
  return { CRITERION_HOME: path.join(instrumentedTargetDir, 'criterion') };
}

/**
 * Runs one workload command (echoed, with its timeout and grace period) the way every profiling
 * pipeline needs it: a program that times out keeps its profile only if it exits on SIGINT, and a
 * non-zero exit fails unless allowWorkloadFailure says to keep what it recorded.
 */
export async function runWorkloadCommand(
  file: string,
  args: readonly string[],
  o: { cwd: string; env: Record<string, string | undefined>; entry: Pick<WorkloadEntry, 'timeoutSeconds' | 'graceSeconds'>; allowWorkloadFailure?: boolean },
): Promise<void> {
  console.log(`  $ ${describeCommand(file, args)}`);
  const r = await run(file, [...args], {
    cwd: o.cwd,
    env: o.env,
    echo: true,
    timeoutMs: o.entry.timeoutSeconds !== undefined ? o.entry.timeoutSeconds * 1000 : undefined,
    graceMs: o.entry.graceSeconds !== undefined ? o.entry.graceSeconds * 1000 : undefined,
  });
  if (r.timedOut) console.log(`  ended by its timeout after ${formatSeconds(r.durationMs)} (SIGINT, then SIGTERM/SIGKILL after the grace period); the profile is only written if the program exits normally on SIGINT.`);
  else if (r.exitCode !== 0) {
    const how = r.signal ? `was ended by ${r.signal}` : `exited with code ${r.exitCode}`;
    if (!o.allowWorkloadFailure) throw new WorkloadError(`workload \`${r.command}\` ${how}; fix it or set allowWorkloadFailure: true to merge what it recorded.`);
    console.log(`  warning: workload ${how} (allowWorkloadFailure)`);
  }
}
