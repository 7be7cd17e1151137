// Feedback from llvm-bolt's own output: how much of the binary the profile covers, and the
// dyno-stats (counts BOLT computes from the profile before and after its layout changes).

export interface BoltStats {
  /** "160 out of 887 functions in the binary (18.0%) have non-empty execution profile" */
  profiledFunctions?: { profiled: number; total: number };
  /** dyno-stats rows after optimization with their change, e.g. { name: 'taken branches', after: 35643718, change: '-59.8%' }. */
  dyno: Array<{ name: string; after: number; change: string }>;
}

export function parseBoltOutput(text: string): BoltStats {
  const stats: BoltStats = { dyno: [] };
  const p = /(\d+) out of (\d+) functions in the binary \([\d.]+%\) have non-empty execution profile/.exec(text);
  if (p) stats.profiledFunctions = { profiled: Number(p[1]), total: Number(p[2]) };
  // Rows after optimization carry their change in parentheses: "   35643718 : taken branches (-59.8%)".
  const re = /^\s*(\d+) : ([a-zA-Z][\w \-/]*?) \(([-+][\d.]+%|=)\)\s*$/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) stats.dyno.push({ name: m[2], after: Number(m[1]), change: m[3] });
  return stats;
}

const SHOWN = ['executed instructions', 'taken branches', 'executed unconditional branches'];

export function describeBoltStats(s: BoltStats): string {
  const parts: string[] = [];
  if (s.profiledFunctions) {
    const { profiled, total } = s.profiledFunctions;
    parts.push(`${profiled} of ${total} functions have profile (${((100 * profiled) / total).toFixed(1)}%)`);
  }
  for (const name of SHOWN) {
    const row = s.dyno.find((d) => d.name === name);
    if (row) parts.push(`${name} ${row.change === '=' ? 'unchanged' : row.change}`);
  }
  return parts.length ? `${parts.join('; ')} (llvm-bolt -dyno-stats, counted from the profile)` : 'llvm-bolt printed no statistics';
}
