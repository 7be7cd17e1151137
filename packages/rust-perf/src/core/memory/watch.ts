// The share of a running workload's anonymous memory backed by huge pages, sampled from
// /proc/<pid>/smaps_rollup while it runs (the kernel has no high-water mark for it, as it has VmHWM
// for RSS); the run's value is its sample with the most huge-page memory. Samples of the forked
// parent before exec are skipped by the program's name, as core/count/peak-rss.ts does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { largerHugeSample, parseSmapsRollup, type AnonymousMemory } from './hugepages';

export interface HugePageWatch {
  onSpawn: (pid: number) => void;
  /** Stops sampling; the run's peak sample, or undefined when none was taken (no procfs, or too short a run). */
  stop: () => AnonymousMemory | undefined;
}

export function watchHugePages(program: string, procRoot = '/proc', intervalMs = 25): HugePageWatch {
  let best: AnonymousMemory | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pid: number | undefined;
  const name = path.basename(program).slice(0, 15);
  const sample = () => {
    if (pid === undefined) return;
    try {
      if (fs.readFileSync(path.join(procRoot, String(pid), 'comm'), 'utf8').trim() !== name) return;
      const m = parseSmapsRollup(fs.readFileSync(path.join(procRoot, String(pid), 'smaps_rollup'), 'utf8'));
      if (m) best = largerHugeSample(best, m);
    } catch {
      // exited already, or no procfs
    }
  };
  return {
    onSpawn: (p) => {
      pid = p;
      sample();
      timer = setInterval(sample, intervalMs);
    },
    stop: () => {
      if (timer) clearInterval(timer);
      return best;
    },
  };
}
