import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { checkBoltInput, explainBoltFailure, readElf } from '../../core/bolt/elf';
import { checkFdata, listFdata } from '../../core/bolt/fdata';
import { boltLayout, boltProfileDir, checkBoltTarget, instrumentArgv, portableFlags, RELOCS_DIR } from '../../core/bolt/plan';
import { describeBoltRecord, writeBoltRecord, type BoltProfileRecord } from '../../core/bolt/record';
import { buildBoltInput } from './input';
import { checkBoltWorkload, runBoltWorkload } from '../../core/bolt/workload';
import { replaceDirAtomic } from '../../core/fs/atomic';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { readPackageInfo } from '../../core/pgo/package';
import { newRunId } from '../../core/pgo/plan';
import { removeStaleRuns } from '../../core/pgo/profraw';
import { describeEntry, resolveWorkload, workloadBuildTargets, WorkloadError } from '../../core/pgo/workload';
import { describeAddedFeatures, featureList, planFeatures } from '../../core/cargo/features';
import { readPgoRecord } from '../../core/pgo/record';
import { CommandFailedError, run, runChecked } from '../../core/process/run';
import { Progress } from '../../core/progress';
import { setupBuild } from '../shared/build-executor';
import type { BoltProfileExecutorOptions } from './schema';

