// Peak resident set size of a running child, without an extra tool. Node reaps children with
// waitpid (no rusage) and process.resourceUsage() is the parent's own, so the child's ru_maxrss is
// out of reach; the kernel's high-water mark behind it, VmHWM in /proc/<pid>/status, is not: it is
// sampled while the child runs. A peak reached only in the last sampling interval before exit can
// be missed; a workload that exits before the first sample reports none.
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface PeakRssWatch {
  /** Pass as `onSpawn` to core/process/run.ts. */
  onSpawn: (pid: number) => void;
  /** Stops sampling; the peak in KiB, or undefined when no sample of the program was taken. */
  stop: () => number | undefined;
}

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
  let peak: number | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pid: number | undefined;
  const name = path.basename(program);
  const sample = () => {
    if (pid === undefined) return;
    try {
      const kib = parseVmHwm(fs.readFileSync(`/proc/${pid}/status`, 'utf8'), name);
      if (kib !== undefined) peak = Math.max(peak ?? 0, kib);
    } catch {
      // gone already (exited) or no procfs
    }
  };
  return {
    onSpawn: (p) => {
      pid = p;
      sample();
      timer = setInterval(sample, intervalMs);
    },
    stop: () => {
      sample();
      if (timer) clearInterval(timer);
      return peak;
    },
  };
}
