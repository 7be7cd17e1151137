// Typed, allow-listed `cargo build` argv, and the artifacts cargo reports in its JSON messages.
// Options map to named flags; extra args may not change what rust-perf relies on (which package,
// which profile, where artifacts go, how messages are formatted).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { run, describeCommand, CommandFailedError } from '../process/run';
import { planRustflags } from '../rustflags/rustflags';
import type { RunContext } from '../context/run-context';
import { describeRustflags, hostFromCfg, labelRustflags } from '../rustflags/provenance';
import { isInitTable } from '../cargo-config/plan';
import { replaceDirAtomic } from '../fs/atomic';
import { featureList } from './features';

/** What a build's duration measured: a build from nothing, a partial rebuild, or no compilation at all. */
export type BuildKind = 'cold' | 'incremental' | 'fresh';

export interface CargoBuildArgs {
  package: string;
  profile: string;
  features?: string[] | string;
  allFeatures?: boolean;
  noDefaultFeatures?: boolean;
  /** Only these binaries (`--bin` each); all of the package's binaries when empty. */
  bins?: string[];
  /** These bench targets (`--bench` each). */
  benches?: string[];
  /** Every bench target of the package (`--benches`). */
  allBenches?: boolean;
  locked?: boolean;
  frozen?: boolean;
  offline?: boolean;
  target?: string;
  /** Machine-readable messages on stdout (for artifact collection). */
  json?: boolean;
  extraArgs?: string[];
}

export class CargoArgsError extends Error {}

// Flags whose meaning rust-perf fixes itself; each maps to the option to use instead.
const RESERVED: ReadonlyArray<[RegExp, string]> = [
  [/^--message-format(=|$)/, 'rust-perf reads cargo\'s JSON messages itself'],
  [/^--profile(=|$)|^--release$|^-r$/, 'use the `profile` option'],
  [/^(-p|--package)(=|$)|^-p.+|^--workspace$|^--all$|^--exclude(=|$)/, 'use the `package` option (one package per Nx project)'],
  [/^--target-dir(=|$)|^--artifact-dir(=|$)|^--out-dir(=|$)/, 'set CARGO_TARGET_DIR instead; rust-perf copies artifacts to the target\'s outputPath'],
  [/^--manifest-path(=|$)/, 'use the `cargoRoot` option'],
  [/^--target(=|$)/, 'use the `target` option'],
  [/^--bins?(=|$)/, 'use the `bins` option'],
  [/^(-F|--features)(=|$)|^-F.+|^--all-features$|^--no-default-features$/, 'use the `features`, `allFeatures` or `noDefaultFeatures` options'],
  [/^--locked$|^--frozen$|^--offline$/, 'use the `locked` option'],
];

/** Checks extra args against the reserved list; `--config` may not set rustflags (rust-perf plans those). */
export function checkExtraArgs(extra: readonly string[]): void {
  for (let i = 0; i < extra.length; i++) {
    const arg = extra[i];
    for (const [re, fix] of RESERVED) if (re.test(arg)) throw new CargoArgsError(`extra argument \`${arg}\` is not allowed: ${fix}.`);
    if (arg === '--config' || arg.startsWith('--config=')) {
      const value = arg === '--config' ? (extra[i + 1] ?? '') : arg.slice('--config='.length);
      if (/rustflags/.test(value)) throw new CargoArgsError(`extra argument \`--config ${value}\` is not allowed: put rustflags in .cargo/config.toml or RUSTFLAGS; rust-perf keeps them and adds its own.`);
    }
  }
}

export function cargoBuildArgv(o: CargoBuildArgs): string[] {
  if (!o.package) throw new CargoArgsError('the `package` option is required');
  if (!o.profile) throw new CargoArgsError('the `profile` option is required');
  const extra = o.extraArgs ?? [];
  checkExtraArgs(extra);
  const argv = ['build', '--profile', o.profile, '-p', o.package];
  if (o.target) argv.push('--target', o.target);
  const features = featureList(o.features);
  if (features.length > 0) argv.push('--features', features.join(','));
  if (o.allFeatures) argv.push('--all-features');
  if (o.noDefaultFeatures) argv.push('--no-default-features');
  for (const bin of o.bins ?? []) argv.push('--bin', bin);
  if (o.allBenches) argv.push('--benches');
  for (const bench of o.benches ?? []) argv.push('--bench', bench);
  if (o.frozen) argv.push('--frozen');
  else if (o.locked) argv.push('--locked');
  if (o.offline) argv.push('--offline');
  if (o.json) argv.push('--message-format=json-render-diagnostics');
  argv.push(...extra);
  return argv;
}

export interface CargoArtifact {
  /** Target name (binary or bench name). */
  name: string;
  kind: 'bin' | 'bench' | 'test' | 'example';
  executable: string;
  manifestPath: string;
  packageId: string;
}

interface ArtifactMessage {
  reason?: string;
  package_id?: string;
  manifest_path?: string;
  target?: { name?: string; kind?: string[] };
  profile?: { test?: boolean };
  executable?: string | null;
}

