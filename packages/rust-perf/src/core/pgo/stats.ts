// Numbers for PGO feedback, all read from tools' output: llvm-profdata's own function counts and
// rustc's -pgo-warn-missing-function warnings.

export interface ProfileStats {
  /** Functions with a record in the profile ("Total functions"). */
  functions: number;
  /** Functions with a non-zero count (llvm-profdata show --covered). */
  executed?: number;
}

export function parseProfdataShow(text: string): { functions: number } | undefined {
  const m = /Total functions:\s*(\d+)/.exec(text);
  return m ? { functions: Number(m[1]) } : undefined;
}

/** `llvm-profdata show --covered` prints one covered function per line. */
export function countCovered(text: string): number {
  return text.split('\n').filter((l) => l.trim().length > 0).length;
}

/**
 * Distinct functions rustc reported without profile data. LLVM's text is
 * "<module>: no profile data available for function <name>"; rustc prints it as a warning.
 */
export function missingProfileFunctions(stderr: string): string[] {
  const names = new Set<string>();
  const re = /no profile data available for function\s+(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(stderr))) names.add(m[1]);
  return [...names];
}

export function describeCoverage(stats: ProfileStats | undefined, missing: number): string {
  const parts: string[] = [];
  if (stats) {
    parts.push(`profile has records for ${stats.functions} functions`);
    if (stats.executed !== undefined && stats.functions > 0)
      parts.push(`${stats.executed} of them ran in the workload (${((100 * stats.executed) / stats.functions).toFixed(1)}%)`);
  }
  parts.push(missing === 0 ? 'no function of this build lacked profile data' : `${missing} functions of this build had no profile data (code changed since the profile, or not reached by the instrumented build)`);
  return parts.join('; ');
}
