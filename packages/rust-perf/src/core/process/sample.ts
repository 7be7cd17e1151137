// Sampling a running child from /proc while it runs (peak RSS, huge pages): a sample at spawn,
// one every interval, a last one at stop; `keep` folds each sample into the run's value.
export interface ProcessWatch<T> {
  /** Pass as `onSpawn` to core/process/run.ts. */
  onSpawn: (pid: number) => void;
  /** Stops sampling; the run's value, or undefined when no sample was taken. */
  stop: () => T | undefined;
}

export function watchWhileRunning<T>(sample: (pid: number) => T | undefined, keep: (kept: T | undefined, next: T) => T, intervalMs: number): ProcessWatch<T> {
  let kept: T | undefined;
  let timer: NodeJS.Timeout | undefined;
  let pid: number | undefined;
  const take = () => {
    if (pid === undefined) return;
    try {
      const next = sample(pid);
      if (next !== undefined) kept = keep(kept, next);
    } catch {
      // gone already (exited) or no procfs
    }
  };
  return {
    onSpawn: (p) => {
      pid = p;
      take();
      timer = setInterval(take, intervalMs);
    },
    stop: () => {
      take();
      if (timer) clearInterval(timer);
      return kept;
    },
  };
}
