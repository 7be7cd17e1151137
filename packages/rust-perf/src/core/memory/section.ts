// What perf-report's memory section holds: the huge-page columns of each configuration and the
// machine's THP facts, page faults and dTLB misses. Memory's own data, so thp-run.ts fills it and
// core/report renders it, both importing down.
import { hugeShare, type AnonymousMemory } from './hugepages';
import { spread, type Spread } from '../stats/spread';

/** Per configuration: the peak huge-page sample of each wall-time run, as spreads over the runs. */
export interface HugePageColumns {
  /** AnonHugePages / Anonymous of each run's peak sample, percent. */
  sharePct: Spread;
  anonHugeKiB: Spread;
  anonymousKiB: Spread;
}

export function hugePageColumns(samples: readonly AnonymousMemory[]): HugePageColumns {
  return { sharePct: spread(samples.map(hugeShare)), anonHugeKiB: spread(samples.map((s) => s.anonHugeKiB)), anonymousKiB: spread(samples.map((s) => s.anonymousKiB)) };
}

export interface MemorySection {
  /** THP as the kernel reported it during the runs, or why it could not be read. */
  thp: string;
  /** The allocator the release binary links, as read from the binary. */
  allocator: string;
  /** How huge pages were asked for (the environment of the thp row), or why they could not be. */
  asked: { how: string } | { notApplicable: string };
  /** Page faults per configuration (perf stat's software event, median over a few runs), or why there are none. */
  pageFaults: { byConfig: Record<string, Spread> } | { unavailable: string };
  /** dTLB misses per configuration from perf stat, or why there are none. */
  dtlb: { byConfig: Record<string, { loadMisses: number; storeMisses?: number }> } | { unavailable: string };
}
