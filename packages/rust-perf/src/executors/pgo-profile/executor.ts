import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { runCargoBuild, type CargoArtifact } from '../../core/cargo/build';
import { replaceDirAtomic } from '../../core/fs/atomic';
import { readPackageInfo } from '../../core/pgo/package';
import { instrumentFlags, newRunId, pgoLayout } from '../../core/pgo/plan';
import { checkProfraw, listProfraw, removeStaleRuns } from '../../core/pgo/profraw';
import { countCovered, parseProfdataShow } from '../../core/pgo/stats';
import { benchEntryArgs, benchWorkloadEnv, countedEntry, describeEntry, describeWorkload, resolveWorkload, runWorkloadCommand, workloadBuildTargets, workloadFeatures, noCountedEntry, WorkloadError, type WorkloadEntry } from '../../core/pgo/workload';
import { describeAddedFeatures } from '../../core/cargo/features';
import { PGO_RECORD, pgoRecordText } from '../../core/pgo/record';
import { run, runChecked } from '../../core/process/run';
import { Progress } from '../../core/progress';
import { cargoArgsFrom, setupBuild } from '../shared/build-executor';
import type { PgoProfileExecutorOptions } from './schema';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { stageProfdata } from '../../core/pgo/stage';
import { outputPaths } from '../../core/layout/output-paths';
import { countBeforeAfterPgo, resolveCountArgs, valgrindVersion } from '../../core/count';

function executableFor(entry: WorkloadEntry, artifacts: readonly CargoArtifact[]): string {
  const want = 'bin' in entry ? { kind: 'bin', name: entry.bin } : 'bench' in entry ? { kind: 'bench', name: entry.bench } : undefined;
  const found = want && artifacts.find((a) => a.kind === want.kind && a.name === want.name);
  if (!found) throw new WorkloadError(`cargo reported no executable for workload ${describeEntry(entry)} (artifacts: ${artifacts.map((a) => `${a.kind} ${a.name}`).join(', ') || 'none'})`);
  return found.executable;
}

