// perf-report: the project's binary in a matrix of build configurations, each timed on the project's
// own workload, written as report.json / report.md / report.svg. Binaries of build-release,
// build-native, build-pgo and build-bolt come from those targets' outputs, run through Nx for the
// configurations asked for only (core/report/plan.ts); the report builds the configurations no target produces.
// With counting on (the default), each configuration is also built for one CPU level valgrind decodes
// and counted under cachegrind (countRuns times) and DHAT (once) (core/count): counted columns beside
// wall time, with a change between configurations only when one binary's counts repeat (fixed-work).
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import type { ExecutorContext } from '@nx/devkit';
import { runCargoBuild } from '../../core/cargo/build';
import { copyFileAtomic, replaceDirAtomic, writeFileAtomic } from '../../core/fs/atomic';
import { readPackageInfo } from '../../core/pgo/package';
import { profileUseFlags, profileUsePath } from '../../core/pgo/plan';
import { resolveWorkload } from '../../core/pgo/workload';
import { SYSTEM_ALLOCATOR_FEATURE } from '../../core/allocator/allocator';
import { getIn, parseToml } from '../../core/toml/toml';
import { describeCommand, run } from '../../core/process/run';
import { formatSeconds, Progress } from '../../core/progress';
import { countVectorInstructions, eta, parseThroughput, renderMarkdown, renderSvg, reportRepeatability, spread, REPORT_COLUMNS, type ConfigResult, type Counting, type Report } from '../../core/report/report';
import {
  buildCountedBinary,
  CACHE_GEOMETRY,
  COUNT_CPU,
  countedRustflags,
  countRepeated,
  DEFAULT_COUNT_RUNS,
  describeRepeatability,
  ESTIMATED_CYCLES_FORMULA,
  formatCount,
  MIN_COUNT_RUNS,
  resolveCountArgs,
  valgrindVersion,
  watchPeakRss,
  type CountResult,
} from '../../core/count';
import { rustcInfo } from '../../core/toolchain/rustc';
import { lastMeasuredBuild, setupBuild, type BuildRecord, type BuildSetup } from '../shared/build-executor';
import { BOLT_REPORT_CONFIGURATION } from '../../core/bolt/plan';
import type { BuildKind } from '../../core/cargo/build';
import { reportBuildPlan } from '../../core/report/plan';
import { projectTargets, runNxTargets } from './nx-targets';
import type { PerfReportExecutorOptions } from './schema';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { THP_CONFIGURATION, hugePageColumns, type MemorySection } from '../../core/report/memory';
import { faultsAndTlb, prepareThp, type ThpSetup } from '../../core/memory/thp-run';
import { watchHugePages } from '../../core/memory/watch';
import { kernelRoots, type AnonymousMemory } from '../../core/memory/hugepages';

interface Candidate {
  name: string;
  description: string;
  binary: string;
  buildSeconds: number | null;
  buildKind?: BuildKind;
  source: string;
  /** On top of the workload's environment (the thp row's allocator switch). */
  env?: Record<string, string>;
}

/** How a configuration's binary is built: the counted build repeats it at COUNT_CPU. */
interface CountedSpec {
  profile: string;
  addRustflags: string[];
  target?: string;
  features?: string[];
  extraEnv?: Record<string, string>;
}

interface OwnBuild {
  name: string;
  description: string;
  profile: string;
  addRustflags: string[];
  extraEnv?: Record<string, string>;
  features?: string[];
}

const ALL_CONFIGS = ['dev', 'release', 'release+system-alloc', 'release+native', 'release+fat-lto', 'pgo', 'pgo+native', BOLT_REPORT_CONFIGURATION.name, THP_CONFIGURATION];
const ALLOCATOR_CONFIG = 'release+system-alloc';
// Asked for by name only: it needs llvm-bolt and runs bolt-profile's workload (build-bolt runs then).
// thp: a memory question (huge pages per process) rather than a build, asked for by name too.
const OPT_IN = new Set<string>([BOLT_REPORT_CONFIGURATION.name, THP_CONFIGURATION]);

