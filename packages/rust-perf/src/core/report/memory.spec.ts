import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderMarkdown, spread, type ConfigResult, type Report } from './report';
import { hugePageColumns } from './memory';
import { frameName, topAllocationSites } from '../count/dhat-sites';
import { parseSmapsRollup } from '../memory/hugepages';

const memoryFixture = (name: string) => parseSmapsRollup(fs.readFileSync(path.join(__dirname, '../memory/__fixtures__', name), 'utf8'))!;
const dhat = fs.readFileSync(path.join(__dirname, '../count/__fixtures__/dhat-market-data.json'), 'utf8');

function config(name: string, runtime: number[], rss: number[], extra: Partial<ConfigResult> = {}): ConfigResult {
  return { name, description: name, buildSeconds: null, source: 'from build-release', binaryBytes: 1e6, runtimeSeconds: spread(runtime), peakRssKiB: spread(rss), ymmInstructions: 0, zmmInstructions: 0, ...extra };
}

function report(configs: ConfigResult[], memory?: Report['memory']): Report {
  return { schemaVersion: 1, project: 'market-data', createdAt: '2026-12-03T00:00:00.000Z', machine: { cpu: 'CPU', cores: 2, rustc: 'rustc 1.95.0' }, workload: 'market-data --synthetic 2000000', runs: 3, baseline: 'release', configs, ...(memory ? { memory } : {}) };
}

describe('the memory section of perf-report', () => {
  const plain = memoryFixture('smaps_rollup-jemalloc-default.txt');
  const thp = memoryFixture('smaps_rollup-jemalloc-thp.txt');
  const rows = [
    config('release', [1.0, 1.1, 1.2], [9000, 9100, 9200], { hugePages: hugePageColumns([plain, plain, plain]) }),
    config('thp', [1.0, 1.05, 1.3], [17000, 17100, 17300], { hugePages: hugePageColumns([thp, { ...thp, anonHugeKiB: 12288 }, thp]), environment: { _RJEM_MALLOC_CONF: 'thp:always,metadata_thp:always' } }),
  ];

  it('shows the huge-page share, RSS and runtime with their spreads, and why counted work cannot see TLB misses', () => {
    const md = renderMarkdown(report(rows, { thp: 'enabled = madvise, defrag = madvise', allocator: 'jemalloc (reads _RJEM_MALLOC_CONF)', asked: { how: '_RJEM_MALLOC_CONF=thp:always,metadata_thp:always' }, pageFaults: { byConfig: { release: spread([1822, 1823, 1830]), thp: spread([105, 108, 110]) } }, dtlb: { unavailable: 'this machine has no hardware counters' } }));
    expect(md).toContain('## Memory: huge pages');
    expect(md).toContain('THP on this machine: enabled = madvise, defrag = madvise. Release binary\'s allocator: jemalloc (reads _RJEM_MALLOC_CONF). The `thp` row runs the release binary with `_RJEM_MALLOC_CONF=thp:always,metadata_thp:always` (per process, no root).');
    expect(md).toContain('| release | 0.0 % (0.0 %–0.0 %) | 0.0 MiB (0.0 MiB–0.0 MiB) | 6.7 MiB (6.7 MiB–6.7 MiB) | 8.9 MiB (8.8 MiB–9.0 MiB) | 1.100 s (1.000 s–1.200 s) |');
    expect(md).toContain('| thp | 98.8 % (84.7 %–98.8 %) | 14.0 MiB (12.0 MiB–14.0 MiB) | 14.2 MiB (14.2 MiB–14.2 MiB) | 16.7 MiB (16.6 MiB–16.9 MiB) (+87.9%) | 1.050 s (1.000 s–1.300 s) (-4.5%) |');
    expect(md).toContain('Counted work (valgrind) does not see TLB misses or page faults');
    expect(md).toContain('dTLB misses: this machine has no hardware counters.');
    expect(md).toContain('Page faults (perf stat -e page-faults, median (min–max) of 3 runs each): release 1,823 (1,822–1,830); thp 108 (105–110) (-94.1%).');
  });

  it('says why there is no thp row, and shows dTLB counts where the machine has them', () => {
    const md = renderMarkdown(report(rows.slice(0, 1), { thp: 'enabled = never, defrag = never', allocator: "the system allocator (musl's malloc)", asked: { notApplicable: 'THP is `never` on this machine' }, pageFaults: { unavailable: 'perf is not installed' }, dtlb: { byConfig: { release: { loadMisses: 1234567, storeMisses: 890 } } } }));
    expect(md).toContain('No `thp` row: not applicable: THP is `never` on this machine.');
    expect(md).toContain('Page faults: perf is not installed.');
    expect(md).toContain('dTLB misses (perf stat, one run each; real, not deterministic): release 1,234,567 load / 890 store.');
    expect(renderMarkdown(report(rows))).not.toContain('## Memory');
  });
});

