// Runs the build targets a perf-report needs through the Nx that runs this task (argv array, no shell),
// so their cache applies exactly as for `nx run`: a restored binary prints "[local cache]".
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { locateNx, NX_NOT_FOUND_FIX } from '../../core/report/nx-bin';
import { describeCommand, run } from '../../core/process/run';

// Variables Nx sets for the task running now: the nested Nx must not mistake itself for that task.
const TASK_ENV = /^NX_(TASK_|TERMINAL_|STREAM_OUTPUT$|PREFIX_OUTPUT$|FORKED_TASK_EXECUTOR$)/;

/** The project's targets by name, with their executor and options (as Nx resolved them for this run). */
export function projectTargets(context: ExecutorContext): Record<string, { executor?: string; options?: Record<string, unknown> }> {
  const name = context.projectName ?? '';
  return (context.projectsConfigurations?.projects[name]?.targets ?? {}) as Record<string, { executor?: string; options?: Record<string, unknown> }>;
}

export async function runNxTargets(context: ExecutorContext, project: string, targets: readonly string[]): Promise<void> {
  if (targets.length === 0) return;
  const found = locateNx({
    script: process.argv[1],
    root: context.root,
    resolve: (request, paths) => (paths === undefined ? require.resolve(request) : require.resolve(request, { paths })),
    readFile: (file) => (fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined),
  });
  if (!('bin' in found)) {
    throw new Error(`perf-report runs ${targets.join(', ')} through Nx, and found no nx package (looked at ${found.tried.join('; ')}): ${NX_NOT_FOUND_FIX}.`);
  }
  const argv = [found.bin, 'run-many', `--targets=${targets.join(',')}`, `--projects=${project}`, '--outputStyle=static'];
  const env: Record<string, string | undefined> = {};
  for (const key of Object.keys(process.env)) if (TASK_ENV.test(key)) env[key] = undefined;
  console.log(`  $ ${describeCommand('nx', argv.slice(1))}   (in ${path.relative(process.cwd(), context.root) || '.'}; ${path.relative(context.root, found.bin) || found.bin})`);
  const result = await run(process.execPath, argv, { cwd: context.root, env, echo: true });
  if (result.exitCode !== 0) throw new Error(`nx run-many --targets=${targets.join(',')} --projects=${project} failed (exit ${result.exitCode ?? result.signal}); its output is above.`);
}