/** A binary another target published, with the build time it recorded beside it. */
function reused(name: string, description: string, dir: string, bin: string, target: string, root: string): Candidate {
  const binary = path.join(dir, bin);
  if (!fs.existsSync(binary)) throw new Error(`${path.relative(root, binary)} is missing: the ${target} target ran but did not produce it (is ${bin} a binary of this package?).`);
  const record = path.join(dir, 'build.json');
  const data = fs.existsSync(record) ? (JSON.parse(fs.readFileSync(record, 'utf8')) as Partial<BuildRecord>) : undefined;
  // A record of an up-to-date cargo run measured no compilation: say so rather than print its 0.1 s.
  const seconds = data?.durationMs !== undefined && data.compiled !== false ? data.durationMs / 1000 : null;
  return { name, description, binary, buildSeconds: seconds, ...(data?.buildKind ? { buildKind: data.buildKind } : {}), source: `from ${target}` };
}

async function build(setup: BuildSetup, spec: OwnBuild, bin: string, target: string | undefined): Promise<Candidate> {
  // Each configuration in its own target dir: none thrashes another's (or the user's) cache, and the first build there is cold.
  const targetDir = path.join(setup.targetDir, 'rust-perf', 'report', spec.name.replace(/[^\w.-]/g, '_'));
  const result = await runCargoBuild({
    cargoRoot: setup.cargoRoot,
    args: { package: setup.pkg, profile: spec.profile, bins: [bin], target, features: spec.features },
    addRustflags: spec.addRustflags,
    addedBy: `perf-report's ${spec.name} configuration`,
    env: process.env,
    targetDir,
    extraEnv: spec.extraEnv,
  });
  const exe = result.artifacts.find((a) => a.kind === 'bin' && a.name === bin);
  if (!exe) throw new Error(`cargo built no binary named ${bin} for ${spec.name}`);
  // Up to date from an earlier report: the last build of it that compiled is the measurement.
  const recordFile = path.join(targetDir, 'rust-perf-build.json');
  const record = lastMeasuredBuild(recordFile, { profile: spec.profile, rustflags: result.rustflags, durationMs: result.durationMs, compiled: result.compiled, buildKind: result.buildKind });
  writeFileAtomic(recordFile, JSON.stringify(record, null, 2) + '\n');
  const buildSeconds = record.compiled ? record.durationMs / 1000 : null;
  return { name: spec.name, description: spec.description, binary: exe.executable, buildSeconds, buildKind: record.buildKind, source: 'built by perf-report' };
}

/** A configuration's counted columns from its counted run (or why there are none). */
function countedColumns(entry: { result: CountResult; sameBinaryAs?: string } | undefined): Pick<ConfigResult, 'counted'> {
  if (!entry) return {};
  const r = entry.result;
  if (!r.counted) return { counted: { notCounted: r.reason } };
  return {
    counted: {
      instructions: r.simulated.instructions,
      estimatedCycles: r.simulated.estimatedCycles,
      branchMispredicts: r.simulated.branchMispredicts,
      llMisses: r.simulated.llMisses,
      l1Misses: r.simulated.l1Misses,
      ...(r.heap ? { allocations: r.heap.allocations, bytesAllocated: r.heap.bytesAllocated, peakHeapBytes: r.heap.peakHeapBytes } : {}),
      ...(r.heap?.sites ? { allocationSites: r.heap.sites } : {}),
      ...(r.hardware ? { hardware: r.hardware } : {}),
      ...(entry.sameBinaryAs ? { sameBinaryAs: entry.sameBinaryAs } : {}),
      ...(r.runs
        ? { runs: { instructions: r.runs.map((s) => s.instructions), estimatedCycles: r.runs.map((s) => s.estimatedCycles), branchMispredicts: r.runs.map((s) => s.branchMispredicts), llMisses: r.runs.map((s) => s.llMisses) } }
        : {}),
    },
  };
}

