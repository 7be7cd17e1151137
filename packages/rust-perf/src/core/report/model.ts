// perf-report's model: what report.json holds per configuration and for the whole report. A leaf
// below the renderers (report.ts, heap.ts, memory.ts), so they import it and never each other in a circle.
import type { BuildKind } from '../cargo/build';
import type { AllocationSite } from '../count/dhat-sites';
import type { Repeatability } from '../count/repeat';
import type { HugePageColumns, MemorySection } from '../memory/section';
import type { Spread } from '../stats/spread';

export interface ConfigResult {
  name: string;
  description: string;
  /** Measured wall time of the cargo build that produced the binary (seconds); from the build record when reused, null when none was recorded. */
  buildSeconds: number | null;
  /** What buildSeconds measured (cargo's `fresh` flags): only cold builds are compared; absent when unknown (an older build record). */
  buildKind?: BuildKind;
  /** Where the binary came from: built by the report, or reused from a target's output. */
  source: string;
  binaryBytes: number;
  runtimeSeconds: Spread;
  /** Units per second when the workload prints a throughput line. */
  throughput?: Spread & { unit: string };
  /** AVX/AVX2 (ymm) and AVX-512 (zmm) instructions in the binary's disassembly. */
  ymmInstructions: number;
  zmmInstructions: number;
  /** Peak resident set size of the wall-time runs (KiB), sampled from the kernel's high-water mark; absent when no sample was taken. */
  peakRssKiB?: Spread;
  /** Counted once under valgrind (deterministic), or why it could not be. Absent when counting was off. */
  counted?: CountedColumns | NotCountedColumn;
  /** Huge pages backing the runs' anonymous memory (smaps_rollup samples), when sampled. */
  hugePages?: HugePageColumns;
  /** Variables the runs of this configuration had on top of the workload's (e.g. the thp row's allocator switch). */
  environment?: Record<string, string>;
}

/**
 * Counts under valgrind (cachegrind + DHAT) at the report's counting.cpu: the median of
 * counting.runs cachegrind runs (each in `runs`), heap counts from one DHAT run. They repeat only
 * when the workload is fixed-work: counting.repeatability says whether they did.
 */
export interface CountedColumns {
  instructions: number;
  estimatedCycles: number;
  branchMispredicts: number;
  llMisses: number;
  l1Misses: number;
  allocations?: number;
  bytesAllocated?: number;
  peakHeapBytes?: number;
  /** DHAT's top allocation sites of the counted run (the guide's massif question: where the heap goes). */
  allocationSites?: AllocationSite[];
  /** perf stat's counts, where the machine has hardware counters: real, but not deterministic. */
  hardware?: { instructions: number; cycles: number };
  /** When the counted binary is another configuration's (e.g. release+native at the counted CPU level is release). */
  sameBinaryAs?: string;
  /** Each cachegrind run's counts, in order (absent in reports written before counts were repeated). */
  runs?: CountedRuns;
}

export interface CountedRuns {
  instructions: number[];
  estimatedCycles: number[];
  branchMispredicts: number[];
  llMisses: number[];
}

export interface NotCountedColumn {
  notCounted: string;
}

export function isCounted(c: ConfigResult['counted']): c is CountedColumns {
  return c !== undefined && !('notCounted' in c);
}

/** How the counted columns were made, for the reader of the report. */
export interface Counting {
  /** The -C target-cpu every counted binary was built for. */
  cpu: string;
  /** The workload args the counted runs used, and where they came from. */
  args: string[];
  argsSource: string;
  tool: string;
  cacheGeometry: string;
  formula: string;
  /** Cachegrind runs of each counted binary (at least 2). */
  runs?: number;
  /** Whether one binary's counts repeat within the noise floor (absent when nothing was counted). */
  repeatability?: Repeatability;
}

export interface Report {
  schemaVersion: 1;
  project: string;
  createdAt: string;
  machine: { cpu: string; cores: number; rustc: string };
  workload: string;
  runs: number;
  baseline: string;
  configs: ConfigResult[];
  /** Present when the configurations were counted; whether the counts repeated is `counting.repeatability`. */
  counting?: Counting;
  /** Which report columns are counted (they repeat when the workload is fixed-work), which are wall time with spread, which are measured once. */
  columns?: typeof REPORT_COLUMNS;
  /** The huge-page section, when the thp configuration was asked for. */
  memory?: MemorySection;
}

/**
 * Which fields of a configuration are counted (they repeat exactly when the workload is fixed-work:
 * counting.repeatability), which are wall-time measurements with spread, which are measured once.
 */
export const REPORT_COLUMNS = {
  deterministic: ['counted.instructions', 'counted.estimatedCycles', 'counted.branchMispredicts', 'counted.llMisses', 'counted.l1Misses', 'counted.allocations', 'counted.bytesAllocated', 'counted.peakHeapBytes', 'binaryBytes', 'ymmInstructions', 'zmmInstructions'],
  wallTimeWithSpread: ['runtimeSeconds', 'throughput', 'peakRssKiB', 'hugePages'],
  once: ['buildSeconds', 'counted.hardware'],
};
