// What to record (a bin or a criterion bench) and how cargo builds it.
import * as path from 'node:path';
import type { MetadataPackage } from '../bench/plan';
import { requiredFeatures, type FeatureTarget } from '../cargo/features';
import { parseWorkload, type WorkloadEntry } from '../pgo/workload';
import { criterionProfileArgs } from './perf';

export interface Subject {
  kind: 'bin' | 'bench';
  name: string;
  args: string[];
  /** Where the args came from: the `args` option, a workload entry for this target, or nowhere (run bare). */
  argsFrom: 'option' | 'workload' | 'none';
  /** The workload entry's environment, when its args are used. */
  env?: Record<string, string>;
  /** Names the workload entry's source in messages ("…/Cargo.toml [package.metadata.rust-perf]"). */
  workloadSource?: string;
  /** Why this target was picked when no bin/bench option named it, for the log. */
  pickedBecause?: string;
}

/** What chooseSubject reads of a package: cargo metadata's fields (targets with `required-features`, `default_run`). */
export type SubjectPackage = Omit<MetadataPackage, 'targets'> & { targets: Array<MetadataPackage['targets'][number] & FeatureTarget>; default_run?: string | null };

export interface SubjectOptions {
  bin?: string;
  bench?: string;
  args?: string[];
  filter?: string;
  profileTime: number;
}

/** The workload the PGO target would run (its `workload` option, else the manifest's), already validated. */
export interface SubjectWorkload {
  entries: readonly WorkloadEntry[];
  source: string;
}

/**
 * What pgo-profile would run: the project's pgo-profile target's `workload` option (`targets` as Nx
 * resolved them), else the manifest's [package.metadata.rust-perf] workload.
 */
export function subjectWorkload(targets: Readonly<Record<string, { executor?: string; options?: unknown }>>, project: string, pkg: Pick<MetadataPackage, 'manifest_path' | 'metadata'>): SubjectWorkload | undefined {
  const meta = (pkg.metadata as { 'rust-perf'?: { workload?: unknown } } | null | undefined)?.['rust-perf'];
  const manifestSource = `${pkg.manifest_path} [package.metadata.rust-perf]`;
  for (const [name, t] of Object.entries(targets)) {
    const workload = (t.options as { workload?: unknown } | undefined)?.workload;
    if (t.executor?.endsWith(':pgo-profile') && workload !== undefined) {
      // Inference copies the manifest's workload into the option: name the manifest then, where the user wrote it.
      const source = JSON.stringify(workload) === JSON.stringify(meta?.workload) ? manifestSource : `the \`workload\` option of ${project}:${name}`;
      return { entries: parseWorkload(workload, source), source };
    }
  }
  if (meta?.workload === undefined) return undefined;
  return { entries: parseWorkload(meta.workload, manifestSource), source: manifestSource };
}

/**
 * bin/bench options win; then the first bin or bench of the workload (what pgo-profile runs first);
 * then the package's `default-run` (what `cargo run` picks), its only binary, its first binary that
 * needs no `required-features` (else its first binary, built with them: the executor turns them on);
 * a package without binaries records its first bench that `skip-benches` does not leave out, as its PGO
 * workload runs its benches.
 * Args: the `args` option, else those of the workload entry for the same bin or bench (flamegraph runs
 * what pgo-profile runs), else none. Benches run in criterion's profile mode (no analysis, fixed time).
 */
