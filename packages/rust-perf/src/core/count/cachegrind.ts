// cachegrind's event totals and the estimated-cycles figure derived from them. Pure: the runner
// (count.ts) runs valgrind, this module reads `cachegrind.out` and does the arithmetic.

/** The events `--cache-sim=yes --branch-sim=yes` records, in cachegrind's own names. */
export const CACHEGRIND_EVENTS = ['Ir', 'I1mr', 'ILmr', 'Dr', 'D1mr', 'DLmr', 'Dw', 'D1mw', 'DLmw', 'Bc', 'Bcm', 'Bi', 'Bim'] as const;
export type CachegrindEvent = (typeof CACHEGRIND_EVENTS)[number];
export type CachegrindTotals = Record<CachegrindEvent, number>;

/**
 * A fixed cache geometry, so counts do not depend on the machine: by default cachegrind simulates
 * the host's caches (here it picked a 304 MiB, 38-way "LL" from the L3), and the same binary would
 * count different misses on a laptop and a CI runner. These are a common x86-64 core: 32 KiB 8-way
 * L1i and L1d, 8 MiB 16-way last level, 64-byte lines.
 */
export const CACHE_GEOMETRY = ['--I1=32768,8,64', '--D1=32768,8,64', '--LL=8388608,16,64'];

export function cachegrindArgs(outFile: string): string[] {
  return ['--tool=cachegrind', '--cache-sim=yes', '--branch-sim=yes', ...CACHE_GEOMETRY, `--cachegrind-out-file=${outFile}`];
}

export class CountParseError extends Error {}

/** Reads the `events:` and `summary:` lines of a cachegrind.out file (valgrind 3.x format). */
export function parseCachegrind(text: string, file: string): CachegrindTotals {
  const lines = text.split('\n');
  const eventsAt = lines.findIndex((l) => l.startsWith('events:'));
  const summaryAt = lines.findIndex((l) => l.startsWith('summary:'));
  if (eventsAt === -1 || summaryAt === -1) throw new CountParseError(`${file}: no ${eventsAt === -1 ? '`events:`' : '`summary:`'} line; is it a cachegrind output file?`);
  const names = lines[eventsAt].slice('events:'.length).trim().split(/\s+/);
  const values = lines[summaryAt].slice('summary:'.length).trim().split(/\s+/).map(Number);
  if (names.length !== values.length || values.some((v) => !Number.isFinite(v)))
    throw new CountParseError(`${file}:${summaryAt + 1}: the summary has ${values.length} numbers for ${names.length} events`);
  const byName = new Map(names.map((n, i) => [n, values[i]]));
  const missing = CACHEGRIND_EVENTS.filter((e) => !byName.has(e));
  if (missing.length) throw new CountParseError(`${file}:${eventsAt + 1}: events ${missing.join(', ')} are missing; run cachegrind with --cache-sim=yes --branch-sim=yes`);
  return Object.fromEntries(CACHEGRIND_EVENTS.map((e) => [e, byName.get(e)!])) as CachegrindTotals;
}

export interface SimulatedCounts {
  /** Instructions executed (Ir). */
  instructions: number;
  /** L1 misses, instruction + data (I1mr + D1mr + D1mw). */
  l1Misses: number;
  /** Last-level misses, instruction + data (ILmr + DLmr + DLmw): accesses that went to RAM. */
  llMisses: number;
  /** Conditional + indirect branches executed (Bc + Bi). */
  branches: number;
  /** Mispredicted conditional + indirect branches (Bcm + Bim). */
  branchMispredicts: number;
  /** See ESTIMATED_CYCLES_FORMULA. */
  estimatedCycles: number;
  events: CachegrindTotals;
}

/**
 * The estimate iai-callgrind/gungraun and codspeed print, stated once here and in the docs:
 * every memory access (instruction fetches Ir + data reads Dr + data writes Dw) costs 1 cycle when
 * it hits L1, 5 when it misses L1 but hits the last level, 35 when it misses both (RAM).
 * Branch mispredicts are reported on their own and not folded in.
 */
export const ESTIMATED_CYCLES_FORMULA =
  'estimated cycles = L1 hits + 5 × LL hits + 35 × RAM accesses, where accesses = Ir + Dr + Dw, RAM accesses = ILmr + DLmr + DLmw, LL hits = (I1mr + D1mr + D1mw) − RAM accesses, L1 hits = accesses − (I1mr + D1mr + D1mw)';

export function simulatedCounts(e: CachegrindTotals): SimulatedCounts {
  const accesses = e.Ir + e.Dr + e.Dw;
  const l1Misses = e.I1mr + e.D1mr + e.D1mw;
  const ram = e.ILmr + e.DLmr + e.DLmw;
  const llHits = l1Misses - ram;
  const l1Hits = accesses - l1Misses;
  return {
    instructions: e.Ir,
    l1Misses,
    llMisses: ram,
    branches: e.Bc + e.Bi,
    branchMispredicts: e.Bcm + e.Bim,
    estimatedCycles: l1Hits + 5 * llHits + 35 * ram,
    events: e,
  };
}
