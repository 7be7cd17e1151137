import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { runCargoBuild } from '../../core/cargo/build';
import { pgoUseTargetDir, profileUseFlags } from '../../core/pgo/plan';
import { stageProfdata } from '../../core/pgo/stage';
import { outputPaths } from '../../core/layout/output-paths';
import { describeCoverage, missingProfileFunctions, parseProfdataShow, type ProfileStats } from '../../core/pgo/stats';
import { run } from '../../core/process/run';
import { Progress } from '../../core/progress';
import { cargoArgsFrom, reportBinaries, setupBuild } from '../shared/build-executor';
import type { BuildPgoExecutorOptions } from './schema';
import { countBeforeAfterPgo, DEFAULT_COUNT_RUNS, MIN_COUNT_RUNS, resolveCountArgs, valgrindVersion } from '../../core/count';
import { readPackageInfo } from '../../core/pgo/package';
import { countedEntry, noCountedEntry, resolveWorkload } from '../../core/pgo/workload';
import { featureList, planFeatures } from '../../core/cargo/features';
import { readPgoRecord } from '../../core/pgo/record';

/** Optimized build with -Cprofile-use of the pgo-profile target's .profdata, reporting how well it covers the code. */
export default async function buildPgoExecutor(options: BuildPgoExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const progress = new Progress('build-pgo', options.count ? 3 : 2);
  try {
    const setup = setupBuild(options, context, 'pgo');
    const profile = options.profile ?? 'production';
    const profdataRel = options.profdata ?? outputPaths.profdata(setup.project);
    const profdata = path.resolve(context.root, profdataRel);
    if (!fs.existsSync(profdata) || fs.statSync(profdata).size === 0)
      throw new Error(`${profdata} does not exist or is empty: run \`nx run ${setup.project}:pgo-profile\` first (build-pgo depends on it), or set the \`profdata\` option.`);
    const host = await setup.context.host();
    // The features the profile was recorded with (pgo-profile's pgo.json): the same code, and the workload's binary built.
    const recorded = readPgoRecord(profdata)?.features ?? [];
    const features = [...new Set([...featureList(options.features), ...recorded])];
    const fromProfile = recorded.filter((f) => !featureList(options.features).includes(f));
    if (fromProfile.length > 0) console.log(`  building with --features ${features.join(',')} (${fromProfile.join(', ')} as the profile was recorded with, ${path.join(path.relative(context.root, path.dirname(profdata)), 'pgo.json')})`);
    // --count: fail before the build when counting cannot happen.
    let count: { bin: string; kind: 'bin' | 'bench'; args: string[]; source: string; cwd: string; env?: Record<string, string> } | undefined;
    const countRuns = options.countRuns ?? DEFAULT_COUNT_RUNS;
    if (options.count && (!Number.isInteger(countRuns) || countRuns < MIN_COUNT_RUNS)) throw new Error(`countRuns must be an integer of at least ${MIN_COUNT_RUNS} (one count cannot show that counts repeat); got ${options.countRuns}`);
    if (options.count) {
      const pkg = await readPackageInfo(setup.cargoRoot, setup.pkg, false);
      const workload = resolveWorkload(undefined, pkg);
      const entry = countedEntry(workload.entries, pkg);
      if (!entry) throw noCountedEntry(workload.source);
      const countArgs = resolveCountArgs(options.countArgs, pkg.metadata, pkg.manifestPath, entry.args);
      console.log(`  counting with ${await valgrindVersion()}: \`${entry.kind === 'bench' ? 'bench ' : ''}${entry.name} ${countArgs.args.join(' ')}\` (args from ${countArgs.source})`);
      // A latency program runs from its crate folder, as cargo bench runs it (it may write files relative to it).
      count = { bin: entry.name, kind: entry.kind, args: countArgs.args, source: countArgs.source, cwd: entry.kind === 'bench' ? path.dirname(pkg.manifestPath) : setup.cargoRoot, env: entry.env };
      features.push(...planFeatures(features, pkg.targets ?? [], [{ kind: entry.kind, name: entry.name }], options.allFeatures).features.filter((f) => !features.includes(f)));
    }
    const { usePath } = stageProfdata(profdata, setup.targetDir);
    const result = await progress.phase(`optimized build of ${setup.pkg} (profile \`${profile}\`, ${path.relative(context.root, profdata)})`, () =>
      runCargoBuild({
        cargoRoot: setup.cargoRoot,
        args: cargoArgsFrom({ ...options, features }, setup.pkg, profile, options.target ?? host),
        addRustflags: profileUseFlags(usePath, options.cpu),
        addedBy: `the ${context.targetName ?? 'build-pgo'} target (its profdata option${options.cpu ? ` and cpu = ${options.cpu}` : ''})`,
        env: process.env,
        targetDir: pgoUseTargetDir(setup.targetDir, setup.pkg),
        context: setup.context,
      }),
    );
    await progress.phase('publish binaries and coverage', async () => {
      reportBinaries(setup, result.artifacts, { profile, rustflags: result.rustflags, durationMs: result.durationMs, compiled: result.compiled, buildKind: result.buildKind });
      let stats: ProfileStats | undefined;
      try {
        const tool = await setup.context.llvmProfdata();
        const shown = await run(tool.path, ['show', usePath], { cwd: setup.cargoRoot });
        stats = parseProfdataShow(shown.stdout);
      } catch {
        // coverage numbers are feedback only
      }
      const missing = missingProfileFunctions(result.stderr);
      console.log(`PGO coverage: ${describeCoverage(stats, missing.length)}.`);
      if (missing.length > 0) console.log(`  e.g. ${missing.slice(0, 5).join(', ')}${missing.length > 5 ? ', …' : ''} — rerun pgo-profile if the code changed.`);
    });
    if (count) {
      const c = count;
      await progress.phase(`counted runs without and with PGO (valgrind, ${countRuns} each)`, () =>
        countBeforeAfterPgo({ cargoRoot: setup.cargoRoot, package: setup.pkg, profile, bin: c.bin, kind: c.kind, profileUsePath: usePath, host, targetDir: setup.targetDir, args: c.args, argsSource: c.source, cwd: c.cwd, env: c.env, runs: countRuns, features, context: setup.context }),
      );
    }
    console.log(`${setup.pkg}: PGO build done in ${progress.elapsed()}${options.cpu ? ` (target-cpu=${options.cpu})` : ''}.`);
    return { success: true };
  } catch (e) {
    console.error((e as Error).message);
    return { success: false };
  }
}