export function chooseSubject(pkg: SubjectPackage, o: SubjectOptions, workload?: SubjectWorkload, skipBenches: readonly string[] = []): Subject {
  const targets = (kind: string) => pkg.targets.filter((t) => t.kind.includes(kind)).map((t) => t.name);
  const check = (kind: 'bin' | 'bench', name: string) => {
    if (!targets(kind).includes(name)) {
      throw new Error(`${pkg.manifest_path}: package \`${pkg.name}\` has no ${kind} target \`${name}\` (${kind} targets: ${targets(kind).join(', ') || 'none'}).`);
    }
  };
  if (o.bin && o.bench) throw new Error('set either "bin" or "bench", not both.');
  const entries = workload?.entries ?? [];
  const entryFor = (kind: 'bin' | 'bench', name: string) =>
    entries.find((e) => (kind === 'bin' ? 'bin' in e && e.bin === name : 'bench' in e && e.bench === name)) as (WorkloadEntry & { args?: string[]; env?: Record<string, string> }) | undefined;
  const subject = (kind: 'bin' | 'bench', name: string): Subject => {
    check(kind, name);
    const entry = o.args === undefined ? entryFor(kind, name) : undefined;
    const args = o.args ?? entry?.args ?? [];
    const argsFrom = o.args !== undefined ? 'option' : entry ? 'workload' : 'none';
    const base: Subject = { kind, name, args: kind === 'bench' ? [...criterionProfileArgs(o.profileTime, o.filter), ...args] : args, argsFrom };
    return entry ? { ...base, env: entry.env, workloadSource: workload?.source } : base;
  };
  if (o.bin) return subject('bin', o.bin);
  if (o.bench) return subject('bench', o.bench);
  const picked = (kind: 'bin' | 'bench', name: string, because: string): Subject => ({ ...subject(kind, name), pickedBecause: because });
  const first = entries.find((e) => 'bin' in e || 'bench' in e);
  if (first && 'bin' in first) return picked('bin', first.bin, `the first entry of the workload (${workload?.source})`);
  if (first && 'bench' in first) return picked('bench', first.bench, `the first entry of the workload (${workload?.source})`);
  const bins = targets('bin');
  if (pkg.default_run && bins.includes(pkg.default_run)) return picked('bin', pkg.default_run, 'the package\'s default-run');
  if (bins.length === 1) return picked('bin', bins[0], 'the package\'s only binary');
  const plain = bins.find((b) => requiredFeatures(pkg.targets, 'bin', b).length === 0);
  if (plain !== undefined) return picked('bin', plain, `the first of ${bins.length} binaries that needs no required-features`);
  if (bins.length > 0) return picked('bin', bins[0], `the first of ${bins.length} binaries (each has required-features)`);
  const bench = targets('bench').find((b) => !skipBenches.includes(b));
  if (bench !== undefined) return picked('bench', bench, 'the package\'s first bench (its PGO workload runs its benches)');
  throw new Error(
    `${pkg.manifest_path}: cannot tell what to record for \`${pkg.name}\` (binaries: none; benches: ${targets('bench').join(', ') || 'none'}${skipBenches.length ? `, skip-benches: ${skipBenches.join(', ')}` : ''}). ` +
      'Set the "bin" or "bench" option, or add [package.metadata.rust-perf] workload = [{ bin = "<name>", args = [...] }].',
  );
}

/** The two ways to give a binary its arguments, spelled out for an error message. */
export function argsFix(project: string, manifestPath: string, bin: string): string {
  return (
    `Tell flamegraph what to run: \`nx run ${project}:flamegraph --args=<first> --args=<second>\` (one --args per argument), ` +
    `or add a workload, which pgo-profile runs too, to ${manifestPath}:\n\n[package.metadata.rust-perf]\nworkload = [{ bin = "${bin}", args = ["…a representative, bounded run…"] }]`
  );
}

/**
 * Executables of `bin` from earlier builds, newest profile first: cargo puts `<profile>` builds in
 * `<target-dir>/<profile>/` (`dev` in `debug/`), or under `<target-dir>/<triple>/` with --target.
 */
export function earlierBuilds(targetDir: string, bin: string, profile: string, triple?: string): string[] {
  const dir = (p: string) => (p === 'dev' || p === 'test' ? 'debug' : p);
  const profiles = [...new Set([dir(profile), 'release', 'debug'])];
  const roots = triple ? [targetDir, path.join(targetDir, triple)] : [targetDir];
  return roots.flatMap((r) => profiles.map((p) => path.join(r, p, bin)));
}

/**
 * Reads a bare run of the binary: one that exits non-zero within the probe time, without being
 * ended by us, is taken as "needs arguments" (`rg` with no pattern exits 2 at once).
 */
export function needsArgs(result: { exitCode: number | null; timedOut: boolean; signal: string | null }): boolean {
  return !result.timedOut && result.signal === null && result.exitCode !== null && result.exitCode !== 0;
}

/** Build argv; the same with `--message-format json` (a no-op rebuild) tells us the executable. */
export function cargoBuildArgs(pkg: string, subject: Subject, profile: string, json = false, features: readonly string[] = []): string[] {
  const fmt = json ? ['--message-format', 'json'] : [];
  const feat = features.length > 0 ? ['--features', features.join(',')] : [];
  return subject.kind === 'bin'
    ? ['build', '--profile', profile, '-p', pkg, '--bin', subject.name, ...feat, ...fmt]
    : ['bench', '--no-run', '--profile', profile, '-p', pkg, '--bench', subject.name, ...feat, ...fmt];
}

/** The executable cargo reported for the subject in `--message-format json` output. */
export function executableFromMessages(stdout: string, subject: Subject): string | undefined {
  let found: string | undefined;
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: { reason?: string; executable?: string | null; target?: { name?: string; kind?: string[] } };
    try {
      msg = JSON.parse(line);
    } catch {
      continue;
    }
    if (msg.reason === 'compiler-artifact' && msg.executable && msg.target?.name === subject.name && msg.target.kind?.includes(subject.kind)) {
      found = msg.executable;
    }
  }
  return found;
}
