// DHAT's heap totals from its JSON output (`--dhat-out-file`, dhatFileVersion 2).
import { CountParseError } from './cachegrind';
import type { AllocationSite } from './dhat-sites';

export function dhatArgs(outFile: string): string[] {
  return ['--tool=dhat', `--dhat-out-file=${outFile}`];
}

export interface HeapCounts {
  /** Heap blocks allocated over the whole run (Σ tbk). */
  allocations: number;
  /** Bytes allocated over the whole run (Σ tb). */
  bytesAllocated: number;
  /** Live heap bytes at t-gmax, the moment the heap was largest (Σ gb). */
  peakHeapBytes: number;
  /** The top allocation sites by bytes allocated (core/count/dhat-sites.ts). */
  sites?: AllocationSite[];
}

interface DhatJson {
  dhatFileVersion?: number;
  mode?: string;
  pps?: Array<{ tb?: number; tbk?: number; gb?: number }>;
}

export function parseDhat(text: string, file: string): HeapCounts {
  let json: DhatJson;
  try {
    json = JSON.parse(text) as DhatJson;
  } catch (e) {
    throw new CountParseError(`${file}: not JSON (${(e as Error).message}); is it a DHAT output file?`);
  }
  if (!Array.isArray(json.pps)) throw new CountParseError(`${file}: no "pps" array; is it a DHAT heap profile (dhatFileVersion 2)?`);
  if (json.mode !== undefined && json.mode !== 'heap' && json.mode !== 'rust-heap') throw new CountParseError(`${file}: DHAT ran in "${json.mode}" mode, not heap mode`);
  const sum = (k: 'tb' | 'tbk' | 'gb') => json.pps!.reduce((s, pp) => s + (typeof pp[k] === 'number' ? pp[k]! : 0), 0);
  return { allocations: sum('tbk'), bytesAllocated: sum('tb'), peakHeapBytes: sum('gb') };
}
