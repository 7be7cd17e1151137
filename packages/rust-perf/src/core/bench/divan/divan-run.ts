// Runs divan bench executables: a timed run read from divan's table, the list of benchmarks (divan's test
// mode), and one iteration of one benchmark counted under callgrind (core/bench/divan/divan.ts says where the
// loop starts and ends). The executors call these; what they run is decided in divan.ts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CACHE_GEOMETRY } from '../../count/cachegrind';
import { COUNT_CPU } from '../../count/counted-build';
import { valgrindFailure, valgrindPath, valgrindVersion } from '../../count/count';
import { describeCommand, run } from '../../process/run';
import { parseCountedRun, summarizeCounted, type CountedBenchmarkSummary } from '../counted/counted';
import { callgrindDivanArgs, divanArgs, divanCountArgs, divanLoopPart, DIVAN_LOOP_BOUNDARY, parseDivanOutput, parseDivanTree, type DivanResult, type DivanRunOptions } from './divan';

export class DivanRunError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DivanRunError';
  }
}

const failure = (r: { command: string; exitCode: number | null; signal: string | null; stderr: string }) =>
  `\`${r.command}\` ${r.signal ? `was ended by ${r.signal}` : `exited with code ${r.exitCode}`}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`;

/**
 * One timed run of a divan bench executable (`--bench`, as cargo bench starts it), pinned to `cpu` with
 * taskset when given: its benchmarks, or why the run failed.
 */
export async function runDivanExecutable(o: { exe: string; cwd: string; run: DivanRunOptions; cpu?: number; env?: Record<string, string> }): Promise<{ results: DivanResult[] } | { error: string }> {
  const args = ['--bench', ...divanArgs(o.run)];
  const [file, argv] = o.cpu === undefined ? [o.exe, args] : ['taskset', ['-c', String(o.cpu), o.exe, ...args]];
  const r = await run(file, argv, { cwd: o.cwd, env: o.env });
  if (r.exitCode !== 0) return { error: failure(r) };
  try {
    return { results: parseDivanOutput(r.stdout, `stdout of \`${r.command}\``) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Every benchmark of a divan executable through `filter` (its test mode runs each once and prints the tree). */
export async function listDivanBenchmarks(exe: string, cwd: string, filter?: string): Promise<{ id: string; path: string }[]> {
  const args = ['--test', '--color', 'never', ...(filter ? [filter] : [])];
  const r = await run(exe, args, { cwd });
  if (r.exitCode !== 0) throw new DivanRunError(failure(r));
  return parseDivanTree(r.stdout);
}

/** Instructions (and estimated cycles) of one iteration of one benchmark, or why it could not be counted. */
export async function countDivanIteration(o: { exe: string; cwd: string; path: string; valgrind?: string; timeoutMs?: number }): Promise<{ instructions: number; estimatedCycles: number } | { reason: string }> {
  const valgrind = o.valgrind ?? valgrindPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-divan-count-'));
  try {
    const out = path.join(dir, 'callgrind.out');
    const argv = [...callgrindDivanArgs(out, CACHE_GEOMETRY), '--', o.exe, ...divanCountArgs(o.path)];
    const r = await run(valgrind, argv, { cwd: o.cwd, timeoutMs: o.timeoutMs ?? 600_000 });
    if (r.exitCode !== 0 || r.timedOut) return { reason: `${valgrindFailure(r.stderr, r.exitCode, r.signal, r.timedOut)} (\`${r.command}\`)` };
    const part = divanLoopPart(fs.readdirSync(dir), out);
    if ('reason' in part) return { reason: `${o.path}: ${part.reason} (\`${describeCommand(valgrind, argv)}\`)` };
    return parseCountedRun(fs.readFileSync(part.file, 'utf8'), part.file);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * `metric: instructions` for a divan bench: every selected benchmark's one iteration counted `runs` times.
 * Throws when valgrind is missing or a benchmark cannot be counted.
 */
export async function countDivanBench(o: { exe: string; bench: string; cwd: string; filter?: string; runs: number; progress?: (line: string) => void }): Promise<CountedBenchmarkSummary[]> {
  const valgrind = valgrindPath();
  await valgrindVersion(valgrind);
  const leaves = await listDivanBenchmarks(o.exe, o.cwd, o.filter);
  if (leaves.length === 0) throw new DivanRunError(`bench ${o.bench}: divan lists no benchmark${o.filter ? ` matching the filter "${o.filter}"` : ''} (\`${describeCommand(o.exe, ['--test', ...(o.filter ? [o.filter] : [])])}\`).`);
  const out: CountedBenchmarkSummary[] = [];
  for (const leaf of leaves) {
    const runs: { instructions: number; estimatedCycles: number }[] = [];
    for (let i = 0; i < o.runs; i++) {
      o.progress?.(`counting ${leaf.id} (${i + 1}/${o.runs}): one iteration of divan's loop (${leaf.path}) under callgrind`);
      const n = await countDivanIteration({ exe: o.exe, cwd: o.cwd, path: leaf.path, valgrind });
      if ('reason' in n) throw new DivanRunError(`${leaf.id} could not be counted: ${n.reason}`);
      runs.push(n);
    }
    const s = summarizeCounted(leaf.id, o.bench, runs, COUNT_CPU);
    out.push({ ...s, counted: { ...s.counted, toggle: DIVAN_LOOP_BOUNDARY } });
  }
  return out;
}
