// Peak resident set size of a running child, without an extra tool. Node reaps children with
// waitpid (no rusage) and process.resourceUsage() is the parent's own, so the child's ru_maxrss is
// out of reach; the kernel's high-water mark behind it, VmHWM in /proc/<pid>/status, is not: it is
// sampled while the child runs. A peak reached only in the last sampling interval before exit can
// be missed; a workload that exits before the first sample reports none.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watchWhileRunning, type ProcessWatch } from '../process/sample';

export type PeakRssWatch = ProcessWatch<number>;

/** VmHWM (KiB) from /proc/<pid>/status text, when its `Name:` is the program's (not the forked parent before exec). */
export function parseVmHwm(status: string, programName?: string): number | undefined {
  if (programName !== undefined) {
    const name = /^Name:\s*(.*)$/m.exec(status)?.[1];
    // The kernel keeps the first 15 bytes of the executable's name.
    if (name !== programName.slice(0, 15)) return undefined;
  }
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(status);
  return m ? Number(m[1]) : undefined;
}

export function watchPeakRss(program: string, intervalMs = 10): PeakRssWatch {
  const name = path.basename(program);
  return watchWhileRunning((pid) => parseVmHwm(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), name), (peak, kib) => Math.max(peak ?? 0, kib), intervalMs);
}
