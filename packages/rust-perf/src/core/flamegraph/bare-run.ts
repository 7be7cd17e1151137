// Before flamegraph's (long) profiling build: a bin with neither args nor a workload may need
// arguments, which only running it tells, so an executable of it from an earlier build runs once, bare.
import * as path from 'node:path';
import type { MetadataPackage } from '../bench/plan';
import type { PhaseLog } from '../bench/progress';
import { run } from '../process/run';
import { argsFix, earlierBuilds, needsArgs, type Subject } from './plan';
import { isExecutable } from './tools';

function formatMs(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/**
 * Neither args nor a workload: run an executable of the bin from an earlier build once, bare, for up
 * to a second; exiting non-zero at once means it needs arguments, so stop here with the option to set.
 */
export async function checkBareRun(subject: Subject, project: string, pkg: Pick<MetadataPackage, 'manifest_path'>, targetDir: string, profile: string, triple: string | undefined, log: PhaseLog): Promise<void> {
  if (subject.kind !== 'bin' || subject.argsFrom !== 'none') return;
  const earlier = earlierBuilds(targetDir, subject.name, profile, triple).find(isExecutable);
  if (!earlier) {
    log.phase(`no args and no workload for bin ${subject.name}: it will run without arguments (set --args or a workload if it needs some)`);
    return;
  }
  const r = await run(earlier, [], { cwd: path.dirname(pkg.manifest_path), timeoutMs: 1000, graceMs: 250 });
  if (needsArgs(r)) {
    const said = (r.stderr.trim() || r.stdout.trim()).split('\n')[0];
    throw new Error(
      `${subject.name} exits with code ${r.exitCode} when run without arguments (checked with ${earlier}${said ? `: "${said}"` : ''}), ` +
        `and neither the args option nor a workload gives it any; recording that would only show its argument check. ${argsFix(project, pkg.manifest_path, subject.name)}`,
    );
  }
  log.phase(`no args and no workload for bin ${subject.name}: it runs without arguments (an earlier build did not fail within ${formatMs(r.durationMs)})`);
}
