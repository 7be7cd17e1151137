// Real instruction and cycle counts from `perf stat`, where the machine has hardware counters.
// Never instead of the simulated counts: they vary run to run and between CPUs.

export interface HardwareCounts {
  instructions: number;
  cycles: number;
}

export function perfStatArgs(outFile: string, file: string, args: readonly string[]): string[] {
  return ['stat', '-x', ',', '-e', 'instructions,cycles', '-o', outFile, '--', file, ...args];
}

/** `perf stat -x,` lines (`value,unit,event,…`) → event → count; `<not supported>` / `<not counted>` values are left out. */
export function parsePerfEvents(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const [value, , event] = line.split(',');
    const name = event?.replace(/:u$/, '').replace(/^cpu(_core)?\/(.*)\/$/, '$2');
    const n = Number(value);
    if (name && value !== '' && Number.isFinite(n)) values.set(name, n);
  }
  return values;
}

/** instructions and cycles; a VM without a PMU prints `<not supported>`: no hardware numbers then. */
export function parsePerfStat(text: string): HardwareCounts | undefined {
  const values = parsePerfEvents(text);
  const instructions = values.get('instructions');
  const cycles = values.get('cycles');
  return instructions !== undefined && cycles !== undefined ? { instructions, cycles } : undefined;
}
