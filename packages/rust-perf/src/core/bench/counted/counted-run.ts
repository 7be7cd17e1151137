// Runs counted benches: builds a bench target the way counted binaries are built (x86-64-v3, own
// target dir: valgrind 3.19 cannot decode AVX-512), lists its benchmark ids, and counts each one's
// routine under callgrind `runs` times.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runCargoBuild, type CargoBuildRun } from '../../cargo/build';
import { COUNT_CPU, countedRustflags, countedTargetDir } from '../../count/counted-build';
import { valgrindFailure, valgrindPath, valgrindVersion } from '../../count/count';
import { describeCommand, run } from '../../process/run';
import { callgrindBenchArgs, criterionListArgs, criterionTestArgs, parseCountedRun, parseCriterionList, summarizeCounted, type CountedBenchmarkSummary } from './counted';

export class CountedBenchError extends Error {}

export interface CountedBenchBuild {
  cargoRoot: string;
  package: string;
  bench: string;
  /** cargo's target dir of the workspace (or of the gate's base); the counted build goes under rust-perf/count/bench. */
  targetDir: string;
  /** The features the timed build of this bench gets (the option's plus its required-features). */
  features?: readonly string[];
  print?: (line: string) => void;
}

/**
 * The one counted build of a bench target, for `--metric=instructions` and for both sides of the same-job
 * gate: profile `bench`, the user's rustflags with `-Ctarget-cpu=x86-64-v3` on top, its own target dir.
 * One build, so the two count the same binary (the gate once counted its timed x86-64 build: rand's
 * shuffle_10 read 1,098 there against 1,075 here).
 */
export function countedBenchBuildRun(b: CountedBenchBuild): CargoBuildRun {
  return {
    cargoRoot: b.cargoRoot,
    args: { package: b.package, profile: 'bench', benches: [b.bench], ...(b.features?.length ? { features: [...b.features] } : {}) },
    addRustflags: countedRustflags([]),
    addedBy: `the counted build (-C target-cpu=${COUNT_CPU}, which valgrind decodes)`,
    env: process.env,
    targetDir: countedTargetDir(b.targetDir, 'bench'),
    print: b.print,
  };
}

/** Builds one bench target for counting (countedBenchBuildRun) and returns the executable. */
export async function buildCountedBench(b: CountedBenchBuild): Promise<string> {
  const result = await runCargoBuild(countedBenchBuildRun(b));
  const exe = result.artifacts.find((a) => a.kind === 'bench' && a.name === b.bench);
  if (!exe) throw new CountedBenchError(`cargo built no bench executable named ${b.bench} for the counted build`);
  return exe.executable;
}

export interface CountedBenchRun {
  exe: string;
  bench: string;
  /** The package's folder: cargo bench runs bench executables there. */
  cwd: string;
  /** criterion's filter (a regex), as in timed runs. */
  filter?: string;
  runs: number;
  valgrind?: string;
  /** Per counted run (one routine iteration under callgrind); default 10 minutes. */
  timeoutMs?: number;
  /** Called before each counted run. */
  progress?: (line: string) => void;
}

/** Benchmark ids of a bench executable (criterion's `--list`), through the filter. */
export async function listBenchmarks(exe: string, cwd: string, filter?: string): Promise<string[]> {
  const r = await run(exe, criterionListArgs(filter), { cwd });
  if (r.exitCode !== 0) throw new CountedBenchError(`\`${r.command}\` exited with ${r.exitCode ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
  return parseCriterionList(r.stdout);
}

/** One counted run of one benchmark: where, with what, and how long it may take. */
export interface RoutineCount {
  valgrind: string;
  exe: string;
  id: string;
  cwd: string;
  /** callgrind's output file (a fresh path per run). */
  outFile: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/**
 * Instructions of one iteration of one benchmark's routine: criterion's test mode runs it once, callgrind
 * counts only inside `Bencher::iter*`. The one counting method of `--metric=instructions` and the same-job
 * gate, so their numbers agree. Returns why when valgrind could not count it.
 */
export async function countRoutineOnce(o: RoutineCount): Promise<{ instructions: number; estimatedCycles: number } | { reason: string; command: string }> {
  const argv = [...callgrindBenchArgs(o.outFile), '--', o.exe, ...criterionTestArgs(o.id)];
  const r = await run(o.valgrind, argv, { cwd: o.cwd, env: o.env, timeoutMs: o.timeoutMs ?? 600_000 });
  if (r.exitCode !== 0 || r.timedOut || !fs.existsSync(o.outFile)) return { reason: valgrindFailure(r.stderr, r.exitCode, r.signal, r.timedOut), command: r.command };
  const counted = parseCountedRun(fs.readFileSync(o.outFile, 'utf8'), o.outFile);
  fs.rmSync(o.outFile, { force: true });
  if (counted.instructions === 0) {
    return {
      reason: `callgrind counted no instructions inside criterion's \`Bencher::iter*\`: the bench does not run its routine through criterion's Bencher (criterion 0.5 names), so it cannot be counted`,
      command: r.command,
    };
  }
  return counted;
}

/** Counts every selected benchmark `runs` times. Throws when valgrind is missing, or a benchmark cannot be counted (valgrind's reason). */
export async function countBenches(o: CountedBenchRun): Promise<CountedBenchmarkSummary[]> {
  const valgrind = valgrindPath({ valgrind: o.valgrind });
  await valgrindVersion(valgrind);
  const ids = await listBenchmarks(o.exe, o.cwd, o.filter);
  if (ids.length === 0) throw new CountedBenchError(`bench ${o.bench}: criterion lists no benchmark${o.filter ? ` matching the filter "${o.filter}"` : ''} (\`${describeCommand(o.exe, criterionListArgs(o.filter))}\`).`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-counted-bench-'));
  const out: CountedBenchmarkSummary[] = [];
  try {
    for (const id of ids) {
      const runs: Array<{ instructions: number; estimatedCycles: number }> = [];
      for (let i = 0; i < o.runs; i++) {
        const file = path.join(dir, `callgrind.${out.length}.${i}.out`);
        o.progress?.(`counting ${id} (${i + 1}/${o.runs}): ${describeCommand(valgrind, [...callgrindBenchArgs(file), '--', o.exe, ...criterionTestArgs(id)])}`);
        // criterion's test mode writes nothing, but keep it away from the user's target/criterion anyway.
        const counted = await countRoutineOnce({ valgrind, exe: o.exe, id, cwd: o.cwd, outFile: file, env: { CRITERION_HOME: dir }, timeoutMs: o.timeoutMs });
        if ('reason' in counted) throw new CountedBenchError(`${id}${counted.reason.startsWith('callgrind counted no') ? `: ${counted.reason}.` : ` could not be counted: ${counted.reason} (\`${counted.command}\`)`}`);
        runs.push(counted);
      }
      out.push(summarizeCounted(id, o.bench, runs, COUNT_CPU));
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return out;
}
