// Counted runs: a program (argv, env, cwd, as the workload runner starts it) under valgrind's
// cachegrind (instructions, cache and branch simulation) and DHAT (heap), plus `perf stat`'s
// hardware counters where the machine has them. Counts of a fixed-work program repeat to within a
// few hundredths of a percent on a busy machine, where wall time moves by tens of percent; counts of
// a time-bounded or multithreaded one do not, so countRepeated counts each binary several times and
// repeat.ts judges whether they repeat.
//
// A program valgrind cannot run (e.g. AVX-512 code: valgrind 3.19 cannot decode EVEX) is "not
// counted", with valgrind's own reason; only a missing valgrind is an error.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeCommand, run, ToolNotFoundError } from '../process/run';
import { cachegrindArgs, parseCachegrind, simulatedCounts, type SimulatedCounts } from './cachegrind';
import { dhatArgs, parseDhat, type HeapCounts } from './dhat';
import { topAllocationSites } from './dhat-sites';
import { parsePerfStat, perfStatArgs, type HardwareCounts } from './hardware';
import { medianCounts, MIN_COUNT_RUNS } from './repeat';

export const VALGRIND_FIX = 'apt-get install valgrind';

export interface CountedProgram {
  file: string;
  args: readonly string[];
  cwd: string;
  env?: Record<string, string | undefined>;
  /** For the native run's timeout; valgrind runs get 100× this (they are 20–60× slower). */
  timeoutMs?: number;
}

export interface CountOptions {
  /** DHAT heap counts too (a second valgrind run). Default true. */
  heap?: boolean;
  /** `perf stat` hardware counts when the machine has counters. Default true. */
  hardware?: boolean;
  /** The valgrind to use; default `RUST_PERF_VALGRIND` or `valgrind` on PATH. */
  valgrind?: string;
}

export interface Counted {
  counted: true;
  command: string;
  simulated: SimulatedCounts;
  heap?: HeapCounts;
  /** Labelled hardware: measured by the CPU's counters, varies between runs. */
  hardware?: HardwareCounts;
  valgrindVersion: string;
  /** Wall time of the cachegrind run (for progress lines, not a result). */
  durationMs: number;
  /** Every cachegrind run of the binary, in order, when it was counted repeatedly; `simulated` is their median. */
  runs?: SimulatedCounts[];
}

export interface NotCounted {
  counted: false;
  command: string;
  /** valgrind's own words (e.g. "valgrind: Unrecognised instruction at address 0x…"). */
  reason: string;
}

export type CountResult = Counted | NotCounted;

export function valgrindPath(options: CountOptions = {}): string {
  return options.valgrind ?? process.env.RUST_PERF_VALGRIND ?? 'valgrind';
}

const versions = new Map<string, Promise<string>>();

/** `valgrind --version` (e.g. valgrind-3.19.0); a missing valgrind is one line naming the package. */
export function valgrindVersion(valgrind = valgrindPath()): Promise<string> {
  let v = versions.get(valgrind);
  if (!v) {
    v = (async () => {
      try {
        const r = await run(valgrind, ['--version'], { cwd: os.tmpdir() });
        if (r.exitCode !== 0) throw new Error(`\`${valgrind} --version\` exited with ${r.exitCode ?? r.signal}: ${r.stderr.trim()}`);
        return r.stdout.trim();
      } catch (e) {
        if (e instanceof ToolNotFoundError) throw new ToolNotFoundError(valgrind, VALGRIND_FIX);
        throw e;
      }
    })();
    versions.set(valgrind, v);
    v.catch(() => versions.delete(valgrind));
  }
  return v;
}

/**
 * valgrind's reason for a failed run, in its own words: the decode failure, the fatal signal, or
 * the program's exit code with its last lines of stderr.
 */
export function valgrindFailure(stderr: string, exitCode: number | null, signal: string | null, timedOut = false): string {
  const lines = stderr.split('\n');
  const strip = (l: string) => l.replace(/^==\d+==\s?/, '').trim();
  const find = (re: RegExp) => lines.find((l) => re.test(l));
  const unrecognised = find(/valgrind: Unrecognised instruction/);
  const bytes = find(/unhandled instruction bytes:/);
  const terminating = find(/Process terminating with default action of signal/);
  const impossible = find(/the 'impossible' happened|out of memory/i);
  const parts: string[] = [];
  if (unrecognised) parts.push(strip(unrecognised).replace(/\.$/, '') + (bytes ? ` (${bytes.trim().replace(/^(.*bytes:(?: \S+){6}).*/, '$1 …')})` : ''));
  if (impossible) parts.push(strip(impossible));
  if (terminating) parts.push(strip(terminating));
  if (timedOut) parts.push('the counted run timed out');
  if (parts.length > 0) return parts.join('; ');
  const own = lines.filter((l) => l.trim() && !/^(==|--)\d+(==|--)/.test(l)).map((l) => l.trim());
  const tail = own.slice(-3);
  // A Rust panic's own message comes before its backtrace, so the last lines alone would name only frames.
  let at = -1;
  own.forEach((l, i) => {
    if (/^thread '.*?'(?: \(\d+\))? panicked at /.test(l)) at = i;
  });
  const panic = at >= 0 && at < own.length - tail.length ? own.slice(at, Math.min(at + 3, own.length - tail.length)) : [];
  const upTo = panic.findIndex((l, i) => i > 0 && /^(stack backtrace:|note: )/.test(l));
  const shown = [...(upTo > 0 ? panic.slice(0, upTo) : panic), ...(panic.length ? ['…'] : []), ...tail];
  const how = signal ? `was ended by ${signal}` : `exited with code ${exitCode}`;
  return `the workload ${how} under valgrind${shown.length ? `: ${shown.join(' / ')}` : ''}`;
}

