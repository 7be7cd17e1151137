import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { checkBoltInput, explainBoltFailure, readElf } from '../../core/bolt/elf';
import { boltLayout, boltProfileDir, BOLT_OPTIMIZE_OPTIONS, optimizeArgv, RELOCS_DIR } from '../../core/bolt/plan';
import { describeBoltRecord, readBoltRecord, BOLT_RECORD } from '../../core/bolt/record';
import { describeBoltStats, parseBoltOutput } from '../../core/bolt/stats';
import { replaceDirAtomic, writeFileAtomic } from '../../core/fs/atomic';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { newRunId } from '../../core/pgo/plan';
import { removeStaleRuns } from '../../core/pgo/profraw';
import { describeCommand, run } from '../../core/process/run';
import { Progress, formatSeconds } from '../../core/progress';
import { setupBuild, type BuildRecord } from '../shared/build-executor';
import type { BuildBoltExecutorOptions } from './schema';

export class BoltFailedError extends Error {}

/** llvm-bolt <relocs/bin> -o <bin> -data=<bin>.fdata with the layout options; publishes the optimized binaries whole or not at all. */
export default async function buildBoltExecutor(options: BuildBoltExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const progress = new Progress('build-bolt', 3);
  let runDir: string | undefined;
  try {
    const setup = setupBuild(options, context, 'bolt');
    const profileDir = resolveOutputDir(context.root, options.profileDir, boltProfileDir(setup.project));
    const { record, tool, bins } = await progress.phase('profile and tools', async () => {
      const record = readBoltRecord(profileDir);
      if (!record || record.bins.length === 0)
        throw new Error(`${path.join(profileDir, BOLT_RECORD)} is missing: run \`nx run ${setup.project}:bolt-profile\` first (build-bolt depends on it), or set the \`profileDir\` option.`);
      const bins = options.bins?.length ? options.bins : record.bins;
      for (const bin of bins) {
        for (const f of [path.join(profileDir, `${bin}.fdata`), path.join(profileDir, RELOCS_DIR, bin)])
          if (!fs.existsSync(f)) throw new Error(`${f} is missing: bolt-profile published profiles for ${record.bins.join(', ')}; run \`nx run ${setup.project}:bolt-profile\` again.`);
        const input = path.join(profileDir, RELOCS_DIR, bin);
        checkBoltInput(readElf(input), input);
      }
      const tool = await setup.context.llvmBolt();
      console.log(`  ${describeBoltRecord(record)}`);
      console.log(`  llvm-bolt: ${tool.path} (LLVM ${tool.version})`);
      if (tool.version !== record.llvmBolt) console.log(`  note: the profile was recorded with llvm-bolt ${record.llvmBolt}; optimizing with ${tool.version}`);
      return { record, tool, bins };
    });

    const layout = boltLayout(setup.targetDir, setup.pkg, newRunId(process.pid, Date.now()));
    runDir = path.join(layout.optimizeRunsDir, path.basename(layout.runDir));
    removeStaleRuns(layout.optimizeRunsDir, runDir);
    fs.mkdirSync(runDir, { recursive: true });
    const work = runDir;
    const boltOptions = options.boltOptions ?? BOLT_OPTIMIZE_OPTIONS.map((o) => o.arg);
    const boltMs = await progress.phase(`optimize with llvm-bolt ${tool.version}`, async () => {
      let total = 0;
      for (const bin of bins) {
        const input = path.join(profileDir, RELOCS_DIR, bin);
        const argv = optimizeArgv(input, path.join(work, bin), path.join(profileDir, `${bin}.fdata`), boltOptions);
        console.log(`  $ ${describeCommand(tool.path, argv)}`);
        const r = await run(tool.path, argv, { cwd: setup.cargoRoot });
        total += r.durationMs;
        const log = r.stdout + r.stderr;
        writeFileAtomic(path.join(work, `${bin}.bolt.log`), log);
        if (r.exitCode !== 0 || !fs.existsSync(path.join(work, bin))) {
          const how = r.signal ? `was ended by ${r.signal} (a crash in llvm-bolt)` : `exited with code ${r.exitCode}`;
          const tail = log.trimEnd().split('\n').slice(-15).join('\n');
          const why = explainBoltFailure(readElf(input));
          throw new BoltFailedError(
            `llvm-bolt ${how} while optimizing ${bin}; nothing was published and the previous output of build-bolt is unchanged.\n${tail}\n${why ? `${why}\n` : ''}` +
              `The input binary is kept in ${input} and the profile in ${path.join(profileDir, `${bin}.fdata`)}; the full log in ${path.join(work, `${bin}.bolt.log`)}.\n` +
              'Fix: retry with fewer layout options (the target\'s `boltOptions`, e.g. ["-reorder-blocks=ext-tsp", "-reorder-functions=cdsort"]), or use build-pgo\'s binary; report BOLT crashes to LLVM with the input, profile and log.',
          );
        }
        // A binary BOLT wrote must still be an executable for the same machine.
        const facts = readElf(path.join(work, bin));
        if (!facts.executable) throw new BoltFailedError(`llvm-bolt wrote ${path.join(work, bin)}, which is not an executable; nothing was published.`);
        console.log(`  ${bin}: ${describeBoltStats(parseBoltOutput(log))}; ${formatSeconds(r.durationMs)}`);
      }
      return total;
    });

    await progress.phase('publish', async () => {
      const built: BuildRecord = { profile: record.profile, rustflags: record.rustflags, durationMs: record.durationMs + boltMs, compiled: true };
      replaceDirAtomic(setup.outDir, (dir) => {
        for (const bin of bins) {
          fs.copyFileSync(path.join(work, bin), path.join(dir, bin));
          fs.chmodSync(path.join(dir, bin), 0o755);
        }
        fs.writeFileSync(path.join(dir, 'build.json'), JSON.stringify(built, null, 2) + '\n');
      });
      for (const bin of bins) {
        const p = path.join(setup.outDir, bin);
        const before = fs.statSync(path.join(profileDir, RELOCS_DIR, bin)).size;
        console.log(`  → ${path.relative(context.root, p)} (${(fs.statSync(p).size / 1e6).toFixed(1)} MB; input ${(before / 1e6).toFixed(1)} MB)`);
      }
    });
    fs.rmSync(work, { recursive: true, force: true });
    console.log(`${setup.pkg}: BOLT build done in ${progress.elapsed()}.`);
    return { success: true };
  } catch (e) {
    console.error((e as Error).message);
    return { success: false };
  }
}
