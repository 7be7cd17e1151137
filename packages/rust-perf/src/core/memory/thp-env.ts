// Huge pages asked for per process, without root: each allocator has its own switch, read from the
// environment at start-up. Which allocator a binary really links is read from the binary itself
// (the strings its allocator uses to read that switch), so the variable set is the one it reads.
//
// - tikv-jemallocator builds jemalloc with the `_rjem_` prefix, so its configuration variable is
//   `_RJEM_MALLOC_CONF` (`MALLOC_CONF` only with its unprefixed_malloc_on_supported_platforms feature);
//   `thp:always` madvises every jemalloc mapping for THP, `metadata_thp:always` its metadata too.
// - mimalloc reads `MIMALLOC_<OPTION>`; 2.x names the option allow_large_os_pages (1.x: large_os_pages),
//   which makes it try explicit 2 MiB pages (MAP_HUGETLB, the vm.nr_hugepages pool) before madvise.
//   mimalloc ≥ 2.2 (an `allow_thp` option, on by default off Android) already madvises THP unasked.
// - glibc's malloc (Rust's System on linux-gnu) takes `GLIBC_TUNABLES=glibc.malloc.hugetlb=1` since
//   glibc 2.35: madvise(MADV_HUGEPAGE) on the memory it maps. Older glibc and musl have no such switch.
import type { HugePageFacts } from './hugepages';

export type LinkedAllocator =
  | { kind: 'jemalloc'; confVar: string }
  | { kind: 'mimalloc'; option: string; thpByDefault: boolean }
  | { kind: 'system'; libc: 'glibc' | 'musl' | 'unknown' };

/** The allocator a linked binary carries, from its bytes. */
export function linkedAllocator(binary: Buffer): LinkedAllocator {
  const has = (s: string) => binary.includes(s);
  if (has('<jemalloc>')) return { kind: 'jemalloc', confVar: has('_RJEM_MALLOC_CONF') ? '_RJEM_MALLOC_CONF' : 'MALLOC_CONF' };
  if (has('mimalloc_') && has('mimalloc: ')) return { kind: 'mimalloc', option: has('allow_large_os_pages') ? 'MIMALLOC_ALLOW_LARGE_OS_PAGES' : 'MIMALLOC_LARGE_OS_PAGES', thpByDefault: has('\0allow_thp\0') };
  return { kind: 'system', libc: has('libc.so.6') ? 'glibc' : has('musl') ? 'musl' : 'unknown' };
}

export function describeAllocator(a: LinkedAllocator): string {
  if (a.kind === 'jemalloc') return `jemalloc (reads ${a.confVar})`;
  if (a.kind === 'mimalloc') return `mimalloc (reads ${a.option}${a.thpByDefault ? '; madvises THP unasked: its allow_thp option is on by default' : ''})`;
  return a.libc === 'glibc' ? "the system allocator (glibc's malloc)" : a.libc === 'musl' ? "the system allocator (musl's malloc)" : 'the system allocator';
}

export const JEMALLOC_THP = 'thp:always,metadata_thp:always';
export const GLIBC_HUGETLB = 'glibc.malloc.hugetlb=1';
export const GLIBC_HUGETLB_SINCE: [number, number] = [2, 35];

export type ThpPlan = { applicable: true; env: Record<string, string>; how: string } | { applicable: false; reason: string };

/** `glibc 2.36` (getconf GNU_LIBC_VERSION) → [2, 36]. */
export function parseGlibcVersion(text: string): [number, number] | undefined {
  const m = /glibc\s+(\d+)\.(\d+)/.exec(text);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

const atLeast = (v: [number, number], min: [number, number]) => v[0] > min[0] || (v[0] === min[0] && v[1] >= min[1]);

/**
 * The environment that asks `allocator` for huge pages on a machine with `thp`, merged into the
 * workload's own (a user's MALLOC_CONF or GLIBC_TUNABLES keeps its other settings).
 */
export function thpPlan(allocator: LinkedAllocator, thp: HugePageFacts['thp'], glibc: [number, number] | undefined, workloadEnv: Record<string, string | undefined> = {}): ThpPlan {
  if (!thp) return { applicable: false, reason: 'transparent huge pages are not readable here (no /sys/kernel/mm/transparent_hugepage): nothing to ask for' };
  if (thp.enabled === 'never') return { applicable: false, reason: 'THP is `never` on this machine: no per-process setting can get huge pages; `echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled` allows them' };
  const join = (name: string, value: string, sep: string) => ({ [name]: workloadEnv[name] ? `${workloadEnv[name]}${sep}${value}` : value });
  if (allocator.kind === 'jemalloc') return { applicable: true, env: join(allocator.confVar, JEMALLOC_THP, ','), how: `${allocator.confVar}=${JEMALLOC_THP}` };
  if (allocator.kind === 'mimalloc') return { applicable: true, env: { [allocator.option]: '1' }, how: `${allocator.option}=1` };
  if (allocator.libc !== 'glibc') return { applicable: false, reason: `the binary uses the system allocator without glibc (${allocator.libc === 'musl' ? 'musl' : 'libc.so.6 not linked'}): it has no per-process huge-page switch; \`nx g rust-perf:allocator\` installs jemalloc or mimalloc, which have one` };
  if (!glibc || !atLeast(glibc, GLIBC_HUGETLB_SINCE))
    return { applicable: false, reason: `glibc ${glibc ? glibc.join('.') : '(version unknown)'} has no glibc.malloc.hugetlb tunable (since 2.35): the system allocator cannot be asked for huge pages; \`nx g rust-perf:allocator\` installs jemalloc or mimalloc, which can` };
  return { applicable: true, env: join('GLIBC_TUNABLES', GLIBC_HUGETLB, ':'), how: `GLIBC_TUNABLES=${GLIBC_HUGETLB}` };
}