export default async function perfReportExecutor(options: PerfReportExecutorOptions, context: ExecutorContext): Promise<{ success: boolean }> {
  const runs = options.runs ?? 5;
  const countRuns = options.countRuns ?? DEFAULT_COUNT_RUNS;
  try {
    const unknown = (options.configurations ?? []).filter((c) => !ALL_CONFIGS.includes(c));
    if (unknown.length) throw new Error(`unknown configuration(s) ${unknown.join(', ')}; choose from ${ALL_CONFIGS.join(', ')}`);
    if (!Number.isInteger(runs) || runs < 1) throw new Error('runs must be a positive integer');
    if (!Number.isInteger(countRuns) || countRuns < MIN_COUNT_RUNS) throw new Error(`countRuns must be an integer of at least ${MIN_COUNT_RUNS} (one count cannot show that counts repeat); got ${options.countRuns}`);
    const setup = setupBuild(options, context, 'report');
    const outDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'perf-report', setup.project));
    const pkg = await readPackageInfo(setup.cargoRoot, setup.pkg, false);
    // With rust-perf:allocator's feature the same code builds with and without the allocator.
    const hasAllocator = getIn(parseToml(fs.readFileSync(pkg.manifestPath, 'utf8'), pkg.manifestPath), ['features', SYSTEM_ALLOCATOR_FEATURE]) !== undefined;
    const allocatorNote = `${pkg.manifestPath} has no \`${SYSTEM_ALLOCATOR_FEATURE}\` feature: run \`nx g rust-perf:allocator --project ${setup.project}\` to compare the allocator with the system one`;
    if (options.configurations?.includes(ALLOCATOR_CONFIG) && !hasAllocator) throw new Error(allocatorNote);
    if (!options.configurations && !hasAllocator) console.log(`  (no ${ALLOCATOR_CONFIG}: ${allocatorNote})`);
    const wanted = options.configurations ?? ALL_CONFIGS.filter((c) => (c !== ALLOCATOR_CONFIG || hasAllocator) && !OPT_IN.has(c));
    const entry = resolveWorkload(options.workload, pkg).entries.find((e) => 'bin' in e);
    if (!entry || !('bin' in entry)) throw new Error(`perf-report needs a workload that runs a binary ({ bin, args }) in ${pkg.manifestPath} [package.metadata.rust-perf] or the workload option.`);
    const rustc = await rustcInfo(setup.cargoRoot);
    const pgoProfile = options.pgoProfile ?? 'release';
    const targets = projectTargets(context);
    const plan = reportBuildPlan(wanted, Object.fromEntries(Object.entries(targets).map(([n, t]) => [n, t.executor])), setup.project);
    // A reused binary sits in its target's outputPath (inference qualifies it when two roots share a crate name).
    const dist = (configuration: string, kind: string) => {
      const outputPath = targets[plan.fromTarget[configuration]]?.options?.outputPath;
      return path.resolve(context.root, typeof outputPath === 'string' ? outputPath : path.join('dist', 'rust', setup.project, kind));
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
    const specs = new Map<string, CountedSpec>();
    const roots = kernelRoots();
    let thp: ThpSetup | undefined;
    const candidates = await progress.phase(`binaries for ${wanted.join(', ')}`, async () => {
      const out: Candidate[] = [];
      let usePath: string | undefined;
      const profileUse = () => {
        if (usePath) return usePath;
        const profdata = path.resolve(context.root, options.profdata ?? path.join('dist', 'pgo', setup.project, `${setup.project}.profdata`));
        if (!fs.existsSync(profdata)) throw new Error(`${profdata} is missing: run pgo-profile first (perf-report depends on build-pgo, which depends on it).`);
        usePath = profileUsePath(setup.targetDir, createHash('sha256').update(fs.readFileSync(profdata)).digest('hex'));
        if (!fs.existsSync(usePath)) copyFileAtomic(profdata, usePath);
        return usePath;
      };
      for (const name of wanted) {
        console.log(`  ${name}:`);
        if (name === 'dev') out.push(await build(setup, { name, description: "cargo's dev profile (what `cargo build` gives)", profile: 'dev', addRustflags: [] }, entry.bin, undefined));
        if (name === 'release')
          out.push(reused(name, `the release profile as configured (rust-perf:init tunes it)${hasAllocator ? ", with rust-perf:allocator's #[global_allocator]" : ''}`, dist(name, 'release'), entry.bin, plan.fromTarget[name], context.root));
        if (name === ALLOCATOR_CONFIG)
          out.push(await build(setup, { name, description: `release with the system allocator (--features ${SYSTEM_ALLOCATOR_FEATURE})`, profile: 'release', addRustflags: [], features: [SYSTEM_ALLOCATOR_FEATURE] }, entry.bin, undefined));
        if (name === 'release+native') out.push(reused(name, 'release with -C target-cpu=native', dist(name, 'native'), entry.bin, plan.fromTarget[name], context.root));
        if (name === 'release+fat-lto')
          out.push(await build(setup, { name, description: 'release with lto = "fat"', profile: 'release', addRustflags: [], extraEnv: { CARGO_PROFILE_RELEASE_LTO: 'fat' } }, entry.bin, undefined));
        if (name === 'pgo') out.push(reused(name, `profile-guided (${pgoProfile} profile + -Cprofile-use; compile time is the optimized build only, without pgo-profile)`, dist(name, 'pgo'), entry.bin, plan.fromTarget[name], context.root));
        if (name === 'pgo+native')
          out.push(await build(setup, { name, description: `profile-guided with -C target-cpu=native (${pgoProfile} profile)`, profile: pgoProfile, addRustflags: profileUseFlags(profileUse(), 'native') }, entry.bin, rustc.host));
        if (name === BOLT_REPORT_CONFIGURATION.name) out.push(reused(name, BOLT_REPORT_CONFIGURATION.description, dist(name, 'bolt'), entry.bin, plan.fromTarget[name], context.root));
        if (name === THP_CONFIGURATION) {
          const release = reused(name, '', dist(name, 'release'), entry.bin, plan.fromTarget[name], context.root);
          thp = await prepareThp(release.binary, entry.env, roots, setup.cargoRoot);
          // The same binary as release: no compile time of its own.
          if (thp.plan.applicable) out.push({ ...release, buildSeconds: null, buildKind: undefined, source: `release's binary, from ${plan.fromTarget[name]}`, description: `release's binary (${thp.section.allocator}) with huge pages asked for per process: ${thp.plan.how}`, env: thp.plan.env });
          else console.log(`  ${name}: not applicable: ${thp.plan.reason}`);
        }
        // The same builds as above (or as the reused targets'), for counting.
        if (count) {
          if (name === 'dev') specs.set(name, { profile: 'dev', addRustflags: [] });
          if (name === 'release') specs.set(name, { profile: 'release', addRustflags: [] });
          if (name === ALLOCATOR_CONFIG) specs.set(name, { profile: 'release', addRustflags: [], features: [SYSTEM_ALLOCATOR_FEATURE] });
          if (name === 'release+native') specs.set(name, { profile: 'release', addRustflags: ['-Ctarget-cpu=native'] });
          if (name === 'release+fat-lto') specs.set(name, { profile: 'release', addRustflags: [], extraEnv: { CARGO_PROFILE_RELEASE_LTO: 'fat' } });
          if (name === 'pgo') specs.set(name, { profile: pgoProfile, addRustflags: profileUseFlags(profileUse()), target: rustc.host });
          if (name === 'pgo+native') specs.set(name, { profile: pgoProfile, addRustflags: profileUseFlags(profileUse(), 'native'), target: rustc.host });
        }
      }
      return out;
    });

    if (candidates.length === 0) throw new Error(`nothing to measure: ${thp && !thp.plan.applicable ? `${THP_CONFIGURATION} is not applicable: ${thp.plan.reason}` : 'no configuration'}`);
    // Counted binaries: one per distinct build at COUNT_CPU (release+native at x86-64-v3 is release).
    const countArgs = count ? resolveCountArgs(options.countArgs, pkg.metadata, pkg.manifestPath, entry.args ?? []) : undefined;
    const counted = new Map<string, { result: CountResult; sameBinaryAs?: string }>();
    if (count) {
      const groups = new Map<string, { first: string; spec: CountedSpec; configs: string[]; binary?: string; failed?: string }>();
      for (const [name, spec] of specs) {
        const key = JSON.stringify({ ...spec, addRustflags: countedRustflags(spec.addRustflags) });
        const g = groups.get(key);
        if (g) g.configs.push(name);
        else groups.set(key, { first: name, spec, configs: [name] });
      }
      if (missing === undefined) {
        await progress.phase(`counted binaries (-C target-cpu=${COUNT_CPU}) for ${[...groups.values()].map((g) => g.first).join(', ')}`, async () => {
          for (const g of groups.values()) {
            console.log(`  ${g.first} (counted${g.configs.length > 1 ? `; also counts ${g.configs.slice(1).join(', ')}` : ''}):`);
            try {
              g.binary = await buildCountedBinary({ cargoRoot: setup.cargoRoot, package: setup.pkg, profile: g.spec.profile, bin: entry.bin, addRustflags: g.spec.addRustflags, target: g.spec.target, features: g.spec.features, extraEnv: g.spec.extraEnv, targetDir: setup.targetDir, name: g.first });
            } catch (e) {
              g.failed = `the counted build failed: ${(e as Error).message.split('\n')[0]}`;
              console.log(`  ${g.first}: not counted: ${g.failed}`);
            }
          }
        });
      } else for (const g of groups.values()) g.failed = missing;
      const toCount = [...groups.values()].filter((g) => g.binary);
      const countPhase = async () => {
        for (const g of groups.values()) {
          let result: CountResult;
          if (g.binary) {
            console.log(`  ${g.first}: counting \`${entry.bin} ${countArgs!.args.join(' ')}\` ${countRuns} times (${toCount.indexOf(g) + 1}/${toCount.length}) …`);
            const program = { file: g.binary, args: countArgs!.args, cwd: setup.cargoRoot, env: entry.env, timeoutMs: entry.timeoutSeconds !== undefined ? entry.timeoutSeconds * 1000 : undefined };
            result = await countRepeated(program, countRuns, {}, (i, c) => console.log(`  ${g.first} run ${i}/${countRuns}: ${formatCount(c.instructions)} instructions (${c.instructions})`));
            console.log(
              result.counted
                ? `  ${g.first}: ${formatCount(result.simulated.instructions)} instructions, ${formatCount(result.simulated.estimatedCycles)} estimated cycles, ${formatCount(result.simulated.branchMispredicts)} branch mispredicts (medians)${result.heap ? `, ${formatCount(result.heap.allocations)} allocations` : ''} (cachegrind runs ${formatSeconds(result.durationMs)})`
                : `  ${g.first}: not counted: ${result.reason}`,
            );
          } else result = { counted: false, command: entry.bin, reason: g.failed ?? 'not built' };
          g.configs.forEach((name, i) => counted.set(name, { result, sameBinaryAs: i > 0 ? g.first : undefined }));
        }
      };
      // BOLT rewrites the linked binary with a profile of that binary: a rebuild at COUNT_CPU is not what it describes.
      if (wanted.includes(BOLT_REPORT_CONFIGURATION.name))
        counted.set(BOLT_REPORT_CONFIGURATION.name, { result: { counted: false, command: entry.bin, reason: `a BOLT binary is laid out from a profile of that very binary, so it has no rebuild at ${COUNT_CPU} to count; \`npm run bench bolt\` counts release, pgo and pgo+bolt built at one CPU level` } });
      // Huge pages change TLB misses and page faults, which valgrind does not model.
      if (wanted.includes(THP_CONFIGURATION))
        counted.set(THP_CONFIGURATION, { result: { counted: false, command: entry.bin, reason: "counted work does not see TLB misses or page faults, all that huge pages change; the binary is release's (see its counted row)" } });
      if (missing === undefined) await progress.phase(`counted runs under valgrind (args \`${countArgs!.args.join(' ')}\` from ${countArgs!.source})`, countPhase);
      else await countPhase();
    }

    const timings = new Map<string, { seconds: number[]; throughput: number[]; unit?: string; rssKiB: number[]; huge: AnonymousMemory[] }>(candidates.map((c) => [c.name, { seconds: [], throughput: [], rssKiB: [], huge: [] }]));
    await progress.phase(`workload \`${entry.bin} ${(entry.args ?? []).join(' ')}\` × ${runs} per configuration, interleaved`, async () => {
      const done: number[] = [];
      const total = runs * candidates.length;
      for (let i = 0; i < runs; i++) {
        // Round-robin, so machine noise hits every configuration alike.
        for (const c of candidates) {
          const rss = watchPeakRss(c.binary);
          const huge = thp ? watchHugePages(c.binary, roots.proc) : undefined;
          const r = await run(c.binary, entry.args ?? [], { cwd: setup.cargoRoot, env: { ...entry.env, ...c.env }, onSpawn: (pid) => (rss.onSpawn(pid), huge?.onSpawn(pid)) });
          const peak = rss.stop();
          const hugeSample = huge?.stop();
          if (r.exitCode !== 0) throw new Error(`${describeCommand(c.binary, entry.args ?? [])} (${c.name}) exited with ${r.exitCode ?? r.signal}:\n${r.stderr.slice(-2000)}`);
          const t = timings.get(c.name)!;
          t.seconds.push(r.durationMs / 1000);
          if (peak !== undefined) t.rssKiB.push(peak);
          if (hugeSample) t.huge.push(hugeSample);
          const tp = parseThroughput(r.stdout + r.stderr);
          if (tp) {
            t.throughput.push(tp.value);
            t.unit = tp.unit;
          }
          done.push(r.durationMs / 1000);
          console.log(`  run ${i + 1}/${runs} ${c.name.padEnd(16)} ${formatSeconds(r.durationMs)}   (${done.length}/${total}, about ${formatSeconds(eta(done, total - done.length) * 1000)} left)`);
        }
      }
    });

    // A few runs each under perf stat, after the timed ones so perf's own work does not enter their times.
    const statRuns = candidates.filter((c) => c.name === 'release' || c.name === THP_CONFIGURATION);
    const statRounds = Math.min(3, runs);
    const memory: MemorySection | undefined =
      thp
        ? { ...thp.section, ...(await progress.phase(`page faults and dTLB misses: perf stat × ${statRounds} for ${statRuns.map((c) => c.name).join(', ')}`, () => faultsAndTlb(statRuns.map((c) => ({ name: c.name, file: c.binary, args: entry.args ?? [], cwd: setup.cargoRoot, env: { ...entry.env, ...c.env } })), statRounds))) }
        : undefined;
    const report = await progress.phase('disassemble, summarize and write report.json, report.md, report.svg', async () => {
      const configs: ConfigResult[] = [];
      for (const c of candidates) {
        const dis = await run('objdump', ['-d', '--no-show-raw-insn', c.binary], { cwd: setup.cargoRoot });
        const vec = dis.exitCode === 0 ? countVectorInstructions(dis.stdout) : { ymm: 0, zmm: 0 };
        const t = timings.get(c.name)!;
        configs.push({
          name: c.name,
          description: c.description,
          buildSeconds: c.buildSeconds,
          ...(c.buildKind ? { buildKind: c.buildKind } : {}),
          source: c.source,
          binaryBytes: fs.statSync(c.binary).size,
          runtimeSeconds: spread(t.seconds),
          ...(t.unit && t.throughput.length === t.seconds.length ? { throughput: { ...spread(t.throughput), unit: t.unit } } : {}),
          ymmInstructions: vec.ymm,
          zmmInstructions: vec.zmm,
          // Only when every run was sampled, so the spread covers the same runs as the runtime's.
          ...(t.rssKiB.length === t.seconds.length ? { peakRssKiB: spread(t.rssKiB) } : {}),
          ...countedColumns(counted.get(c.name)),
          ...(t.huge.length === t.seconds.length && t.huge.length > 0 ? { hugePages: hugePageColumns(t.huge) } : {}),
          ...(c.env ? { environment: c.env } : {}),
        });
      }
      const repeatability = countArgs ? reportRepeatability(configs) : undefined;
      if (repeatability) console.log(`  counted work: ${describeRepeatability(repeatability)}`);
      const counting: Counting | undefined = countArgs
        ? {
            cpu: COUNT_CPU,
            args: countArgs.args,
            argsSource: countArgs.source,
            tool: countingTool || 'valgrind (not available)',
            cacheGeometry: `caches ${CACHE_GEOMETRY.join(' ')}`,
            formula: ESTIMATED_CYCLES_FORMULA,
            runs: countRuns,
            ...(repeatability ? { repeatability } : {}),
          }
        : undefined;
      const r: Report = {
        schemaVersion: 1,
        project: setup.project,
        createdAt: new Date().toISOString(),
        machine: { cpu: os.cpus()[0]?.model ?? 'unknown CPU', cores: os.cpus().length, rustc: `rustc ${rustc.release} (LLVM ${rustc.llvmVersion})` },
        workload: [entry.bin, ...(entry.args ?? [])].join(' '),
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