/** Executables from cargo's `--message-format=json*` stdout (the `executable` field, never guessed paths). */
export function parseArtifacts(stdout: string): CargoArtifact[] {
  const byPath = new Map<string, CargoArtifact>();
  for (const line of stdout.split('\n')) {
    if (!line.startsWith('{')) continue;
    let msg: ArtifactMessage;
    try {
      msg = JSON.parse(line) as ArtifactMessage;
    } catch {
      continue;
    }
    if (msg.reason !== 'compiler-artifact' || !msg.executable) continue;
    const kinds = msg.target?.kind ?? [];
    const kind: CargoArtifact['kind'] = kinds.includes('bench') ? 'bench' : kinds.includes('example') ? 'example' : kinds.includes('bin') && !msg.profile?.test ? 'bin' : 'test';
    byPath.set(msg.executable, { name: msg.target?.name ?? '', kind, executable: msg.executable, manifestPath: msg.manifest_path ?? '', packageId: msg.package_id ?? '' });
  }
  return [...byPath.values()];
}

/**
 * Cargo's target directory: CARGO_TARGET_DIR, CARGO_BUILD_TARGET_DIR, `build.target-dir` of the
 * nearest config (relative to the folder holding `.cargo/`), else `<cargoRoot>/target`.
 */
export function resolveTargetDir(cargoRoot: string, env: NodeJS.ProcessEnv, configs: ReadonlyArray<{ file: string; table: Record<string, unknown> }>): string {
  const fromEnv = env.CARGO_TARGET_DIR ?? env.CARGO_BUILD_TARGET_DIR;
  if (fromEnv) return path.resolve(cargoRoot, fromEnv);
  for (const { file, table } of [...configs].reverse()) {
    const build = table.build as Record<string, unknown> | undefined;
    const dir = build?.['target-dir'];
    if (typeof dir === 'string') return path.resolve(path.dirname(path.dirname(file)), dir);
  }
  return path.resolve(cargoRoot, 'target');
}

export interface CargoBuildRun {
  cargoRoot: string;
  args: CargoBuildArgs;
  /** Rustflags to add on top of the user's (config + env). */
  addRustflags: string[];
  /** Who adds them, for the log's provenance (e.g. "build-pgo (its profdata option)"); default "this rust-perf target". */
  addedBy?: string;
  env: NodeJS.ProcessEnv;
  /** Overrides the target directory (e.g. a separate one for native or PGO builds). */
  targetDir?: string;
  extraEnv?: Record<string, string | undefined>;
  print?: (line: string) => void;
  /** The run's toolchain facts and cargo configs, so the rustflags planner asks for them no second time. */
  context?: RunContext;
}

export interface CargoBuildResult {
  artifacts: CargoArtifact[];
  stderr: string;
  rustflags: string[];
  warnings: string[];
  durationMs: number;
  /** Whether cargo compiled anything (false: every unit was fresh, the duration measures no build). */
  compiled: boolean;
  /** cold: every unit compiled; incremental: some were fresh; fresh: none compiled (from cargo's JSON `fresh` flags). */
  buildKind: BuildKind;
}

/** What a build's duration measured, from the `fresh` flag of each compiler-artifact message cargo printed. */
export function buildKindOf(cargoJson: string): BuildKind {
  const compiled = /"reason":"compiler-artifact".*"fresh":false/.test(cargoJson);
  if (!compiled) return 'fresh';
  return /"reason":"compiler-artifact".*"fresh":true/.test(cargoJson) ? 'incremental' : 'cold';
}

/**
 * Runs `cargo build --message-format=json-render-diagnostics` with cargo's human output (stderr)
 * streamed live; stdout carries only JSON and is parsed for the artifacts.
 */
export async function runCargoBuild(o: CargoBuildRun): Promise<CargoBuildResult> {
  const print = o.print ?? ((l: string) => console.log(l));
  const plan = await planRustflags({ cargoRoot: o.cargoRoot, env: o.env, add: o.addRustflags, addedBy: o.addedBy, target: o.args.target, context: o.context });
  for (const w of plan.warnings) print(`warning: ${w}`);
  const argv = cargoBuildArgv({ ...o.args, json: true });
  const env = { ...plan.env, ...(o.targetDir ? { CARGO_TARGET_DIR: o.targetDir } : {}), ...(o.extraEnv ?? {}) };
  // Each flag with where it really came from (the user's table, init's, the environment, this target).
  for (const line of describeRustflags(plan.flags, labelRustflags(plan.groups, plan.configs ?? [], hostFromCfg(plan.cfgLines), process.cwd(), isInitTable))) print(line);
  print(`  $ ${describeCommand('cargo', argv)}   (in ${o.cargoRoot}${o.targetDir ? `, CARGO_TARGET_DIR=${o.targetDir}` : ''})`);
  // stdout is cargo's JSON (for us); stderr is its human progress (for the user).
  const result = await run('cargo', argv, { cwd: o.cargoRoot, env, echo: 'stderr' });
  if (result.exitCode !== 0) throw new CommandFailedError(result);
  const buildKind = buildKindOf(result.stdout);
  return {
    artifacts: parseArtifacts(result.stdout),
    stderr: result.stderr,
    rustflags: plan.flags,
    warnings: plan.warnings,
    durationMs: result.durationMs,
    compiled: buildKind !== 'fresh',
    buildKind,
  };
}

/** Copies executables into outDir, replacing it whole so stale binaries never linger. */
export function publishExecutables(artifacts: readonly CargoArtifact[], outDir: string): string[] {
  const names: string[] = [];
  replaceDirAtomic(outDir, (tmp) => {
    for (const a of artifacts) {
      const name = path.basename(a.executable);
      fs.copyFileSync(a.executable, path.join(tmp, name));
      fs.chmodSync(path.join(tmp, name), fs.statSync(a.executable).mode);
      names.push(name);
    }
  });
  return names;
}
