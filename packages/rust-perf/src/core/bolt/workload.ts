// Runs the PGO workload (core/pgo/workload.ts: option, else [package.metadata.rust-perf] workload)
// against BOLT-instrumented binaries. BOLT profiles one binary, so only entries that run the
// package's binaries qualify: `{ bin }` and `{ command }` (through $RUST_PERF_BIN_DIR); a criterion
// bench is another executable, its profile would describe the wrong binary.
import * as path from 'node:path';
import { runWorkloadCommand, WorkloadError, type PackageInfo, type ResolvedWorkload, type WorkloadEntry } from '../pgo/workload';

/** Refuses bench entries with the table to add instead. */
export function checkBoltWorkload(workload: ResolvedWorkload, pkg: PackageInfo): void {
  const benches = workload.entries.filter((e) => 'bench' in e);
  if (benches.length === 0) return;
  throw new WorkloadError(
    `bolt-profile needs a workload that runs ${pkg.name}'s binary (${pkg.bins.join(', ') || 'none'}), but ${workload.source} runs criterion benches: ` +
      'BOLT optimizes one binary from a profile of that binary.\n' +
      `Add to ${pkg.manifestPath}:\n\n[package.metadata.rust-perf]\nworkload = [{ bin = "${pkg.bins[0] ?? pkg.name}", args = ["…a representative, bounded run…"] }]\n\n` +
      "or set the bolt-profile target's `workload` option.",
  );
}

export interface BoltWorkloadRun {
  entries: readonly WorkloadEntry[];
  instrumentedDir: string;
  cargoRoot: string;
  workspaceRoot: string;
  allowWorkloadFailure?: boolean;
}

export async function runBoltWorkload(o: BoltWorkloadRun): Promise<void> {
  for (const entry of o.entries) {
    if ('bench' in entry) continue; // refused by checkBoltWorkload
    const env: Record<string, string | undefined> = { ...(entry.env ?? {}), RUST_PERF_BIN_DIR: o.instrumentedDir };
    const [file, ...args] = 'command' in entry ? entry.command : [path.join(o.instrumentedDir, entry.bin), ...(entry.args ?? [])];
    await runWorkloadCommand(file, args, { cwd: 'command' in entry ? o.workspaceRoot : o.cargoRoot, env, entry, allowWorkloadFailure: o.allowWorkloadFailure });
  }
}
