// Shared by build-release, build-native and build-pgo: options → cargo build → binaries in outputPath.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { publishExecutables, resolveTargetDir, runCargoBuild, type BuildKind, type CargoArtifact, type CargoBuildArgs } from '../../core/cargo/build';
import { RunContext } from '../../core/context/run-context';
import { resolveCargoProject } from './project';
import { outputPaths } from '../../core/layout/output-paths';
import { formatSeconds } from '../../core/progress';
import { writeFileAtomic } from '../../core/fs/atomic';
import type { BuildReleaseExecutorOptions } from './build-options';
import { resolveOutputDir } from '../../core/fs/output-dir';

export type BuildOptions = BuildReleaseExecutorOptions;

export interface BuildSetup {
  workspaceRoot: string;
  cargoRoot: string;
  project: string;
  pkg: string;
  outDir: string;
  /** cargo's target dir for this workspace (before any override). */
  targetDir: string;
  /** This run's toolchain facts and cargo configs: made once here, passed to every planner. */
  context: RunContext;
}

export function setupBuild(options: BuildOptions, context: ExecutorContext, outputKind: string): BuildSetup {
  const { project, pkg, cargoRoot } = resolveCargoProject(options, context);
  const outDir = resolveOutputDir(context.root, options.outputPath, outputPaths.build(project, outputKind));
  const run = new RunContext(cargoRoot, process.env);
  const targetDir = resolveTargetDir(cargoRoot, process.env, run.cargoConfigs());
  return { workspaceRoot: context.root, cargoRoot, project, pkg, outDir, targetDir, context: run };
}

export function cargoArgsFrom(options: BuildOptions, pkg: string, profile: string, target?: string): CargoBuildArgs {
  return {
    package: pkg,
    profile,
    features: options.features,
    allFeatures: options.allFeatures,
    noDefaultFeatures: options.noDefaultFeatures,
    bins: options.bins,
    locked: options.locked,
    target: target ?? options.target,
    extraArgs: options.extraArgs,
  };
}

/** The measured build beside its binaries, so perf-report can report compile time for a binary restored from cache. */
export interface BuildRecord {
  profile: string;
  rustflags: string[];
  durationMs: number;
  compiled: boolean;
  /** cold (every unit compiled) or incremental; absent in records written before it was recorded. */
  buildKind?: BuildKind;
}

function readRecord(file: string): BuildRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as BuildRecord;
  } catch {
    return undefined;
  }
}

/** The record to keep for a build: an up-to-date cargo run measures no compilation, so the last record of the same build that compiled stands. */
export function lastMeasuredBuild(recordFile: string, built: BuildRecord): BuildRecord {
  const previous = readRecord(recordFile);
  const same = previous?.compiled && previous.profile === built.profile && JSON.stringify(previous.rustflags) === JSON.stringify(built.rustflags);
  return !built.compiled && same ? previous : built;
}

export function reportBinaries(setup: BuildSetup, artifacts: readonly CargoArtifact[], built: BuildRecord): void {
  const recordFile = path.join(setup.outDir, 'build.json');
  const record = lastMeasuredBuild(recordFile, built);
  const bins = artifacts.filter((a) => a.kind === 'bin');
  const names = publishExecutables(bins, setup.outDir);
  writeFileAtomic(recordFile, JSON.stringify(record, null, 2) + '\n');
  // The folder is not empty (build.json is the build's record): say what it holds.
  if (bins.length === 0) console.log(`No binaries were built for ${setup.pkg} (a library only?); the build is recorded in ${path.relative(setup.workspaceRoot, recordFile)}.`);
  for (const n of names) {
    const p = path.join(setup.outDir, n);
    console.log(`  → ${path.relative(setup.workspaceRoot, p)} (${(fs.statSync(p).size / 1e6).toFixed(1)} MB)`);
  }
}

export async function runBuildExecutor(
  options: BuildOptions,
  context: ExecutorContext,
  kind: { outputKind: string; addRustflags: (setup: BuildSetup) => Promise<string[]> | string[]; targetDir?: (setup: BuildSetup) => string; target?: (setup: BuildSetup) => Promise<string | undefined> },
): Promise<{ success: boolean }> {
  const t0 = Date.now();
  try {
    const setup = setupBuild(options, context, kind.outputKind);
    const profile = options.profile ?? 'release';
    const target = kind.target ? await kind.target(setup) : undefined;
    const result = await runCargoBuild({
      cargoRoot: setup.cargoRoot,
      args: cargoArgsFrom(options, setup.pkg, profile, target),
      addRustflags: await kind.addRustflags(setup),
      addedBy: `the ${context.targetName ?? `${kind.outputKind} build`} target`,
      env: process.env,
      targetDir: kind.targetDir?.(setup),
      context: setup.context,
    });
    reportBinaries(setup, result.artifacts, { profile, rustflags: result.rustflags, durationMs: result.durationMs, compiled: result.compiled, buildKind: result.buildKind });
    console.log(`${setup.pkg}: ${kind.outputKind} build with profile \`${profile}\` done in ${formatSeconds(Date.now() - t0)}`);
    return { success: true };
  } catch (e) {
    console.error((e as Error).message);
    return { success: false };
  }
}
