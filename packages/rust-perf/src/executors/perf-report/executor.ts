// perf-report: the project's binary in a matrix of build configurations, each timed on the project's
// own workload, written as report.json / report.md / report.svg. The configurations are rows of data
// (core/report/configurations.ts); this executor loops over the ones asked for. Binaries of
// build-release, build-native, build-pgo and build-bolt come from those targets' outputs, run through
// Nx for the configurations asked for only (core/report/plan.ts); the report builds the rest itself.
// With counting on (the default), each configuration is also built for one CPU level valgrind decodes
// and counted under cachegrind (countRuns times) and DHAT (once) (counting.ts): counted columns beside
// wall time, with a change between configurations only when one binary's counts repeat (fixed-work).
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { replaceDirAtomic } from '../../core/fs/atomic';
import { readPackageInfo } from '../../core/pgo/package';
import { resolveWorkload } from '../../core/pgo/workload';
import { SYSTEM_ALLOCATOR_FEATURE } from '../../core/allocator/allocator';
import { getIn, parseToml } from '../../core/toml/toml';
import { Progress } from '../../core/progress';
import { renderMarkdown, renderSvg, reportRepeatability, REPORT_COLUMNS, type Counting, type Report } from '../../core/report/report';
import { CACHE_GEOMETRY, COUNT_CPU, DEFAULT_COUNT_RUNS, describeRepeatability, ESTIMATED_CYCLES_FORMULA, MIN_COUNT_RUNS, resolveCountArgs, valgrindVersion } from '../../core/count';
import { outputPaths } from '../../core/layout/output-paths';
import { setupBuild } from '../shared/build-executor';
import { reportBuildPlan } from '../../core/report/plan';
import { buildSpec, checkConfigurationNames, chooseConfigurations, reportConfiguration, type BuildContext, type BuildSpec } from '../../core/report/configurations';
import { projectTargets, runNxTargets } from './nx-targets';
import { configurationBinary, profileUseOnce, type Candidate } from './binaries';
import { countConfigurations, type Counted } from './counting';
import { configResults, timeRuns } from './runs';
import type { PerfReportExecutorOptions } from './schema';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { THP_CONFIGURATION, type MemorySection } from '../../core/report/memory';
import { faultsAndTlb, type ThpSetup } from '../../core/memory/thp-run';
import { kernelRoots } from '../../core/memory/hugepages';

