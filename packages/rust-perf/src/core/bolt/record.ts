// bolt.json beside the published profile: what the input binary was built from, so build-bolt can
// report it and perf-report can show compile time for a binary restored from cache. Relative
// paths only: the file is a cached output restored into other clones.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../fs/atomic';

export interface BoltProfileRecord {
  /** llvm-bolt's LLVM version. */
  llvmBolt: string;
  profile: string;
  target: string;
  /** The PGO profile the input was built with (`<path relative to the workspace> (sha256 <16 hex>)`), if any. */
  profdata?: string;
  rustflags: string[];
  /** The input build's duration (cargo). */
  durationMs: number;
  /** Binaries with a profile. */
  bins: string[];
}

export const BOLT_RECORD = 'bolt.json';

export function writeBoltRecord(dir: string, record: BoltProfileRecord): void {
  writeFileAtomic(path.join(dir, BOLT_RECORD), JSON.stringify(record, null, 2) + '\n');
}

export function readBoltRecord(dir: string): BoltProfileRecord | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, BOLT_RECORD), 'utf8')) as BoltProfileRecord;
  } catch {
    return undefined;
  }
}

export function describeBoltRecord(r: BoltProfileRecord): string {
  return `input: profile \`${r.profile}\` for ${r.target}${r.profdata ? ` with PGO profile ${r.profdata}` : ' without a PGO profile'}, relocations kept; llvm-bolt ${r.llvmBolt}`;
}
