// One criterion bench of the timed run: cargo bench, each benchmark's line as soon as criterion has
// written its files, and the options criterion did not honour. What a result is compared with and
// what a bench with no results says: core/bench/timed-run.ts.
import { logger } from '../shared/log';
import { analyzedTitles, measurementPlans, readRunResults, unhonouredOptions } from '../../core/bench/criterion/criterion';
import { cargoBenchArgs } from '../../core/bench/plan';
import { createCompletionTracker, type PhaseLog } from '../../core/bench/progress';
import { summarizeResult, type BenchmarkSummary } from '../../core/bench/summary';
import { doneLine, noResultsNote, withTimedBaseline, type TimedBaseline } from '../../core/bench/timed-run';
import { run } from '../../core/process/run';
import type { BenchExecutorSchema } from './schema';
import type { BenchInfo } from '../../core/bench/kinds/detect';
import { featuresFor, withFeatures } from './kinds';

export async function runCriterionBench(o: {
  cargoRoot: string;
  pkg: string;
  bench: BenchInfo;
  criterion: string[];
  criterionDir: string;
  baseline?: TimedBaseline;
  options: BenchExecutorSchema;
  log: PhaseLog;
}): Promise<{ benchmarks: BenchmarkSummary[]; note?: string }> {
  const { options, bench, criterionDir, log } = o;
  const args = withFeatures(cargoBenchArgs(o.pkg, bench.name, o.criterion), featuresFor([bench], options.features));
  log.phase(`cargo ${args.join(' ')}`);
  const started = Date.now();
  const benchmarks: BenchmarkSummary[] = [];
  const reported = new Set<string>();
  const report = (titles: readonly string[]) => {
    for (const r of readRunResults({ criterionDir, since: started, titles })) {
      if (reported.has(r.id)) continue;
      reported.add(r.id);
      const b = withTimedBaseline(summarizeResult(r, bench.name), o.baseline, options.failOnRegression ?? 0, { dir: criterionDir, directory: r.directory });
      benchmarks.push(b);
      log.phase(doneLine(b));
    }
  };
  const tracker = createCompletionTracker(report);
  const result = await run('cargo', args, { cwd: o.cargoRoot, echo: true, onLine: tracker.line });
  if (result.exitCode !== 0) {
    throw new Error(`\`${result.command}\` ${result.signal ? `was ended by ${result.signal}` : `exited with code ${result.exitCode}`} (cargo's and criterion's messages are above).`);
  }
  tracker.end();
  const output = result.stderr + '\n' + result.stdout;
  report(analyzedTitles(output));
  let note: string | undefined;
  if (reported.size === 0) {
    note = noResultsNote(bench.name, options.filter, criterionDir);
    logger.warn(note);
  }
  for (const w of unhonouredOptions(measurementPlans(output), { warmUpTime: options.warmUpTime, measurementTime: options.measurementTime, sampleSize: options.sampleSize })) logger.warn(`bench ${bench.name}: ${w}`);
  return { benchmarks, note };
}
