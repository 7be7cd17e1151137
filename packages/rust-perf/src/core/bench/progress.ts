// Phase lines with elapsed time, so a long bench or profiling run shows where it is.
export interface PhaseLog {
  phase(message: string): void;
  elapsed(): string;
}

export function createPhaseLog(prefix: string, print: (line: string) => void, now: () => number = Date.now): PhaseLog {
  const start = now();
  const elapsed = () => `${((now() - start) / 1000).toFixed(1)}s`;
  return { phase: (message) => print(`[${prefix} +${elapsed()}] ${message}`), elapsed };
}

/**
 * Follows criterion's progress lines and says when benchmarks are complete: criterion writes a
 * benchmark's files after printing its result, so one is complete when the next `Benchmarking <title>`
 * line appears, or when the process ends (`end()`). Lets the bench executor report each result as it
 * finishes instead of after the whole bench target.
 */
export function createCompletionTracker(onComplete: (titles: string[]) => void): { line(text: string): void; end(): void } {
  let pending: string | undefined;
  const flush = () => {
    if (pending !== undefined) onComplete([pending]);
    pending = undefined;
  };
  return {
    line(text) {
      // On a terminal criterion overwrites its progress line with `\r`.
      for (const piece of text.split('\r')) {
        const clean = piece.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').trimEnd();
        const analyzing = /^Benchmarking (.+): Analyzing$/.exec(clean);
        if (analyzing) {
          if (pending !== analyzing[1]) flush();
          pending = analyzing[1];
          continue;
        }
        const next = /^Benchmarking (.+?)(?:: .*)?$/.exec(clean);
        if (next && pending !== undefined && next[1] !== pending) flush();
      }
    },
    end: flush,
  };
}