describe('the heap profile: top allocation sites from DHAT (the guide\'s massif line)', () => {
  it('attributes allocations to the first frame above the allocator and std collection growth (real market-data run)', () => {
    const sites = topAllocationSites(dhat, 'dhat.json', 3);
    expect(sites.map((s) => s.site)).toEqual(['<serde::private::de::content::TaggedContentVisitor<T> as serde_core::de::Visitor>::visit_map', 'market_data::main', 'market_data::book::OrderBook::add']);
    expect(sites[1]).toEqual({ site: 'market_data::main', caller: 'std::sys::backtrace::__rust_begin_short_backtrace', bytesAllocated: 8388608, allocations: 1, peakHeapBytes: 8388608 });
    // Two callers of OrderBook::add are one site, named with the caller that allocated more there.
    expect(sites[2]).toMatchObject({ bytesAllocated: 1371856, allocations: 12890 });
    // Every block is attributed somewhere: the sites' totals are DHAT's.
    const all = topAllocationSites(dhat, 'dhat.json', 1000);
    const json = JSON.parse(dhat) as { pps: Array<{ tb: number; tbk: number }> };
    expect(all.reduce((s, x) => s + x.bytesAllocated, 0)).toBe(json.pps.reduce((s, p) => s + p.tb, 0));
    expect(all.some((s) => /^(malloc|alloc::)/.test(s.site))).toBe(false);
  });

  it('names frames without their address and object', () => {
    expect(frameName('0x145E8C: alloc::raw_vec::RawVecInner<A>::finish_grow (in /tmp/t/market-data)')).toBe('alloc::raw_vec::RawVecInner<A>::finish_grow');
    expect(frameName('0x48F11FA: __fopen_internal (iofopen.c:65)')).toBe('__fopen_internal');
    expect(() => topAllocationSites('{}', 'x.json')).toThrow('x.json: no "pps" and "ftbl" arrays');
  });

  it('renders the baseline\'s sites under the counted table', () => {
    const sites = topAllocationSites(dhat, 'dhat.json', 2);
    const base = config('release', [1, 1, 1], [1, 1, 1], { counted: { instructions: 1, estimatedCycles: 1, branchMispredicts: 1, llMisses: 1, l1Misses: 1, allocations: 44000, bytesAllocated: 20e6, peakHeapBytes: 8.5e6, allocationSites: sites } });
    const md = renderMarkdown({ ...report([base]), counting: { cpu: 'x86-64-v3', args: ['--synthetic', '20000'], argsSource: 'countArgs', tool: 'valgrind-3.19.0', cacheGeometry: '', formula: '' } });
    expect(md).toContain('## Heap profile (DHAT, release)');
    expect(md).toContain('`--synthetic 20000`: 44,000 allocations, 19.1 MiB allocated in total, peak heap 8.1 MiB.');
    expect(md).toContain('| `market_data::main` | `std::sys::backtrace::__rust_begin_short_backtrace` | 8.0 MiB | 1 | 8.0 MiB |');
    // A jemalloc baseline hides its heap from DHAT: the system-allocator build of the same code is shown.
    const jemalloc = { ...base, counted: { ...(base.counted as object), allocations: 7, allocationSites: sites.slice(0, 1) } } as ConfigResult;
    const system = { ...base, name: 'release+system-alloc' };
    const both = renderMarkdown({ ...report([jemalloc, system]), counting: { cpu: 'x86-64-v3', args: ['--synthetic', '20000'], argsSource: 'countArgs', tool: 'valgrind-3.19.0', cacheGeometry: '', formula: '' } });
    expect(both).toContain('## Heap profile (DHAT, release+system-alloc)');
    expect(both).toContain("so these are release+system-alloc's, the same code with the system allocator.");
  });
});