let hardwareProbe: Promise<boolean> | undefined;

/** Whether `perf stat -e instructions,cycles` counts here (no PMU on most VMs: it does not). */
export function hasHardwareCounters(): Promise<boolean> {
  hardwareProbe ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-perf-'));
    try {
      const out = path.join(dir, 'stat.csv');
      const r = await run('perf', perfStatArgs(out, 'true', []), { cwd: dir });
      return r.exitCode === 0 && fs.existsSync(out) && parsePerfStat(fs.readFileSync(out, 'utf8')) !== undefined;
    } catch {
      return false;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return hardwareProbe;
}

/** Runs the program under cachegrind (and DHAT, and perf stat where possible). Throws only when valgrind is missing. */
export async function countProgram(program: CountedProgram, options: CountOptions = {}): Promise<CountResult> {
  const valgrind = valgrindPath(options);
  const version = await valgrindVersion(valgrind);
  const command = describeCommand(program.file, program.args);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-count-'));
  const timeoutMs = program.timeoutMs !== undefined ? program.timeoutMs * 100 : undefined;
  const under = async (toolArgs: string[]) => run(valgrind, [...toolArgs, '--', program.file, ...program.args], { cwd: program.cwd, env: program.env, timeoutMs });
  try {
    const cgOut = path.join(dir, 'cachegrind.out');
    const cg = await under(cachegrindArgs(cgOut));
    if (cg.exitCode !== 0 || cg.timedOut || !fs.existsSync(cgOut)) return { counted: false, command, reason: valgrindFailure(cg.stderr, cg.exitCode, cg.signal, cg.timedOut) };
    const simulated = simulatedCounts(parseCachegrind(fs.readFileSync(cgOut, 'utf8'), cgOut));
    let heap: HeapCounts | undefined;
    if (options.heap !== false) {
      const dhOut = path.join(dir, 'dhat.json');
      const dh = await under(dhatArgs(dhOut));
      if (dh.exitCode !== 0 || dh.timedOut || !fs.existsSync(dhOut)) return { counted: false, command, reason: `DHAT: ${valgrindFailure(dh.stderr, dh.exitCode, dh.signal, dh.timedOut)}` };
      const dhat = fs.readFileSync(dhOut, 'utf8');
      heap = { ...parseDhat(dhat, dhOut), sites: topAllocationSites(dhat, dhOut) };
    }
    let hardware: HardwareCounts | undefined;
    if (options.hardware !== false && (await hasHardwareCounters())) {
      const statOut = path.join(dir, 'perf-stat.csv');
      const hw = await run('perf', perfStatArgs(statOut, program.file, program.args), { cwd: program.cwd, env: program.env, timeoutMs: program.timeoutMs });
      if (hw.exitCode === 0 && fs.existsSync(statOut)) hardware = parsePerfStat(fs.readFileSync(statOut, 'utf8'));
    }
    return { counted: true, command, simulated, heap, hardware, valgrindVersion: version, durationMs: cg.durationMs };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Counts the program `runs` times under cachegrind (DHAT and perf stat with the first run only:
 * the repeats are there to show whether the instructions repeat). `simulated` is the median of the
 * runs and `runs` holds each; a run valgrind cannot finish makes the whole result "not counted".
 */
export async function countRepeated(program: CountedProgram, runs: number, options: CountOptions = {}, onRun?: (run: number, counts: SimulatedCounts) => void): Promise<CountResult> {
  if (!Number.isInteger(runs) || runs < MIN_COUNT_RUNS) throw new Error(`countRuns must be an integer of at least ${MIN_COUNT_RUNS} (one count cannot show that counts repeat); got ${runs}`);
  const first = await countProgram(program, options);
  if (!first.counted) return first;
  onRun?.(1, first.simulated);
  const all = [first.simulated];
  let durationMs = first.durationMs;
  for (let i = 2; i <= runs; i++) {
    const again = await countProgram(program, { ...options, heap: false, hardware: false });
    if (!again.counted) return { counted: false, command: again.command, reason: `counted run ${i} of ${runs}: ${again.reason}` };
    onRun?.(i, again.simulated);
    all.push(again.simulated);
    durationMs += again.durationMs;
  }
  return { ...first, simulated: medianCounts(all), runs: all, durationMs };
}