/** Instrumented build → workload → llvm-profdata merge → one atomically published .profdata. */
export default async function pgoProfileExecutor(options: PgoProfileExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const progress = new Progress('pgo', options.count ? 5 : 4);
  let runDir: string | undefined;
  try {
    const setup = setupBuild(options, context, 'pgo');
    const outDir = resolveOutputDir(context.root, options.outputPath, outputPaths.pgoProfile(setup.project));
    const profile = options.profile ?? 'release';
    const { pkg, workload, tool, host, count, features } = await progress.phase('workload and tools', async () => {
      const pkg = await readPackageInfo(setup.cargoRoot, setup.pkg, false);
      const workload = resolveWorkload(options.workload, pkg);
      // A workload target with required-features builds only with them on; build-pgo reads them from pgo.json.
      const features = workloadFeatures(workload.entries, pkg, options.features, options.allFeatures);
      const added = describeAddedFeatures(features);
      if (added) console.log(`  ${added}`);
      // Before a long build: fail fast when no matching llvm-profdata exists.
      const tool = await setup.context.llvmProfdata();
      const host = await setup.context.host();
      console.log(`  workload (from ${workload.source}):\n${describeWorkload(workload.entries)}`);
      console.log(`  llvm-profdata: ${tool.path} (LLVM ${tool.version})`);
      // --count: fail before the long build when counting cannot happen.
      let count: { bin: string; kind: 'bin' | 'bench'; args: string[]; source: string; cwd: string; env?: Record<string, string> } | undefined;
      if (options.count) {
        const entry = countedEntry(workload.entries, pkg);
        if (!entry) throw noCountedEntry(workload.source);
        const countArgs = resolveCountArgs(options.countArgs, pkg.metadata, pkg.manifestPath, entry.args);
        console.log(`  counting with ${await valgrindVersion()}: \`${entry.kind === 'bench' ? 'bench ' : ''}${entry.name} ${countArgs.args.join(' ')}\` (args from ${countArgs.source})`);
        // A latency program runs from its crate folder, as cargo bench runs it (it may write files relative to it).
        count = { bin: entry.name, kind: entry.kind, args: countArgs.args, source: countArgs.source, cwd: entry.kind === 'bench' ? path.dirname(pkg.manifestPath) : setup.cargoRoot, env: entry.env };
      }
      return { pkg, workload, tool, host, count, features: features.features };
    });
    const layout = pgoLayout(setup.targetDir, setup.pkg, newRunId(process.pid, Date.now()));
    runDir = layout.runProfileDir;
    removeStaleRuns(layout.packageProfilesDir, layout.runProfileDir);
    fs.mkdirSync(layout.runProfileDir, { recursive: true });

    const targets = workloadBuildTargets(workload.entries, pkg, options.allFeatures ? pkg.targets?.flatMap((t) => t['required-features'] ?? []) : features);
    const build = await progress.phase(`instrumented build of ${setup.pkg} (profile \`${profile}\`, --target ${host})`, () =>
      runCargoBuild({
        cargoRoot: setup.cargoRoot,
        args: { ...cargoArgsFrom({ ...options, features }, setup.pkg, profile, options.target ?? host), bins: targets.bins, benches: targets.benches },
        addRustflags: instrumentFlags(layout),
        addedBy: `the ${context.targetName ?? 'pgo-profile'} target (instrumentation)`,
        env: process.env,
        targetDir: layout.instrumentedTargetDir,
        context: setup.context,
      }),
    );

    await progress.phase(`workload (${workload.entries.length} command${workload.entries.length === 1 ? '' : 's'})`, async () => {
      const binDir = build.artifacts.find((a) => a.kind === 'bin')?.executable;
      for (const entry of workload.entries) {
        const env: Record<string, string | undefined> = { LLVM_PROFILE_FILE: layout.llvmProfileFile, ...('env' in entry ? entry.env : {}) };
        let file: string;
        let args: string[];
        let cwd = setup.cargoRoot;
        if ('command' in entry) {
          [file, ...args] = entry.command;
          cwd = context.root;
          if (binDir) env.RUST_PERF_BIN_DIR = path.dirname(binDir);
        } else {
          file = executableFor(entry, build.artifacts);
          args = 'bench' in entry ? benchEntryArgs(entry, options.benchProfileTime, pkg) : [...(entry.args ?? [])];
          if ('bench' in entry) {
            cwd = path.dirname(pkg.manifestPath);
            Object.assign(env, benchWorkloadEnv(layout.instrumentedTargetDir));
          }
        }
        await runWorkloadCommand(file, args, { cwd, env, entry, allowWorkloadFailure: options.allowWorkloadFailure });
      }
      checkProfraw(listProfraw(layout.runProfileDir), layout.runProfileDir, workload.entries.map(describeEntry));
    });

    await progress.phase(`merge with llvm-profdata ${tool.version} and publish`, async () => {
      const raw = listProfraw(layout.runProfileDir);
      const merged = path.join(layout.runProfileDir, 'merged.profdata');
      await runChecked(tool.path, ['merge', '-o', merged, ...raw.nonEmpty], { cwd: setup.cargoRoot, echo: true, hint: `merging ${raw.nonEmpty.length} .profraw files from ${layout.runProfileDir}` });
      const shown = parseProfdataShow((await run(tool.path, ['show', merged], { cwd: setup.cargoRoot })).stdout);
      const covered = await run(tool.path, ['show', '--covered', merged], { cwd: setup.cargoRoot });
      const file = `${setup.project}.profdata`;
      replaceDirAtomic(outDir, (dir) => {
        fs.copyFileSync(merged, path.join(dir, file));
        // Only when features were given or added: without pgo.json build-pgo builds with its own options, as before.
        if (features.length > 0) fs.writeFileSync(path.join(dir, PGO_RECORD), pgoRecordText({ features }));
      });
      const rel = path.relative(context.root, path.join(outDir, file));
      const executed = covered.exitCode === 0 ? countCovered(covered.stdout) : undefined;
      console.log(
        `  → ${rel} (${(fs.statSync(path.join(outDir, file)).size / 1024).toFixed(0)} KiB from ${raw.nonEmpty.length} .profraw` +
          (shown ? `; ${shown.functions} functions recorded${executed !== undefined ? `, ${executed} executed` : ''}` : '') +
          ')',
      );
    });
    fs.rmSync(layout.runProfileDir, { recursive: true, force: true });
    if (count) {
      await progress.phase('counted runs without and with the profile (valgrind)', async () => {
        const profdata = path.join(outDir, `${setup.project}.profdata`);
        const { usePath } = stageProfdata(profdata, setup.targetDir);
        await countBeforeAfterPgo({ cargoRoot: setup.cargoRoot, package: setup.pkg, profile, bin: count.bin, kind: count.kind, profileUsePath: usePath, host, targetDir: setup.targetDir, args: count.args, argsSource: count.source, cwd: count.cwd, env: count.env, features, context: setup.context });
      });
    }
    console.log(`${setup.pkg}: PGO profile ready in ${progress.elapsed()}.`);
    return { success: true };
  } catch (e) {
    console.error((e as Error).message);
    if (runDir) console.error(`(raw profiles kept for inspection in ${runDir}; the next run removes them)`);
    return { success: false };
  }
}
