// divan benches (divan 0.1): which benches are divan's, the argv that runs them, their results read from
// the table divan prints (0.1 has no machine-readable output: `--help` lists none), and counting one
// iteration of divan's measured loop under callgrind. Pure; executors/bench/divan*.ts run the processes.
//
// Ids: each level of divan's tree below the bench's root becomes one `/`-separated segment, as criterion's
// group/function/parameter ids are: divan's `speed::checksum::16` is `checksum/16`, a generic
// `speed::parse::u64` is `parse/u64`. divan's own path (for `--exact`) is kept beside the id.
import type { CriterionResult, Estimate } from '../criterion/criterion';
import type { BenchmarkSummary } from '../summary';

/** A bench target whose main hands over to divan: `divan::main()` in its source (comments stripped). */
export function isDivanBenchSource(source: string): boolean {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return /\bdivan\s*::\s*main\s*\(/.test(code) || /\bDivan\s*::\s*(?:default|from_args)\s*\(/.test(code);
}

export interface DivanResult {
  /** `checksum/16` */
  id: string;
  /** divan's path of the leaf, root included (`speed::checksum::16`): what `--exact` matches. */
  path: string;
  /** Per iteration, nanoseconds. */
  fastest: number;
  slowest: number;
  median: number;
  mean: number;
  samples: number;
  iters: number;
}

export class DivanOutputError extends Error {
  constructor(
    readonly source: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${source}:${line}: ${detail}`);
    this.name = 'DivanOutputError';
  }
}

const UNIT_NS: Record<string, number> = { ps: 1e-3, ns: 1, 'µs': 1e3, us: 1e3, ms: 1e6, s: 1e9 };

/** `6.698 ns`, `1.5 µs`, `0.105 ns` → nanoseconds; undefined for anything else (a throughput such as `1.148 GB/s`). */
export function divanDuration(cell: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ps|ns|µs|us|ms|s)$/.exec(cell.trim());
  return m ? Number.parseFloat(m[1]) * UNIT_NS[m[2]] : undefined;
}

const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

/**
 * Every leaf of the table `cargo bench` prints for a divan bench:
 *
 *   speed        fastest       │ slowest       │ median        │ mean          │ samples │ iters
 *   ├─ checksum                │               │               │               │         │
 *   │  ├─ 16     6.698 ns      │ 9.847 ns      │ 8.301 ns      │ 8.246 ns      │ 100     │ 51200
 *
 * Columns are found from the header line (divan pads every cell to the header's widths), so names with
 * spaces or box characters of their own do not shift them. Rows without a tree branch (`├─`, `╰─`) are a
 * leaf's throughput or allocation lines and are skipped; rows with empty cells are groups.
 * `source` names the output in errors (e.g. the command that printed it).
 */
export function parseDivanOutput(stdout: string, source = 'divan output'): DivanResult[] {
  const lines = stdout.split(/\r?\n/).map(stripAnsi);
  const results: DivanResult[] = [];
  let header: { root: string; fastestAt: number; bars: number[] } | undefined;
  let stack: string[] = [];
  lines.forEach((line, i) => {
    const h = /^(\S.*?)\s+fastest\s+│ slowest\s+│ median\s+│ mean\s+│ samples\s+│ iters\s*$/.exec(line);
    if (h) {
      header = { root: h[1], fastestAt: line.indexOf('fastest'), bars: [...line].flatMap((c, at) => (c === '│' ? [at] : [])) };
      stack = [];
      return;
    }
    if (!header || line.trim() === '') return;
    const label = line.slice(0, header.fastestAt);
    const branch = /^((?:│ {2}| {3})*)(├─|╰─) (.*)$/.exec(label);
    if (!branch) return;
    const depth = branch[1].length / 3;
    const name = branch[3].trimEnd();
    if (name === '') throw new DivanOutputError(source, i + 1, `a tree row without a name: ${JSON.stringify(line)}`);
    stack = [...stack.slice(0, depth), name];
    const { bars } = header;
    const cells = [line.slice(header.fastestAt, bars[0]), ...bars.map((at, k) => line.slice(at + 1, bars[k + 1] ?? line.length))].map((c) => c.trim());
    if (cells.every((c) => c === '')) return; // a group (module, generic function, function with args)
    const [fastest, slowest, median, mean] = cells.slice(0, 4).map(divanDuration);
    const samples = Number(cells[4]);
    const iters = Number(cells[5]);
    if (fastest === undefined || slowest === undefined || median === undefined || mean === undefined || !Number.isInteger(samples) || !Number.isInteger(iters)) {
      throw new DivanOutputError(source, i + 1, `expected fastest, slowest, median and mean as durations and samples, iters as counts, got ${JSON.stringify(cells)}`);
    }
    results.push({ id: stack.join('/'), path: [header.root, ...stack].join('::'), fastest, slowest, median, mean, samples, iters });
  });
  return results;
}

/** Leaves of `--test` output (divan's tree without numbers): each benchmark's id and divan path, in order. */
export function parseDivanTree(stdout: string): { id: string; path: string }[] {
  const lines = stdout.split(/\r?\n/).map(stripAnsi);
  const out: { id: string; path: string }[] = [];
  let root: string | undefined;
  let stack: string[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    const branch = /^((?:│ {2}| {3})*)(├─|╰─) (.*)$/.exec(line);
    if (!branch) {
      if (/^\S/.test(line) && !line.startsWith('Timer precision')) {
        root = line.trim();
        stack = [];
      }
      return;
    }
    const depth = branch[1].length / 3;
    const next = lines[i + 1] ?? '';
    const nextDepth = /^((?:│ {2}| {3})*)(├─|╰─) /.exec(next)?.[1].length;
    stack = [...stack.slice(0, depth), branch[3].trimEnd()];
    const isLeaf = nextDepth === undefined || nextDepth / 3 <= depth;
    if (isLeaf && root !== undefined) out.push({ id: stack.join('/'), path: [root, ...stack].join('::') });
  });
  return out;
}

export interface DivanRunOptions {
  /** divan's --sample-count (criterion's sampleSize: the number of samples). */
  sampleCount?: number;
  /** divan's --min-time / --max-time, seconds per benchmark. */
  minTime?: number;
  maxTime?: number;
  /** divan's positional filter: a regular expression over divan's paths (`speed::checksum::16`). */
  filter?: string;
  /** Exact divan paths to run (`--exact`), instead of `filter`. */
  exact?: readonly string[];
}

/** The bench binary's own arguments (after `cargo bench … --` or after the executable): no colours, so the table parses. */
export function divanArgs(o: DivanRunOptions): string[] {
  const args = ['--color', 'never'];
  if (o.sampleCount !== undefined) args.push('--sample-count', String(o.sampleCount));
  if (o.minTime !== undefined) args.push('--min-time', String(o.minTime));
  if (o.maxTime !== undefined) args.push('--max-time', String(o.maxTime));
  if (o.exact?.length) args.push('--exact', ...o.exact);
  else if (o.filter) args.push(o.filter);
  return args;
}

/**
 * What the bench options mean for divan. criterion's sampleSize is the number of samples (divan's
 * --sample-count); measurementTime bounds the time per benchmark (--max-time); divan has no warm-up
 * phase to set, and no named baselines (saveBaseline, a baseline name): those are refused by the caller.
 */
export function divanRunOptions(o: { sampleSize?: number; measurementTime?: number; filter?: string }): DivanRunOptions {
  return { sampleCount: o.sampleSize, maxTime: o.measurementTime, filter: o.filter };
}

/**
 * The same-job gate's short runs: few samples and a bounded time per benchmark, so each of many rounds is
 * brief (as criterion's 0.1 s warm-up + 0.25 s measurement there).
 */
export const DIVAN_COMPARE_RUN = { sampleCount: 20, maxTime: 0.3 } as const;

/**
 * A divan result as the rest of the bench code reads criterion's: median with the fastest–slowest sample as
 * its range (divan reports no confidence interval), mean likewise, and the fastest sample first in
 * perIteration (what the same-job gate uses per round).
 */
export function divanAsCriterionResult(r: DivanResult): CriterionResult {
  const range = (estimate: number): Estimate => ({ estimate, lower: r.fastest, upper: r.slowest, unit: 'ns' });
  return { id: r.id, title: r.id, directory: r.path, mean: range(r.mean), median: range(r.median), perIteration: [r.fastest] };
}

/** One divan benchmark in summary.json: the criterion shape (median, mean with lower/upper), plus fastest and where it came from. */
export function summarizeDivan(r: DivanResult, bench: string): BenchmarkSummary {
  const c = divanAsCriterionResult(r);
  return { id: r.id, bench, mean: c.mean, median: c.median, harness: 'divan', fastest: r.fastest, samples: r.samples, iterations: r.iters };
}

/**
 * divan's measured loop, as callgrind sees it. divan 0.1.21 inlines its whole sample loop
 * (`BenchContext::sample_recorder`'s closure) into each benchmark; the one function left on either side of
 * the timed loop is the `#[inline(never)]` `sync_impl`, called right before the start timestamp and right
 * after the end one (src/benchmark/mod.rs). Dumping after each call splits the run into three parts: start-up
 * up to the loop, the loop (with its two timer reads and the second sync call), the rest. Under `--test`
 * divan runs one sample of one iteration, so part 2 is one iteration.
 */
export const DIVAN_LOOP_BOUNDARY = 'divan::benchmark::BenchContext::sample_recorder::*sync_impl';

/** callgrind's argv (before `--`) for one divan benchmark; `outFile` gets `.2` for the loop's part. */
export function callgrindDivanArgs(outFile: string, cacheGeometry: readonly string[]): string[] {
  return ['--tool=callgrind', '--cache-sim=yes', '--branch-sim=yes', ...cacheGeometry, `--dump-after=${DIVAN_LOOP_BOUNDARY}`, `--callgrind-out-file=${outFile}`];
}

/** The bench binary's argv for one iteration of one benchmark (divan's test mode, its exact path). */
export const divanCountArgs = (divanPath: string): string[] => ['--test', '--color', 'never', '--exact', divanPath];

/** The files callgrind wrote for one counted run: `<out>.1` start-up, `<out>.2` the measured loop, `<out>` the rest. */
export function divanLoopPart(files: readonly string[], outFile: string): { file: string } | { reason: string } {
  const base = outFile.split('/').pop()!;
  const parts = files.filter((f) => f.startsWith(base + '.')).map((f) => Number(f.slice(base.length + 1)));
  if (!parts.includes(2)) {
    return { reason: `callgrind never passed divan's loop boundary (${DIVAN_LOOP_BOUNDARY}): the benchmark did not run, or the bench was built with a divan other than 0.1` };
  }
  if (parts.some((p) => p > 2)) {
    return { reason: 'divan ran more than one sample (a benchmark with `threads`, or several benchmarks matched): one iteration cannot be told apart' };
  }
  return { file: `${outFile}.2` };
}
