import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import type { ExecutorContext } from '@nx/devkit';
import { logger } from '../shared/log';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import { createPhaseLog, type PhaseLog } from '../../core/bench/progress';
import { writeFileAtomic } from '../../core/fs/atomic';
import { perfRecordArgs, perfScriptArgs } from '../../core/flamegraph/perf';
import { argsFix, cargoBuildArgs, chooseSubject, executableFromMessages, subjectWorkload } from '../../core/flamegraph/plan';
import { checkBareRun } from '../../core/flamegraph/bare-run';
import { definesProfile, elfHasSymtab, resolveStrip, usesLldOrMold } from '../../core/flamegraph/profile';
import { checkPerf, ensureInferno } from '../shared/perf-tools';
import { describeAddedFeatures, planFeatures } from '../../core/cargo/features';
import { skipBenchesOf } from '../../core/cargo/skip-benches';
import { describeCommand, run, runChecked } from '../../core/process/run';
import { planRustflags } from '../../core/rustflags/rustflags';
import { rustcInfo } from '../../core/toolchain/rustc';
import type { FlamegraphExecutorSchema } from './schema';
import { resolveOutputDir } from '../../core/fs/output-dir';

export default async function flamegraphExecutor(options: FlamegraphExecutorSchema, context: ExecutorContext): Promise<{ success: boolean }> {
  const log = createPhaseLog('flamegraph', (line) => logger.info(line));
  try {
    await record(options, context, log);
    return { success: true };
  } catch (e) {
    logger.error(`rust-perf flamegraph failed: ${e instanceof Error ? e.message : String(e)}`);
    return { success: false };
  }
}

