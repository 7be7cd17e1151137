// perf and inferno for the executors that record stacks (flamegraph, bench's differential flamegraphs):
// checked before anything long runs, inferno installed once outside the user's workspace.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PhaseLog } from '../../core/bench/progress';
import { chooseEvent, hardwareCyclesSupported, parseCapEff, parseParanoid, perfStatProbeArgs, recordingAccess } from '../../core/flamegraph/perf';
import { findInferno, infernoInstallHint, installCwd, installInfernoArgs, toolsDir, type InfernoTools } from '../../core/flamegraph/tools';
import { describeCommand, run, runChecked, ToolNotFoundError } from '../../core/process/run';

/** perf runs and may record here; the event to sample (undefined: perf's default, hardware cycles). */
export async function checkPerf(cwd: string, log: PhaseLog): Promise<{ event?: string }> {
  const version = await run('perf', ['--version'], { cwd });
  if (version.exitCode !== 0) {
    // Debian's /usr/bin/perf wrapper exits non-zero when no perf matches the running kernel.
    throw new ToolNotFoundError('perf', `perf is installed but does not run (${version.stderr.trim() || version.stdout.trim()}). apt-get install linux-perf (Debian) or linux-tools-$(uname -r) (Ubuntu)`);
  }
  const paranoid = parseParanoid(fs.readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8'));
  let capEff = 0n;
  try {
    capEff = parseCapEff(fs.readFileSync('/proc/self/status', 'utf8'));
  } catch {
    // Not Linux /proc: the paranoid check alone decides.
  }
  const access = recordingAccess(paranoid, process.getuid?.() ?? -1, capEff);
  if (!access.allowed) throw new Error(access.message);
  const probe = await run('perf', perfStatProbeArgs(access.userOnly), { cwd });
  const hardware = probe.exitCode === 0 && hardwareCyclesSupported(probe.stderr);
  const event = chooseEvent(hardware, access.userOnly);
  log.phase(
    `${version.stdout.trim()}, kernel.perf_event_paranoid=${paranoid}${access.userOnly ? ' (user space only)' : ''}; ` +
      (hardware ? `hardware cycles counter available` : `no hardware cycles counter here, sampling the software event ${event}`),
  );
  return { event };
}

/** inferno on PATH, in cargo's bin or our tools cache; else `cargo install`ed once (when `install`). */
export async function ensureInferno(install: boolean, workspaceDirs: string[], log: PhaseLog, { diff = false }: { diff?: boolean } = {}): Promise<InfernoTools> {
  const found = findInferno(process.env, { diff });
  if (found) return found;
  const root = toolsDir(process.env);
  const args = installInfernoArgs(root);
  const wanted = diff ? 'inferno-diff-folded' : 'inferno-flamegraph';
  if (!install) {
    throw new ToolNotFoundError(wanted, `${describeCommand('cargo', args)} and add ${path.join(root, 'bin')} to PATH (or set installTools: true)`);
  }
  fs.mkdirSync(root, { recursive: true });
  // Outside the workspace: its .cargo/config.toml ([net] offline, [source] replacements) is for its own crates.
  const cwd = installCwd(root, workspaceDirs);
  log.phase(`inferno not found; installing it once (from ${cwd}, outside the workspace's cargo config): ${describeCommand('cargo', args)}`);
  await runChecked('cargo', args, { cwd, echo: true, hint: infernoInstallHint(root) });
  const installed = findInferno(process.env, { diff });
  if (!installed) throw new Error(`cargo install finished but inferno's programs (${wanted} among them) are not in ${path.join(root, 'bin')}`);
  return installed;
}
