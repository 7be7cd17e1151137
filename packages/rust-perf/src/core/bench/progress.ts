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