async function record(options: FlamegraphExecutorSchema, context: ExecutorContext, log: PhaseLog): Promise<void> {
  const project = context.projectName ?? options.package ?? 'flamegraph';
  const pkgName = options.package ?? project;
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'flamegraph', project));

  // Cheap checks first (perf, options, profile, inferno): failing after a long build wastes the user's time.
  const { event } = await checkPerf(cargoRoot, log);
  const metadata = await cargoMetadata(cargoRoot);
  const pkg = findPackage(metadata, pkgName, cargoRoot);
  const subject = chooseSubject(
    pkg,
    { bin: options.bin, bench: options.bench, args: options.args?.map(String), filter: options.filter, profileTime: options.profileTime ?? 5 },
    subjectWorkload(context.projectsConfigurations?.projects[project]?.targets ?? {}, project, pkg),
    skipBenchesOf(pkg.metadata, pkg.manifest_path),
  );
  if (subject.pickedBecause) log.phase(`recording ${subject.kind} ${subject.name}: ${subject.pickedBecause} (the "${subject.kind}" option picks another)`);
  // A target with required-features builds only with them on: cargo refuses `--bin <it>` otherwise.
  const features = planFeatures(options.features, pkg.targets, [{ kind: subject.kind, name: subject.name }]);
  const featureNote = describeAddedFeatures(features);
  if (featureNote) log.phase(featureNote);
  if (subject.argsFrom === 'workload') log.phase(`${subject.kind} ${subject.name} runs with the workload's args (${subject.workloadSource}): ${describeCommand(subject.name, subject.args)}`);

  const rootManifest = path.join(metadata.workspace_root, 'Cargo.toml');
  const manifestText = fs.readFileSync(rootManifest, 'utf8');
  const profile = options.profile ?? (definesProfile(manifestText, rootManifest, 'profiling') ? 'profiling' : 'bench');
  const strip = resolveStrip(manifestText, rootManifest, profile, process.env);
  if (strip.strip === 'symbols') {
    throw new Error(
      `the \`${profile}\` profile strips symbols (${strip.source}), so the flamegraph would only show hex addresses. ` +
        `Use a profile that keeps them (add [profile.profiling] with inherits = "release", debug = "line-tables-only", strip = "none" — rust-perf's init does), or set "profile".`,
    );
  }

  const rustc = await rustcInfo(cargoRoot);
  const probe = await planRustflags({ cargoRoot, env: process.env, add: [] });
  const add = usesLldOrMold(probe.flags, probe.target ?? rustc.host, rustc.release) ? ['-Clink-arg=-Wl,--no-rosegment'] : [];
  const flags = await planRustflags({ cargoRoot, env: process.env, add });
  for (const w of flags.warnings) logger.warn(w);
  // Before installing inferno and building: both take minutes the first time.
  await checkBareRun(subject, project, pkg, metadata.target_directory, profile, flags.target !== rustc.host ? flags.target : undefined, log);

  // inferno is installed (minutes, the first time) only once the build has shown that the target builds.
  if (!(options.installTools ?? true)) await ensureInferno(false, [cargoRoot, context.root], log);
  const buildArgs = (json: boolean) => cargoBuildArgs(pkg.name, subject, profile, json, features.features);
  log.phase(`cargo ${buildArgs(false).join(' ')}${add.length ? ` (rustflags + ${add.join(' ')})` : ''}`);
  await runChecked('cargo', buildArgs(false), { cwd: cargoRoot, env: flags.env, echo: true });
  const messages = await runChecked('cargo', buildArgs(true), { cwd: cargoRoot, env: flags.env });
  const exe = executableFromMessages(messages.stdout, subject);
  if (!exe) throw new Error(`cargo did not report an executable for ${subject.kind} \`${subject.name}\` (\`${messages.command}\`)`);
  const inferno = await ensureInferno(options.installTools ?? true, [cargoRoot, context.root], log);
  if (!elfHasSymtab(exe)) {
    throw new Error(`${exe} has no symbol table (stripped), so the flamegraph would only show hex addresses. Build with a profile that sets strip = "none" or "debuginfo".`);
  }

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-flamegraph-'));
  try {
    const data = path.join(tmp, 'perf.data');
    const recordArgs = perfRecordArgs({
      frequency: options.frequency ?? 997,
      callGraph: options.callGraph ?? 'dwarf',
      event,
      output: data,
      program: exe,
      args: subject.args,
    });
    log.phase(`perf ${recordArgs.join(' ')}`);
    // The workload runs from the crate's folder, as `cargo run`/`cargo bench` would start it.
    // CARGO_TARGET_DIR: criterion would otherwise spawn `cargo metadata` under perf to find it.
    const recorded = await run('perf', recordArgs, {
      cwd: path.dirname(pkg.manifest_path),
      env: { ...subject.env, CARGO_TARGET_DIR: metadata.target_directory },
      echo: true,
    });
    if (recorded.exitCode !== 0 || !fs.existsSync(data)) {
      const hint = subject.argsFrom === 'none' && subject.kind === 'bin' ? ` It ran without arguments; if it needs some: ${argsFix(project, pkg.manifest_path, subject.name)}` : '';
      throw new Error(`\`${recorded.command}\` exited with code ${recorded.exitCode}${recorded.signal ? ` (${recorded.signal})` : ''}; perf's and the program's messages are above.${hint}`);
    }
    log.phase('perf script | inferno-collapse-perf');
    const script = await runChecked('perf', perfScriptArgs(data), { cwd: tmp });
    const collapsed = await runChecked(inferno.collapsePerf, [], { cwd: tmp, input: script.stdout });
    if (collapsed.stdout.trim() === '') throw new Error(`perf recorded no samples of ${exe} (did it run long enough? try a longer workload or profileTime).`);
    const title = `${project}: ${subject.kind} ${subject.name} (${profile} profile, ${event ?? 'cycles'} @ ${options.frequency ?? 997} Hz)`;
    const svg = await runChecked(inferno.flamegraph, ['--title', title], { cwd: tmp, input: collapsed.stdout });

    const base = path.join(outputDir, subject.name);
    writeFileAtomic(`${base}.folded`, collapsed.stdout);
    writeFileAtomic(`${base}.svg`, svg.stdout);
    const samples = /\((\d+) samples\)/.exec(recorded.stderr)?.[1];
    log.phase(`wrote ${path.relative(context.root, `${base}.svg`)} and ${path.basename(base)}.folded (${samples ?? 'unknown number of'} samples); open the SVG in a browser`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
