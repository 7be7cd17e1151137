// perf-report's memory section: the `thp` configuration (the release binary with huge pages asked
// for per process) beside the others, with the share of anonymous memory that huge pages backed,
// and why counted work cannot show what huge pages change.
import type { Spread } from '../stats/spread';
import type { HugePageColumns, MemorySection } from '../memory/section';

export { hugePageColumns, type HugePageColumns, type MemorySection } from '../memory/section';

export const THP_CONFIGURATION = 'thp';

const mib = (kib: number) => `${(kib / 1024).toFixed(1)} MiB`;
const pct = (p: number) => `${p.toFixed(1)} %`;
const range = (s: Spread, f: (n: number) => string) => `${f(s.median)} (${f(s.min)}–${f(s.max)})`;

interface Row {
  name: string;
  runtimeSeconds: Spread;
  peakRssKiB?: Spread;
  hugePages?: HugePageColumns;
}

/** Markdown lines of the section (empty when the report has none). */
export function renderMemorySection(memory: MemorySection | undefined, configs: readonly Row[], baseline: string): string[] {
  if (!memory) return [];
  const base = configs.find((c) => c.name === baseline);
  const changeFrom = (v: number, b: number | undefined) => (b ? ` (${v >= b ? '+' : ''}${(((v - b) / b) * 100).toFixed(1)}%)` : '');
  const rows = configs.map((c) => {
    const h = c.hugePages;
    const change = (v: number, b: number | undefined) => (c.name === baseline ? '' : changeFrom(v, b));
    const rss = c.peakRssKiB ? `${range(c.peakRssKiB, mib)}${change(c.peakRssKiB.median, base?.peakRssKiB?.median)}` : '—';
    const runtime = `${range(c.runtimeSeconds, (s) => `${s.toFixed(3)} s`)}${change(c.runtimeSeconds.median, base?.runtimeSeconds.median)}`;
    return `| ${c.name} | ${h ? range(h.sharePct, pct) : 'not sampled'} | ${h ? range(h.anonHugeKiB, mib) : '—'} | ${h ? range(h.anonymousKiB, mib) : '—'} | ${rss} | ${runtime} |`;
  });
  const asked = 'how' in memory.asked ? `The \`${THP_CONFIGURATION}\` row runs the release binary with \`${memory.asked.how}\` (per process, no root).` : `No \`${THP_CONFIGURATION}\` row: not applicable: ${memory.asked.notApplicable}.`;
  const dtlb =
    'unavailable' in memory.dtlb
      ? `dTLB misses: ${memory.dtlb.unavailable}.`
      : `dTLB misses (perf stat, one run each; real, not deterministic): ${Object.entries(memory.dtlb.byConfig).map(([n, d]) => `${n} ${d.loadMisses.toLocaleString('en-US')} load${d.storeMisses !== undefined ? ` / ${d.storeMisses.toLocaleString('en-US')} store` : ''}`).join('; ')}.`;
  const faults =
    'unavailable' in memory.pageFaults
      ? `Page faults: ${memory.pageFaults.unavailable}.`
      : `Page faults (perf stat -e page-faults, median (min–max) of ${Math.max(...Object.values(memory.pageFaults.byConfig).map((s) => s.n))} runs each): ${Object.entries(memory.pageFaults.byConfig).map(([n, s]) => `${n} ${range(s, (v) => v.toLocaleString('en-US'))}${n === baseline ? '' : changeFrom(s.median, (memory.pageFaults as { byConfig: Record<string, Spread> }).byConfig[baseline]?.median)}`).join('; ')}.`;
  return [
    '## Memory: huge pages',
    '',
    `THP on this machine: ${memory.thp}. Release binary's allocator: ${memory.allocator}. ${asked}`,
    'Huge-page share: AnonHugePages / Anonymous of /proc/<pid>/smaps_rollup, sampled every 25 ms while the workload runs, the largest sample of each run; median (min–max) over the runs, like the wall-time columns.',
    `Counted work (valgrind) does not see TLB misses or page faults, which is all huge pages change, so the \`${THP_CONFIGURATION}\` row has no counted columns; page faults (counted by the kernel), hardware dTLB counters and wall time show what they do. ${faults} ${dtlb}`,
    '',
    '| configuration | huge-page share of anonymous memory | in huge pages | anonymous | peak RSS | runtime |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows,
    '',
  ];
}
