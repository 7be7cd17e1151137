// Inference's view of each bench's kind (metadata['rust-perf'].kind on bench--<name>), detected as the
// bench executor detects it at run time (core/bench/kinds/detect.ts). Read on an inference cache miss
// only: the executor's own detection is what decides how a bench runs.
import { posix } from 'node:path';
import { detectBenchKind, type BenchKind } from '../core/bench/kinds/detect';

export function benchKindsOf(
  benchFiles: readonly { name: string; path: string }[],
  declared: readonly { name?: string; path?: string; harness: boolean }[],
  readSource: (relativeToCrate: string) => string | undefined,
): Record<string, BenchKind> {
  const kinds: Record<string, BenchKind> = {};
  for (const f of benchFiles) {
    const d = declared.find((x) => x.name === f.name || (x.name === undefined && x.path !== undefined && posix.normalize(x.path) === f.path));
    kinds[f.name] = detectBenchKind(d?.harness ?? true, readSource(f.path)).kind;
  }
  return kinds;
}
