// .fdata housekeeping: which profiles each instrumented binary wrote, and the "did the workload
// exit normally?" check (BOLT's runtime writes the profile from the binary's DT_FINI hook, i.e. at
// a normal exit: a return from main or std::process::exit, not abort, a panic under
// panic = "abort", or a fatal signal).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fdataFilePattern } from './plan';

export interface FdataByBin {
  bin: string;
  /** Non-empty profiles, one per process that exited normally. */
  files: string[];
  /** Profiles of length 0 (a process ended while writing). */
  empty: number;
}

export function listFdata(dir: string, bins: readonly string[]): FdataByBin[] {
  const names = fs.existsSync(dir) ? fs.readdirSync(dir) : [];
  return bins.map((bin) => {
    const re = fdataFilePattern(bin);
    const all = names.filter((n) => re.test(n)).map((n) => path.join(dir, n));
    const files = all.filter((f) => fs.statSync(f).size > 0);
    return { bin, files: files.sort(), empty: all.length - files.length };
  });
}

export class NoBoltProfileError extends Error {}

/** Zero profiles for every binary is a failure naming the workload and the causes; binaries without one are skipped with a note. */
export function checkFdata(found: readonly FdataByBin[], dir: string, workload: string[]): { profiled: FdataByBin[]; unprofiled: string[] } {
  const profiled = found.filter((f) => f.files.length > 0);
  const unprofiled = found.filter((f) => f.files.length === 0).map((f) => f.bin);
  if (profiled.length === 0) {
    throw new NoBoltProfileError(
      `No .fdata profile was written to ${dir}. Did the workload run the instrumented program to a normal exit?\n` +
        `Workload: ${workload.join(' | ')}\n` +
        'BOLT-instrumented binaries write their profile when they exit normally (return from main or std::process::exit). ' +
        'Likely causes: a panic under panic = "abort", abort(), a signal the program does not handle (SIGINT/SIGTERM from a timeout, kill -9), ' +
        'or a `command` workload that did not run the binaries in $RUST_PERF_BIN_DIR. For a service that never exits, stop it with a signal it handles by calling exit.',
    );
  }
  return { profiled, unprofiled };
}
