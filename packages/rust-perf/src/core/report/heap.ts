// perf-report's heap profile: the baseline's top allocation sites from its DHAT run, the answer to
// the tuning guide's `valgrind --tool=massif` line (peak heap, total allocations, where they happen).
import { heapBytes as bytes, isCounted, type ConfigResult, type Report } from './report';

const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

export function renderHeapProfile(r: Report, base: ConfigResult): string[] {
  const c = base.counted;
  if (!isCounted(c) || !c.allocationSites?.length || c.allocations === undefined) return [];
  return [
    `## Heap profile (DHAT, ${base.name})`,
    '',
    `\`${r.counting?.args.join(' ') ?? ''}\`: ${c.allocations.toLocaleString('en-US')} allocations, ${bytes(c.bytesAllocated ?? 0)} allocated in total, peak heap ${bytes(c.peakHeapBytes ?? 0)}. Top sites by bytes allocated (the first frame above the allocator and std's collection growth; every configuration's are in report.json):`,
    '',
    '| site | called from | bytes allocated | allocations | live at peak heap |',
    '| --- | --- | --- | --- | --- |',
    ...c.allocationSites.map((s) => `| ${code(s.site)} | ${s.caller ? code(s.caller) : '—'} | ${bytes(s.bytesAllocated)} | ${s.allocations.toLocaleString('en-US')} | ${bytes(s.peakHeapBytes)} |`),
    '',
  ];
}
