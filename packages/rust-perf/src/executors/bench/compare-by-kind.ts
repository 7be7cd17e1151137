// The same-job gate per kind: criterion (and divan) benches through compare.ts, latency programs through
// latency-compare.ts (beside criterion's summary, in latency/, when a run has both), libtest benches as notes.
import type { ExecutorContext } from '@nx/devkit';
import * as path from 'node:path';
import { logger } from '../shared/log';
import { cargoMetadata, findPackage } from '../../core/bench/metadata';
import type { PhaseLog } from '../../core/bench/progress';
import { renderMarkdown } from '../../core/bench/summary';
import { notesOnlySummary } from '../../core/bench/timed-run';
import { resolveOutputDir } from '../../core/fs/output-dir';
import { rustcInfo } from '../../core/toolchain/rustc';
import type { BenchExecutorSchema } from './schema';
import { runCompare } from './compare';
import { planKinds } from './kinds';
import { runLatencyCompare } from './latency-compare';
import { writeSummaryFiles } from './summary-files';

export async function runCompareByKind(options: BenchExecutorSchema & { compareRef: string }, context: ExecutorContext, log: PhaseLog): Promise<{ success: boolean }> {
  const project = context.projectName ?? options.package ?? 'bench';
  const cargoRoot = path.resolve(context.root, options.cargoRoot ?? '.');
  const pkg = findPackage(await cargoMetadata(cargoRoot), options.package ?? project, cargoRoot);
  const kinds = planKinds(pkg, options.benches, (await rustcInfo(cargoRoot)).release);
  for (const n of kinds.notes) logger.warn(n);
  const outputDir = resolveOutputDir(context.root, options.outputPath, path.join('dist', 'bench', project));
  let ok = true;
  if (kinds.criterion.length) {
    const criterion = await runCompare({ ...options, benches: kinds.criterion.map((b) => b.name) }, context, log);
    ok &&= criterion.success;
  }
  if (kinds.latency.length) {
    const dir = kinds.criterion.length ? path.join(outputDir, 'latency') : outputDir;
    const latency = await runLatencyCompare(options, context, kinds.latency, dir, log);
    ok &&= latency.success;
  }
  if (!kinds.criterion.length && !kinds.latency.length) {
    const message = `nothing to compare: ${kinds.notes.join(' ')}`;
    const rustc = `rustc ${(await rustcInfo(cargoRoot)).release}`;
    const summary = notesOnlySummary({ project, pkg: pkg.name, rustc, notes: kinds.notes, benches: options.benches ?? [], createdAt: new Date().toISOString() });
    writeSummaryFiles(outputDir, summary, renderMarkdown(summary));
    log.phase(message);
  }
  return { success: ok };
}
