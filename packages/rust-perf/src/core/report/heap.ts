// perf-report's heap profile: the baseline's top allocation sites from its DHAT run, the answer to
// the tuning guide's `valgrind --tool=massif` line (peak heap, total allocations, where they happen).
import { isCounted, type ConfigResult, type CountedColumns, type Report } from './model';

export function heapBytes(n: number): string {
  return n >= 1024 * 1024 ? `${(n / (1024 * 1024)).toFixed(1)} MiB` : n >= 1024 ? `${(n / 1024).toFixed(1)} KiB` : `${n} B`;
}

const code = (s: string) => `\`${s.replace(/`/g, "'").replace(/\|/g, '\\|')}\``;

// DHAT intercepts malloc by name: a jemalloc or mimalloc #[global_allocator] hides the heap from it,
// so the same code with the system allocator (release+system-alloc), when measured, is the one shown.
const SYSTEM_ALLOCATOR_CONFIG = 'release+system-alloc';

export function renderHeapProfile(r: Report, base: ConfigResult): string[] {
  const withSites = [base, ...r.configs.filter((c) => c.name === SYSTEM_ALLOCATOR_CONFIG)].filter((c) => isCounted(c.counted) && c.counted.allocationSites?.length && c.counted.allocations !== undefined);
  const shown = withSites.sort((a, b) => (b.counted as CountedColumns).allocations! - (a.counted as CountedColumns).allocations!)[0];
  if (!shown) return [];
  const c = shown.counted as CountedColumns;
  return [
    `## Heap profile (DHAT, ${shown.name})`,
    '',
    `\`${r.counting?.args.join(' ') ?? ''}\`: ${c.allocations!.toLocaleString('en-US')} allocations, ${heapBytes(c.bytesAllocated ?? 0)} allocated in total, peak heap ${heapBytes(c.peakHeapBytes ?? 0)}. Top sites by bytes allocated (the first frame above the allocator and std's collection growth; every configuration's are in report.json). DHAT sees only the system allocator's \`malloc\`: a jemalloc or mimalloc binary hides its heap from it${shown.name === SYSTEM_ALLOCATOR_CONFIG ? `, so these are ${SYSTEM_ALLOCATOR_CONFIG}'s, the same code with the system allocator` : ''}.`,
    ...(c.allocationSites!.some((s) => s.site === '???') ? ['`???`: frames without symbols (a stripped library or binary); valgrind names them only with symbols.'] : []),
    '',
    '| site | called from | bytes allocated | allocations | live at peak heap |',
    '| --- | --- | --- | --- | --- |',
    ...c.allocationSites!.map((s) => `| ${code(s.site)} | ${s.caller ? code(s.caller) : '—'} | ${heapBytes(s.bytesAllocated)} | ${s.allocations.toLocaleString('en-US')} | ${heapBytes(s.peakHeapBytes)} |`),
    '',
  ];
}