export default async function perfReportExecutor(options: PerfReportExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const runs = options.runs ?? 5;
  const countRuns = options.countRuns ?? DEFAULT_COUNT_RUNS;
  try {
    checkConfigurationNames(options.configurations);
    if (!Number.isInteger(runs) || runs < 1) throw new Error('runs must be a positive integer');
    if (!Number.isInteger(countRuns) || countRuns < MIN_COUNT_RUNS) throw new Error(`countRuns must be an integer of at least ${MIN_COUNT_RUNS} (one count cannot show that counts repeat); got ${options.countRuns}`);
    const setup = setupBuild(options, context, 'report');
    const outDir = resolveOutputDir(context.root, options.outputPath, outputPaths.perfReport(setup.project));
    const pkg = await readPackageInfo(setup.cargoRoot, setup.pkg, false);
    // With rust-perf:allocator's feature the same code builds with and without the allocator.
    const hasAllocator = getIn(parseToml(fs.readFileSync(pkg.manifestPath, 'utf8'), pkg.manifestPath), ['features', SYSTEM_ALLOCATOR_FEATURE]) !== undefined;
    const allocatorNote = `${pkg.manifestPath} has no \`${SYSTEM_ALLOCATOR_FEATURE}\` feature: run \`nx g rust-perf:allocator --project ${setup.project}\` to compare the allocator with the system one`;
    const { wanted, note } = chooseConfigurations(options.configurations, hasAllocator, allocatorNote);
    if (note) console.log(`  (${note})`);
    const entry = resolveWorkload(options.workload, pkg).entries.find((e) => 'bin' in e);
    if (!entry || !('bin' in entry)) throw new Error(`perf-report needs a workload that runs a binary ({ bin, args }) in ${pkg.manifestPath} [package.metadata.rust-perf] or the workload option.`);
    const rustc = await setup.context.rustc();
    const pgoProfile = options.pgoProfile ?? 'release';
    const targets = projectTargets(context);
    const plan = reportBuildPlan(wanted, Object.fromEntries(Object.entries(targets).map(([n, t]) => [n, t.executor])), setup.project);
    // A reused binary sits in its target's outputPath (inference qualifies it when two roots share a crate name).
    const dist = (configuration: string, kind: string) => {
      const outputPath = targets[plan.fromTarget[configuration]]?.options?.outputPath;
      return path.resolve(context.root, typeof outputPath === 'string' ? outputPath : outputPaths.build(setup.project, kind));
    };

    const count = options.count !== false;
    // valgrind missing: one line naming the package, and the report without counted columns' numbers.
    let missing: string | undefined;
    let countingTool = '';
    if (count) {
      try {
        countingTool = `${await valgrindVersion()} (cachegrind + DHAT)`;
      } catch (e) {
        missing = (e as Error).message;
        console.log(`  not counted: ${missing}`);
      }
    }
    const progress = new Progress('perf-report', (count && missing === undefined ? 5 : 3) + (plan.nxTargets.length > 0 ? 1 : 0) + (wanted.includes(THP_CONFIGURATION) ? 1 : 0));
    if (plan.nxTargets.length > 0)
      await progress.phase(`nx targets for ${Object.keys(plan.fromTarget).join(', ')}: ${plan.nxTargets.join(', ')}`, () => runNxTargets(context, setup.project, plan.nxTargets));
    if (plan.ownBuilds.length > 0) console.log(`  perf-report builds ${plan.ownBuilds.join(', ')} itself, each in its own target dir`);
    const roots = kernelRoots();
    const profdata = options.profdata ?? outputPaths.profdata(setup.project);
    const build: BuildContext = { pgoProfile, host: rustc.host, profileUse: profileUseOnce(context.root, setup.targetDir, profdata) };
    const binaryContext = { setup, root: context.root, bin: entry.bin, workloadEnv: entry.env, roots, describe: { hasAllocator, pgoProfile }, build, dist, fromTarget: plan.fromTarget };
    // The same builds as the binaries (or as the reused targets'), for counting.
    const specs: Array<[string, BuildSpec]> = [];
    let thp: ThpSetup | undefined;
    const candidates = await progress.phase(`binaries for ${wanted.join(', ')}`, async () => {
      const out: Candidate[] = [];
      for (const name of wanted) {
        console.log(`  ${name}:`);
        const got = await configurationBinary(name, binaryContext);
        if (got.candidate) out.push(got.candidate);
        if (got.thp) thp = got.thp;
        const row = reportConfiguration(name);
        if (count && row.notCounted === undefined) specs.push([name, buildSpec(row, build)]);
      }
      return out;
    });

    if (candidates.length === 0) throw new Error(`nothing to measure: ${thp && !thp.plan.applicable ? `${THP_CONFIGURATION} is not applicable: ${thp.plan.reason}` : 'no configuration'}`);
    const countArgs = count ? resolveCountArgs(options.countArgs, pkg.metadata, pkg.manifestPath, entry.args ?? []) : undefined;
    const counted: Counted = countArgs ? await countConfigurations(wanted, specs, { setup, entry, args: countArgs.args, argsSource: countArgs.source, countRuns, missing, progress }) : new Map();

    const workload = { bin: entry.bin, args: entry.args ?? [], env: entry.env, cwd: setup.cargoRoot, ...(thp ? { hugePagesProc: roots.proc } : {}) };
    const timings = await progress.phase(`workload \`${entry.bin} ${workload.args.join(' ')}\` × ${runs} per configuration, interleaved`, () => timeRuns(candidates, workload, runs));

    // A few runs each under perf stat, after the timed ones so perf's own work does not enter their times.
    const statRuns = candidates.filter((c) => c.name === 'release' || c.name === THP_CONFIGURATION);
    const statRounds = Math.min(3, runs);
    const memory: MemorySection | undefined = thp
      ? { ...thp.section, ...(await progress.phase(`page faults and dTLB misses: perf stat × ${statRounds} for ${statRuns.map((c) => c.name).join(', ')}`, () => faultsAndTlb(statRuns.map((c) => ({ name: c.name, file: c.binary, args: workload.args, cwd: setup.cargoRoot, env: { ...entry.env, ...c.env } })), statRounds))) }
      : undefined;
    const report = await progress.phase('disassemble, summarize and write report.json, report.md, report.svg', async () => {
      const configs = await configResults(candidates, timings, counted, setup.cargoRoot);
      const repeatability = countArgs ? reportRepeatability(configs) : undefined;
      if (repeatability) console.log(`  counted work: ${describeRepeatability(repeatability)}`);
      const counting: Counting | undefined = countArgs
        ? { cpu: COUNT_CPU, args: countArgs.args, argsSource: countArgs.source, tool: countingTool || 'valgrind (not available)', cacheGeometry: `caches ${CACHE_GEOMETRY.join(' ')}`, formula: ESTIMATED_CYCLES_FORMULA, runs: countRuns, ...(repeatability ? { repeatability } : {}) }
        : undefined;
      const r: Report = {
        schemaVersion: 1,
        project: setup.project,
        createdAt: new Date().toISOString(),
        machine: { cpu: os.cpus()[0]?.model ?? 'unknown CPU', cores: os.cpus().length, rustc: `rustc ${rustc.release} (LLVM ${rustc.llvmVersion})` },
        workload: [entry.bin, ...workload.args].join(' '),
        runs,
        baseline: configs.some((c) => c.name === 'release') ? 'release' : configs[0].name,
        configs,
        ...(counting ? { counting } : {}),
        columns: REPORT_COLUMNS,
        ...(memory ? { memory } : {}),
      };
      // The three files appear together or not at all.
      replaceDirAtomic(outDir, (dir) => {
        fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(r, null, 2) + '\n');
        fs.writeFileSync(path.join(dir, 'report.md'), renderMarkdown(r));
        fs.writeFileSync(path.join(dir, 'report.svg'), renderSvg(r));
      });
      return r;
    });
    console.log('\n' + renderMarkdown(report));
    console.log(`→ ${path.relative(context.root, outDir)}/report.{json,md,svg} in ${progress.elapsed()}`);
    return { success: true };
  } catch (e) {
    console.error((e as Error).message);
    return { success: false };
  }
}
