// Latency programs in `nx run <p>:bench`: built once, run `runs` times, their statistics folded into
// summary rows (median over runs with the min–max spread). Parsing and folding: core/bench/latency/.
import * as path from 'node:path';
import type { BenchInfo } from '../../core/bench/kinds/detect';
import { DEFAULT_LATENCY_RUNS, describeLatencyRows, latencyRows } from '../../core/bench/latency/latency-summary';
import type { MetadataPackage } from '../../core/bench/plan';
import type { PhaseLog } from '../../core/bench/progress';
import { formatNs, type BenchmarkSummary } from '../../core/bench/summary';
import { buildLatencyPrograms, featuresFor, hasValues, nothingRecognizable, runLatencyProgram } from './kinds';
import type { LatencyValues } from '../../core/bench/latency/latency-output';

export async function runLatencyBenches(
  cargoRoot: string,
  pkg: MetadataPackage,
  benches: readonly BenchInfo[],
  o: { features?: string[]; runs?: number },
  log: PhaseLog,
): Promise<{ rows: BenchmarkSummary[]; notes: string[] }> {
  const runs = o.runs ?? DEFAULT_LATENCY_RUNS;
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`"runs" must be a whole number of at least 1 (got ${runs}).`);
  const features = featuresFor(benches, o.features);
  log.phase(`latency programs ${benches.map((b) => b.name).join(', ')}: building${features.length ? ` with features ${features.join(',')}` : ''}`);
  const exes = await buildLatencyPrograms(cargoRoot, pkg, benches.map((b) => b.name), features);
  const pkgDir = path.dirname(pkg.manifest_path);
  const rows: BenchmarkSummary[] = [];
  const notes: string[] = [];
  for (const bench of benches) {
    const values: LatencyValues[] = [];
    for (let i = 0; i < runs; i++) {
      log.phase(`${bench.name}: run ${i + 1}/${runs}`);
      let r;
      try {
        r = await runLatencyProgram(exes.get(bench.name)!, pkgDir);
      } catch (e) {
        throw new Error(`latency program ${bench.name} (${exes.get(bench.name)}) failed: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (i === 0) for (const n of r.notes) notes.push(`bench ${bench.name}: ${n}`);
      if (i === 0 && r.histograms.length) log.phase(`${bench.name}: read ${r.histograms.map((h) => path.basename(h)).join(', ')}`);
      if (!hasValues(r.values)) break;
      values.push(r.values);
    }
    if (values.length === 0) {
      notes.push(nothingRecognizable(bench.name));
      log.phase(nothingRecognizable(bench.name));
      continue;
    }
    const folded = latencyRows(bench.name, values);
    rows.push(...folded.rows);
    notes.push(...folded.notes);
    log.phase(describeLatencyRows(bench.name, folded.rows, formatNs));
  }
  return { rows, notes };
}
