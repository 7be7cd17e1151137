// What pgo-profile records beside the .profdata: the cargo features its instrumented build had.
// build-pgo and bolt-profile build with the same ones, so the profile describes the code they compile
// (a feature changes code, and the workload's binary may need its required-features).
import * as fs from 'node:fs';
import * as path from 'node:path';

export const PGO_RECORD = 'pgo.json';

export interface PgoRecord {
  /** `--features` of the instrumented build (the option's and the workload targets' required-features). */
  features: string[];
}

export function pgoRecordText(record: PgoRecord): string {
  return JSON.stringify(record, null, 2) + '\n';
}

/** The record beside a .profdata; undefined when there is none (no features were on, a profile from elsewhere, an older pgo-profile). */
export function readPgoRecord(profdata: string): PgoRecord | undefined {
  try {
    const data = JSON.parse(fs.readFileSync(path.join(path.dirname(profdata), PGO_RECORD), 'utf8')) as Partial<PgoRecord>;
    return Array.isArray(data.features) && data.features.every((f) => typeof f === 'string') ? { features: data.features } : undefined;
  } catch {
    return undefined;
  }
}
