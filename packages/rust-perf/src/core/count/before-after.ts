// "Did PGO help here?" in counted work: the same workload counted on the build without the profile
// and the build with it, both at COUNT_CPU, each several times, so the answer does not flip with the
// machine's load — and no answer when one binary's counts differ (a workload that is not fixed-work).
import { profileUseFlags } from '../pgo/plan';
import { buildCountedBinary, COUNT_CPU } from './counted-build';
import { countRepeated, type CountResult } from './count';
import { formatCount, percentChange } from './format';
import { countChange, countSpread, DEFAULT_COUNT_RUNS, describeChange, describeRepeatability, describeSpread, judgeRepeats, type Repeatability } from './repeat';
import type { RunContext } from '../context/run-context';

export interface BeforeAfterPgo {
  cargoRoot: string;
  package: string;
  profile: string;
  bin: string;
  /** `bench`: `bin` is a latency program (a bench target with its own main). */
  kind?: 'bin' | 'bench';
  /** The content-named .profdata the optimized build reads. */
  profileUsePath: string;
  host: string;
  targetDir: string;
  args: readonly string[];
  argsSource: string;
  cwd: string;
  env?: Record<string, string>;
  features?: string[];
  /** Counted runs of each binary (at least 2). */
  runs?: number;
  print?: (line: string) => void;
  /** The run's toolchain facts and cargo configs, shared by both counted builds. */
  context?: RunContext;
}

export interface BeforeAfterResult {
  before: CountResult;
  after: CountResult;
  /** Whether the counts repeat (absent when a side was not counted). */
  repeatability?: Repeatability;
  /** The lines printed (also returned for tests). */
  lines: string[];
}

/** One side's repeated counts of a field (a single run reads as a one-value range). */
function runsOf(r: CountResult & { counted: true }, field: 'instructions' | 'estimatedCycles' | 'branchMispredicts' | 'llMisses'): number[] {
  return (r.runs ?? [r.simulated]).map((s) => s[field]);
}

/**
 * Lines comparing two binaries' repeated counts: the repeatability sentence first (the noise floor
 * and whether the workload is fixed-work), then each count as median, its runs' range and the
 * change — a change only when the workload is fixed-work, "no verdict" otherwise.
 */
export function describeBeforeAfter(before: CountResult, after: CountResult, header: string): { lines: string[]; repeatability?: Repeatability } {
  if (!before.counted || !after.counted) {
    return { lines: [header, ...(!before.counted ? [`  without PGO: not counted: ${before.reason}`] : []), ...(!after.counted ? [`  with PGO: not counted: ${after.reason}`] : [])] };
  }
  const repeatability = judgeRepeats([
    { name: 'without PGO', instructions: runsOf(before, 'instructions') },
    { name: 'with PGO', instructions: runsOf(after, 'instructions') },
  ]);
  const row = (label: string, b: number[], a: number[]) => {
    const bs = countSpread(b);
    const as = countSpread(a);
    return `  ${label.padEnd(20)} ${describeSpread(bs).padStart(28)} → ${describeSpread(as).padStart(28)} ${describeChange(countChange(as, bs, repeatability))}`;
  };
  const heap = before.heap && after.heap ? [`  ${'allocations'.padEnd(20)} ${formatCount(before.heap.allocations).padStart(28)} → ${formatCount(after.heap.allocations).padStart(28)} (${repeatability.fixedWork ? `${percentChange(after.heap.allocations, before.heap.allocations)}, ` : 'no verdict, '}one DHAT run each)`] : [];
  const i = countChange(countSpread(runsOf(after, 'instructions')), countSpread(runsOf(before, 'instructions')), repeatability);
  const verdict =
    i.kind === 'verdict'
      ? `PGO: ${describeChange(i).slice(1, -1)} instructions (counted, fixed-work workload)`
      : i.kind === 'within-spread'
        ? `PGO: no measurable change in instructions (${describeChange(i).slice(1, -1)})`
        : `PGO: no verdict: counts of one binary differ by ${repeatability.worst.spread.spreadPercent.toFixed(2)} % (${repeatability.worst.name}), above the ${repeatability.noiseFloorPercent} % noise floor`;
  return {
    repeatability,
    lines: [
      header,
      `  ${describeRepeatability(repeatability)}`,
      `  ${''.padEnd(20)} ${'without PGO: runs (spread)'.padStart(28)}   ${'with PGO: runs (spread)'.padStart(28)}`,
      row('instructions', runsOf(before, 'instructions'), runsOf(after, 'instructions')),
      row('estimated cycles', runsOf(before, 'estimatedCycles'), runsOf(after, 'estimatedCycles')),
      row('branch mispredicts', runsOf(before, 'branchMispredicts'), runsOf(after, 'branchMispredicts')),
      row('LL misses', runsOf(before, 'llMisses'), runsOf(after, 'llMisses')),
      ...heap,
      verdict,
    ],
  };
}

export async function countBeforeAfterPgo(o: BeforeAfterPgo): Promise<BeforeAfterResult> {
  const print = o.print ?? ((l: string) => console.log(l));
  const common = { cargoRoot: o.cargoRoot, package: o.package, profile: o.profile, bin: o.bin, kind: o.kind, targetDir: o.targetDir, features: o.features, print, context: o.context };
  // The same target dir names as perf-report's counted builds, so one reuses the other's.
  const beforeExe = await buildCountedBinary({ ...common, addRustflags: [], name: o.profile });
  const afterExe = await buildCountedBinary({ ...common, addRustflags: profileUseFlags(o.profileUsePath), target: o.host, name: 'pgo' });
  const runs = o.runs ?? DEFAULT_COUNT_RUNS;
  print(`  counting \`${o.bin} ${o.args.join(' ')}\` without and with PGO, ${runs} runs each …`);
  const say = (side: string) => (i: number, c: { instructions: number }) => print(`  ${side} run ${i}/${runs}: ${formatCount(c.instructions)} instructions (${c.instructions})`);
  const before = await countRepeated({ file: beforeExe, args: o.args, cwd: o.cwd, env: o.env }, runs, {}, say('without PGO'));
  const after = await countRepeated({ file: afterExe, args: o.args, cwd: o.cwd, env: o.env }, runs, {}, say('with PGO'));
  const { lines, repeatability } = describeBeforeAfter(before, after, `Counted work of \`${o.bin} ${o.args.join(' ')}\` (args from ${o.argsSource}), profile \`${o.profile}\` at -C target-cpu=${COUNT_CPU}, without → with PGO:`);
  for (const l of lines) print(l);
  return { before, after, repeatability, lines };
}
