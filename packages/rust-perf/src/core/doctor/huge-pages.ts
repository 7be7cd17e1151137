// doctor's huge-page section: what THP and the hugetlb pool are on this machine, what the tuning
// guide's `vm.nr_hugepages=1024` sysctl would do here, and per binary the per-process switch (no root)
// of the allocator it uses. Unreadable /sys or /proc (containers) is a note, never a failure.
import type { Check } from './checks';
import { GLIBC_HUGETLB, JEMALLOC_THP, type ThpPlan } from '../memory/thp-env';
import type { HugePageFacts, HugetlbPool } from '../memory/hugepages';

/** The tuning guide's line: `echo 'vm.nr_hugepages=1024' | sudo tee -a /etc/sysctl.conf`. */
export const GUIDE_NR_HUGEPAGES = 1024;

const mib = (kib: number) => `${Math.round(kib / 1024)} MiB`;

function thpCheck(facts: HugePageFacts): Check {
  if (!facts.thp) return { id: 'thp', status: 'note', summary: `transparent huge pages unknown: ${facts.thpUnreadable}` };
  const { enabled, defrag, pmdKiB } = facts.thp;
  const size = pmdKiB ? `${mib(pmdKiB)} pages` : 'huge pages';
  const what: Record<string, string> = {
    always: `every large enough anonymous mapping may get ${size}; an allocator's option mostly changes how its memory is aligned for them`,
    madvise: `anonymous memory gets ${size} only where the program asks (madvise MADV_HUGEPAGE): each allocator's per-process switch below`,
    never: `no process gets ${size}, whatever it asks; \`echo madvise | sudo tee /sys/kernel/mm/transparent_hugepage/enabled\` allows them where asked`,
  };
  return { id: 'thp', status: 'pass', summary: `THP enabled = ${enabled}, defrag = ${defrag ?? '?'}: ${what[enabled] ?? `mode ${enabled}`}` };
}

function poolCheck(facts: HugePageFacts): Check {
  const p: HugetlbPool | undefined = facts.pool;
  if (!p) return { id: 'hugetlb-pool', status: 'note', summary: `explicit huge pages unknown: ${facts.poolUnreadable}` };
  const inUse = p.total - p.free;
  const nr = p.nrHugepages !== undefined ? `vm.nr_hugepages = ${p.nrHugepages}` : 'vm.nr_hugepages unreadable';
  const state = `${nr}; HugePages_Total ${p.total}, Free ${p.free}, Rsvd ${p.reserved} (${inUse} in use, ${mib(p.pageKiB)} each)`;
  const guideKiB = GUIDE_NR_HUGEPAGES * p.pageKiB;
  const share = p.memTotalKiB ? ` (${((100 * guideKiB) / p.memTotalKiB).toFixed(0)} % of this machine's ${mib(p.memTotalKiB)})` : '';
  const guide =
    `the guide's vm.nr_hugepages=${GUIDE_NR_HUGEPAGES} would reserve ${mib(guideKiB)}${share}, taken from every other program and used by none unless it maps hugetlbfs itself: ` +
    `of Rust's allocators glibc's malloc with GLIBC_TUNABLES=glibc.malloc.hugetlb=2 and mimalloc with MIMALLOC_ALLOW_LARGE_OS_PAGES=1 (MAP_HUGETLB, 2 MiB pages); jemalloc never`;
  if (p.total > 0 && inUse === 0 && p.reserved === 0)
    return { id: 'hugetlb-pool', status: 'warn', summary: `${state}: ${mib(p.total * p.pageKiB)} reserved and unused; ${guide}`, fix: 'sudo sysctl vm.nr_hugepages=0 (and remove the line from /etc/sysctl.conf); ask for transparent huge pages per process instead (below)' };
  return { id: 'hugetlb-pool', status: 'pass', summary: `${state}; ${guide}` };
}

/** The per-process switch for the allocator doctor found in a binary's source (its summary text). */
export function sourceAllocatorPlan(allocatorSummary: string, thp: HugePageFacts['thp']): ThpPlan {
  if (thp?.enabled === 'never') return { applicable: false, reason: 'THP is `never` here: no per-process switch helps' };
  if (/^jemalloc/.test(allocatorSummary)) return { applicable: true, env: {}, how: `_RJEM_MALLOC_CONF=${JEMALLOC_THP} (tikv-jemallocator; MALLOC_CONF with its unprefixed_malloc_on_supported_platforms feature)` };
  if (/^mimalloc/.test(allocatorSummary)) return { applicable: true, env: {}, how: 'none needed for THP with mimalloc ≥ 2.2 (MIMALLOC_ALLOW_THP=1 is its default); MIMALLOC_ALLOW_LARGE_OS_PAGES=1 also tries explicit huge pages from the hugetlb pool' };
  if (/^(the )?system allocator/.test(allocatorSummary)) return { applicable: true, env: {}, how: `GLIBC_TUNABLES=${GLIBC_HUGETLB} (glibc ≥ 2.35 on linux-gnu; musl has no switch)` };
  return { applicable: false, reason: `no per-process huge-page switch known for ${allocatorSummary}` };
}

export function hugePageChecks(facts: HugePageFacts, allocators: ReadonlyArray<{ package: string; bin: string; allocator: string }>, project?: string): Check[] {
  const checks = [thpCheck(facts), poolCheck(facts)];
  for (const a of allocators) {
    const plan = sourceAllocatorPlan(a.allocator, facts.thp);
    const measure = `nx run ${project ?? a.package}:perf-report --configurations release,thp measures it`;
    checks.push(
      plan.applicable && !facts.thp
        ? { id: `huge-pages:${a.bin}`, status: 'note', summary: `${a.package}/${a.bin}: THP is not readable here; where the host allows it, per process: ${plan.how}` }
        : plan.applicable
        ? { id: `huge-pages:${a.bin}`, status: 'pass', summary: `${a.package}/${a.bin}: per process, no root: ${plan.how}; ${measure}` }
        : { id: `huge-pages:${a.bin}`, status: 'note', summary: `${a.package}/${a.bin}: ${plan.reason}` },
    );
  }
  return checks;
}