/** Build with relocations → llvm-bolt -instrument → workload → merge-fdata → <bin>.fdata + relocs/<bin>, published atomically. */
export default async function boltProfileExecutor(options: BoltProfileExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const progress = new Progress('bolt-profile', 5);
  let runDir: string | undefined;
  try {
    const setup = setupBuild(options, context, 'bolt');
    const outDir = resolveOutputDir(context.root, options.outputPath, boltProfileDir(setup.project));
    const profile = options.profile ?? 'release';
    const { pkg, workload, tool, target } = await progress.phase('workload and tools', async () => {
      const target = options.target ?? (await setup.context.host());
      checkBoltTarget(target);
      const pkg = await readPackageInfo(setup.cargoRoot, setup.pkg, false);
      const workload = resolveWorkload(options.workload, pkg);
      checkBoltWorkload(workload, pkg);
      // Before a long build: fail fast when no llvm-bolt exists.
      const tool = await setup.context.llvmBolt();
      console.log(`  workload (from ${workload.source}): ${workload.entries.map(describeEntry).join(' | ')}`);
      console.log(`  llvm-bolt: ${tool.path} (LLVM ${tool.version}); merge-fdata: ${tool.mergeFdata}`);
      return { pkg, workload, tool, target };
    });
    // The PGO profile's features (pgo.json beside it), then the required-features of the binaries BOLT rewrites.
    const recorded = options.profdata ? (readPgoRecord(path.resolve(context.root, options.profdata))?.features ?? []) : [];
    const base = [...new Set([...featureList(options.features), ...recorded])];
    const bins = options.bins?.length ? options.bins : workloadBuildTargets(workload.entries, pkg, base).bins;
    const unknown = bins.filter((b) => !pkg.bins.includes(b));
    if (unknown.length > 0) throw new WorkloadError(`${unknown.join(', ')} ${unknown.length === 1 ? 'is not a binary' : 'are not binaries'} of ${pkg.name} (${pkg.manifestPath}); its binaries: ${pkg.bins.join(', ') || 'none'}`);
    const features = planFeatures(base, pkg.targets ?? [], bins.map((name) => ({ kind: 'bin' as const, name })), options.allFeatures);
    const added = describeAddedFeatures(features);
    if (added) console.log(`  ${added}`);
    else if (recorded.length > 0) console.log(`  building with --features ${features.features.join(',')} (as the PGO profile was recorded with)`);
    const layout = boltLayout(setup.targetDir, setup.pkg, newRunId(process.pid, Date.now()));
    runDir = layout.runDir;
    removeStaleRuns(layout.packageRunsDir, layout.runDir);
    fs.mkdirSync(layout.instrumentedDir, { recursive: true });
    fs.mkdirSync(layout.fdataDir, { recursive: true });

    const input = await progress.phase(`build ${setup.pkg} with relocations (profile \`${profile}\`${options.profdata ? ` + ${options.profdata}` : ''}, --target ${target})`, () =>
      buildBoltInput({ options: { ...options, features: features.features }, setup, profile, target, bins, layout, workspaceRoot: context.root }),
    );

    await progress.phase(`instrument with llvm-bolt ${tool.version}`, async () => {
      for (const [bin, file] of input.binaries) {
        const facts = readElf(file);
        checkBoltInput(facts, file);
        const r = await run(tool.path, instrumentArgv(file, path.join(layout.instrumentedDir, bin), path.join(layout.fdataDir, bin)), { cwd: setup.cargoRoot });
        if (r.exitCode !== 0) {
          const tail = (r.stdout + r.stderr).trimEnd().split('\n').slice(-8).join('\n');
          const why = explainBoltFailure(facts);
          throw new CommandFailedError(r, `llvm-bolt could not instrument ${file} (kept there for inspection):\n${tail}${why ? `\n${why}` : ''}`);
        }
        console.log(`  ${bin}: instrumented`);
      }
    });

    await progress.phase(`workload (${workload.entries.length} command${workload.entries.length === 1 ? '' : 's'})`, () =>
      runBoltWorkload({ entries: workload.entries, instrumentedDir: layout.instrumentedDir, cargoRoot: setup.cargoRoot, workspaceRoot: context.root, allowWorkloadFailure: options.allowWorkloadFailure }),
    );

    await progress.phase(`merge with merge-fdata and publish`, async () => {
      const { profiled, unprofiled } = checkFdata(listFdata(layout.fdataDir, [...input.binaries.keys()]), layout.fdataDir, workload.entries.map(describeEntry));
      for (const bin of unprofiled) console.log(`  ${bin}: the workload did not run it to a normal exit; no profile, build-bolt skips it`);
      const merged = new Map<string, string>();
      for (const f of profiled) {
        const out = path.join(layout.runDir, `${f.bin}.fdata`);
        await runChecked(tool.mergeFdata, ['-q', '-o', out, ...f.files], { cwd: setup.cargoRoot, hint: `merging ${f.files.length} .fdata files of ${f.bin} from ${layout.fdataDir}` });
        merged.set(f.bin, out);
      }
      const record: BoltProfileRecord = { llvmBolt: tool.version, profile, target, profdata: input.profdataName, rustflags: portableFlags(input.rustflags, setup.targetDir), durationMs: input.durationMs, bins: [...merged.keys()] };
      replaceDirAtomic(outDir, (dir) => {
        fs.mkdirSync(path.join(dir, RELOCS_DIR));
        for (const [bin, fdata] of merged) {
          fs.copyFileSync(fdata, path.join(dir, `${bin}.fdata`));
          const exe = input.binaries.get(bin)!;
          fs.copyFileSync(exe, path.join(dir, RELOCS_DIR, bin));
          fs.chmodSync(path.join(dir, RELOCS_DIR, bin), fs.statSync(exe).mode);
        }
        writeBoltRecord(dir, record);
      });
      for (const f of profiled) {
        const rel = path.relative(context.root, path.join(outDir, `${f.bin}.fdata`));
        console.log(`  → ${rel} (${(fs.statSync(path.join(outDir, `${f.bin}.fdata`)).size / 1024).toFixed(0)} KiB from ${f.files.length} process${f.files.length === 1 ? '' : 'es'}) and ${path.relative(context.root, path.join(outDir, RELOCS_DIR, f.bin))}`);
      }
      console.log(`  ${describeBoltRecord(record)}`);
    });
    fs.rmSync(layout.runDir, { recursive: true, force: true });
    console.log(`${setup.pkg}: BOLT profile ready in ${progress.elapsed()}.`);
    return { success: true };
  } catch (e) {
    console.error((e as Error).message);
    if (runDir && fs.existsSync(runDir)) console.error(`(instrumented binaries and raw profiles kept for inspection in ${runDir}; the next run removes them)`);
    return { success: false };
  }
}
