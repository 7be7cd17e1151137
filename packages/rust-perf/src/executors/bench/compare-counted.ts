// Counted work in the same-job gate: the processes (valgrind's callgrind, base and head) behind the
// counted verdict that gate-steps.ts folds into the comparison.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildCountedBench, countRoutineOnce } from '../../core/bench/counted/counted-run';
import { COUNT_CPU } from '../../core/count/counted-build';
import type { Side } from '../../core/bench/gate/gate-plan';
import { countedGroups, countedPlan, countedSideBuilds, foldCounted, COUNTED_REPEATS, type CountedRuns } from '../../core/bench/gate/gate-steps';
import type { BenchComparison } from '../../core/bench/gate/paired';
import type { PhaseLog } from '../../core/bench/progress';
import { valgrindPath, valgrindVersion } from '../../core/count/count';
import { logger } from '../shared/log';
import type { SideBuild } from './compare-sides';
import { countDivanSides } from './divan';

/**
 * Counted work first: each compared benchmark's instructions of one iteration under callgrind, counted only
 * inside criterion's `Bencher::iter*` (countRoutineOnce, the `--metric=instructions` method), on both sides,
 * COUNTED_REPEATS times, in the binaries `--metric=instructions` counts (countedSideBuilds: x86-64-v3, which
 * valgrind decodes, whatever target-cpu the timed build has). Counts that do not repeat leave the verdict to
 * wall time. Without valgrind, or when a side's counted build fails, wall time decides and the log says why.
 */
export async function addCounted(comparisons: BenchComparison[], sides: Record<Side, SideBuild>, pkgName: string, threshold: number, log: PhaseLog, divan: ReadonlySet<string>): Promise<void> {
  try {
    await valgrindVersion();
  } catch (e) {
    log.phase(`counted work: skipped, ${e instanceof Error ? e.message : String(e)} (wall time decides)`);
    return;
  }
  const valgrind = valgrindPath();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-gate-count-'));
  try {
    for (const [bench, list] of countedGroups(comparisons)) {
      const counts: CountedRuns = { base: new Map(), head: new Map() };
      let failure: string | undefined;
      const started = Date.now();
      const exes = await countedExecutables(pkgName, bench, sides, log);
      if ('failure' in exes) {
        log.phase(`counted work for ${bench}: not counted (${exes.failure}); wall time decides`);
        continue;
      }
      if (divan.has(bench)) {
        log.phase(`counted work for ${bench}: one iteration of divan's loop for ${list.length} benchmark(s) under callgrind, base and head`);
        const exe = (side: Side) => ({ exe: exes[side], pkgDir: sides[side].pkgDir });
        const divanCounts = await countDivanSides({ sides: { base: exe('base'), head: exe('head') }, ids: list.map((c) => c.id), repeats: COUNTED_REPEATS });
        if ('failure' in divanCounts) failure = divanCounts.failure;
        else Object.assign(counts, divanCounts.counts);
      } else log.phase(`counted work for ${bench}: one iteration of ${list.length} benchmark(s) under callgrind (inside criterion's Bencher::iter*), base and head`);
      for (const [i, step] of (divan.has(bench) ? [] : countedPlan(list.map((c) => c.id))).entries()) {
        const side = sides[step.side];
        const n = await countRoutineOnce({ valgrind, exe: exes[step.side], id: step.id, cwd: side.pkgDir, outFile: path.join(dir, `callgrind.${i}.out`), env: { CRITERION_HOME: side.criterionHome, CARGO_MANIFEST_DIR: side.pkgDir } });
        if ('reason' in n) {
          failure = `${step.side} ${step.id}: ${n.reason}`;
          break;
        }
        counts[step.side].set(step.id, [...(counts[step.side].get(step.id) ?? []), n.instructions]);
      }
      if (failure) {
        log.phase(`counted work for ${bench}: not counted (${failure}); wall time decides`);
        continue;
      }
      const folded = foldCounted(list, counts, threshold);
      for (const note of folded.notes) log.phase(note);
      list.forEach((c, i) => (comparisons[comparisons.indexOf(c)] = folded.next[i]));
      log.phase(`counted work for ${bench}: done, ${COUNTED_REPEATS} runs per benchmark and side (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Both sides' counted builds of one bench (the `--metric=instructions` build), or why one failed. */
async function countedExecutables(pkgName: string, bench: string, sides: Record<Side, SideBuild>, log: PhaseLog): Promise<Record<Side, string> | { failure: string }> {
  const side = (s: Side) => ({ cargoRoot: sides[s].cargoRoot, targetDir: sides[s].targetDir, features: sides[s].features(bench) });
  const builds = countedSideBuilds(pkgName, bench, { base: side('base'), head: side('head') });
  const out: Partial<Record<Side, string>> = {};
  for (const s of ['base', 'head'] as const) {
    log.phase(`counted work for ${bench}: building the ${s} for counting (profile bench, ${COUNT_CPU})`);
    try {
      out[s] = await buildCountedBench({ ...builds[s], print: (l) => logger.info(l) });
    } catch (e) {
      return { failure: `the ${s}'s counted build failed: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}` };
    }
  }
  return out as Record<Side, string>;
}
