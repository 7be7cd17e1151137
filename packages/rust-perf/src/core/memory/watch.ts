// The share of a running workload's anonymous memory backed by huge pages, sampled from
// /proc/<pid>/smaps_rollup while it runs (the kernel has no high-water mark for it, as it has VmHWM
// for RSS); the run's value is its sample with the most huge-page memory. Samples of the forked
// parent before exec are skipped by the program's name, as core/count/peak-rss.ts does.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watchWhileRunning, type ProcessWatch } from '../process/sample';
import { largerHugeSample, parseSmapsRollup, type AnonymousMemory } from './hugepages';

export function watchHugePages(program: string, procRoot = '/proc', intervalMs = 25): ProcessWatch<AnonymousMemory> {
  // The kernel keeps the first 15 bytes of the executable's name.
  const name = path.basename(program).slice(0, 15);
  const sample = (pid: number) => {
    if (fs.readFileSync(path.join(procRoot, String(pid), 'comm'), 'utf8').trim() !== name) return undefined;
    return parseSmapsRollup(fs.readFileSync(path.join(procRoot, String(pid), 'smaps_rollup'), 'utf8'));
  };
  return watchWhileRunning(sample, largerHugeSample, intervalMs);
}
