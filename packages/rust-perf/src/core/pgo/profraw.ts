// .profraw housekeeping: stale run directories, and the "did the workload write a profile?" check.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runIdPid } from './plan';
import { processAlive } from '../process/run';

/** Removes run directories of processes that are gone (an interrupted run leaves its .profraw behind). */
export function removeStaleRuns(packageProfilesDir: string, keep: string): string[] {
  if (!fs.existsSync(packageProfilesDir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(packageProfilesDir)) {
    const dir = path.join(packageProfilesDir, name);
    if (dir === keep) continue;
    const pid = runIdPid(name);
    if (pid !== undefined && pid !== process.pid && processAlive(pid)) continue;
    fs.rmSync(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

export interface ProfrawSummary {
  files: string[];
  nonEmpty: string[];
  totalBytes: number;
}

export function listProfraw(dir: string): ProfrawSummary {
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.profraw')).map((f) => path.join(dir, f)) : [];
  const sizes = files.map((f) => fs.statSync(f).size);
  return { files, nonEmpty: files.filter((_, i) => sizes[i] > 0), totalBytes: sizes.reduce((a, b) => a + b, 0) };
}

export class NoProfileDataError extends Error {}

/** Zero files, or only empty ones, is a failure that names the workload and the likely causes. */
export function checkProfraw(summary: ProfrawSummary, dir: string, workload: string[]): void {
  if (summary.nonEmpty.length > 0) return;
  const what = summary.files.length === 0 ? `No .profraw files were written to ${dir}` : `All ${summary.files.length} .profraw files in ${dir} are empty`;
  throw new NoProfileDataError(
    `${what}. Did the workload run the instrumented program to a normal exit?\n` +
      (workload.length === 1 ? `Workload: ${workload[0]}\n` : `Workload:\n${workload.map((w) => `  ${w}\n`).join('')}`) +
      'Likely causes: the program ended through panic = "abort", std::process::exit, a signal it does not handle (SIGINT/SIGTERM from a timeout, kill -9), ' +
      'or it cleared LLVM_PROFILE_FILE from its environment; a `command` workload may not have run the binaries in $RUST_PERF_BIN_DIR.',
  );
}
