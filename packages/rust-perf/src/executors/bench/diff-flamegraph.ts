// Differential flamegraphs for the benchmarks the same-job gate found regressed: each side's bench
// binary recorded with perf in criterion's profile mode, the folded stacks diffed with inferno. A
// reviewer sees what got slower. Never changes the verdict: a missing tool is a note, not a failure.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { BenchComparison } from '../../core/bench/gate/paired';
import type { PhaseLog } from '../../core/bench/progress';
import { benchRunEnv, exactFilter } from '../../core/bench/gate/compare-plan';
import { benchFileStem, describeGrowth, diffFoldedArgs, grownFrames, parseDiffFolded } from '../../core/flamegraph/diff';
import { criterionProfileArgs, perfRecordArgs, perfScriptArgs } from '../../core/flamegraph/perf';
import { elfHasSymtab } from '../../core/flamegraph/profile';
import { writeFileAtomic } from '../../core/fs/atomic';
import { run, runChecked } from '../../core/process/run';
import { checkPerf, ensureInferno } from '../shared/perf-tools';

export interface RecordableSide {
  executables: Map<string, string>;
  pkgDir: string;
  criterionHome: string;
}

export interface DiffOptions {
  /** Folder for <stem>.diff.svg and the two sides' folded stacks. */
  outputDir: string;
  /** Seconds each side runs in criterion's profile mode. */
  profileTime: number;
  installTools: boolean;
  workspaceDirs: string[];
  /** Shown relative to this (the workspace root). */
  root: string;
}

const FREQUENCY = 997;

/** Adds `diffFlamegraph` (or why there is none, in `diffNote`) to each regressed comparison. */
export async function addDiffFlamegraphs(
  comparisons: BenchComparison[],
  sides: { base: RecordableSide; head: RecordableSide },
  o: DiffOptions,
  log: PhaseLog,
): Promise<void> {
  const regressed = comparisons.filter((c) => c.verdict === 'regressed');
  if (!regressed.length) return;
  const skip = (why: string) => {
    log.phase(`differential flamegraphs: skipped, ${why}`);
    for (const c of regressed) c.diffNote = `no differential flamegraph: ${why}`;
  };
  let event: string | undefined;
  let inferno;
  try {
    ({ event } = await checkPerf(o.root, log));
    inferno = await ensureInferno(o.installTools, o.workspaceDirs, log, { diff: true });
  } catch (e) {
    skip(e instanceof Error ? e.message : String(e));
    return;
  }
  for (const c of regressed) {
    const started = Date.now();
    const stem = benchFileStem(c.id);
    log.phase(`differential flamegraph of ${c.id}: perf record of base and head, ${o.profileTime} s each (criterion --profile-time)`);
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-diff-'));
    try {
      const stacks: Record<'base' | 'head', string> = { base: '', head: '' };
      for (const side of ['base', 'head'] as const) {
        const recorded = await recordSide(sides[side], c.bench, c.id, event, o.profileTime, tmp, side, inferno.collapsePerf);
        if ('error' in recorded) throw new Error(`${side}: ${recorded.error}`);
        stacks[side] = recorded.folded;
      }
      // Written once both sides recorded: a failed side leaves no half of a pair behind.
      const folded = { base: path.join(o.outputDir, `${stem}.base.folded`), head: path.join(o.outputDir, `${stem}.head.folded`) };
      for (const side of ['base', 'head'] as const) writeFileAtomic(folded[side], stacks[side]);
      const diff = await runChecked(inferno.diffFolded!, diffFoldedArgs(folded.base, folded.head), { cwd: tmp });
      const title = `${c.id}: base → head (red: larger share of samples in head, blue: smaller)`;
      const svg = await runChecked(inferno.flamegraph, ['--title', title], { cwd: tmp, input: diff.stdout });
      const file = path.join(o.outputDir, `${stem}.diff.svg`);
      writeFileAtomic(file, svg.stdout);
      c.diffFlamegraph = path.relative(o.root, file);
      const growth = describeGrowth(grownFrames(parseDiffFolded(diff.stdout)));
      c.diffNote = `own time grown most: ${growth}`;
      log.phase(`differential flamegraph of ${c.id}: wrote ${c.diffFlamegraph} (${((Date.now() - started) / 1000).toFixed(1)}s); ${c.diffNote}`);
    } catch (e) {
      c.diffNote = `no differential flamegraph: ${e instanceof Error ? e.message : String(e)}`;
      log.phase(`differential flamegraph of ${c.id}: ${c.diffNote}`);
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
}

async function recordSide(
  side: RecordableSide,
  bench: string,
  id: string,
  event: string | undefined,
  profileTime: number,
  tmp: string,
  name: string,
  collapsePerf: string,
): Promise<{ folded: string } | { error: string }> {
  const exe = side.executables.get(bench);
  if (!exe) return { error: `no executable for bench ${bench}` };
  if (!elfHasSymtab(exe)) return { error: `${exe} has no symbol table (the bench profile strips it; set strip = false in [profile.bench])` };
  const data = path.join(tmp, `${name}.perf.data`);
  const args = perfRecordArgs({ frequency: FREQUENCY, callGraph: 'dwarf', event, output: data, program: exe, args: criterionProfileArgs(profileTime, exactFilter(id)) });
  const recorded = await run('perf', args, { cwd: side.pkgDir, env: benchRunEnv({ ...side, executable: exe }, process.env.LD_LIBRARY_PATH) });
  if (recorded.exitCode !== 0 || !fs.existsSync(data)) return { error: `\`${recorded.command}\` exited with code ${recorded.exitCode ?? recorded.signal}: ${recorded.stderr.trim().split('\n').slice(-2).join(' / ')}` };
  const script = await runChecked('perf', perfScriptArgs(data), { cwd: tmp });
  const collapsed = await runChecked(collapsePerf, [], { cwd: tmp, input: script.stdout });
  if (!collapsed.stdout.trim()) return { error: `perf recorded no samples of ${exe}` };
  return { folded: collapsed.stdout };
}
