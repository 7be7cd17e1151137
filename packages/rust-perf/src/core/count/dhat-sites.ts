// The top allocation sites of a DHAT heap profile: the guide's `valgrind --tool=massif` question
// (where does the memory go?) answered from the DHAT run perf-report already makes. A site is the
// first frame of the program's own code above the allocator's (malloc, RawVec growth, jemalloc…),
// so every Vec that grows in one function is one site.
import { CountParseError } from './cachegrind';

export interface AllocationSite {
  /** The frame that asked for the memory, e.g. `market_data::book::OrderBook::add`. */
  site: string;
  /** The next frame up that allocated the most there, for context. */
  caller?: string;
  bytesAllocated: number;
  allocations: number;
  /** Bytes of this site live at the heap's peak (t-gmax). */
  peakHeapBytes: number;
}

interface DhatSitesJson {
  pps?: Array<{ tb?: number; tbk?: number; gb?: number; fs?: number[] }>;
  ftbl?: string[];
}

// Frames of the allocator and of std's collection growth: memory asked for on someone else's behalf.
const ALLOCATOR_FRAME =
  /^(\[root\]$|(malloc|calloc|realloc|free|memalign|posix_memalign|aligned_alloc|operator new\b|__rust_(alloc|realloc|alloc_zeroed)|__rdl_|__rg_|_rjem_|je_|mi_|_mi_|rust_alloc)|alloc::(alloc|raw_vec|vec|string|boxed|collections|fmt|slice|str|sync|rc)::|<alloc::|core::ptr::|<tikv_jemallocator|<mimalloc|tikv_jemallocator::|mimalloc::|hashbrown::|<hashbrown::|std::alloc::|std::collections::hash::map::|<std::collections::hash::map::)/;

/** `0x145E8C: alloc::raw_vec::finish_grow (in /path/bin)` → `alloc::raw_vec::finish_grow`. */
export function frameName(frame: string): string {
  return frame.replace(/^0x[0-9A-Fa-f]+:\s*/, '').replace(/\s+\((in [^)]*|[^()]*:\d+)\)$/, '');
}

export function topAllocationSites(text: string, file: string, limit = 5): AllocationSite[] {
  let json: DhatSitesJson;
  try {
    json = JSON.parse(text) as DhatSitesJson;
  } catch (e) {
    throw new CountParseError(`${file}: not JSON (${(e as Error).message}); is it a DHAT output file?`);
  }
  if (!Array.isArray(json.pps) || !Array.isArray(json.ftbl)) throw new CountParseError(`${file}: no "pps" and "ftbl" arrays; is it a DHAT heap profile (dhatFileVersion 2)?`);
  const sites = new Map<string, AllocationSite & { callers: Map<string, number> }>();
  for (const pp of json.pps) {
    const frames = (pp.fs ?? []).map((i) => frameName(json.ftbl![i] ?? '?'));
    const at = frames.findIndex((f) => !ALLOCATOR_FRAME.test(f));
    const site = at >= 0 ? frames[at] : (frames[frames.length - 1] ?? '[unknown]');
    const s = sites.get(site) ?? { site, bytesAllocated: 0, allocations: 0, peakHeapBytes: 0, callers: new Map<string, number>() };
    s.bytesAllocated += pp.tb ?? 0;
    s.allocations += pp.tbk ?? 0;
    s.peakHeapBytes += pp.gb ?? 0;
    const caller = at >= 0 ? frames[at + 1] : undefined;
    if (caller) s.callers.set(caller, (s.callers.get(caller) ?? 0) + (pp.tb ?? 0));
    sites.set(site, s);
  }
  const out = [...sites.values()].map(({ callers, ...s }) => {
    const top = [...callers].sort((a, b) => b[1] - a[1])[0];
    return top ? { ...s, caller: top[0] } : s;
  });
  return out.sort((a, b) => b.bytesAllocated - a.bytesAllocated || b.peakHeapBytes - a.peakHeapBytes).slice(0, limit);
}
