// The one profdata staging step, shared by build-pgo, pgo-profile's counted runs, bolt-profile and
// perf-report: rustc's fingerprint sees the -Cprofile-use path, not the file's contents, so the merged
// profile is copied into the target dir under its content hash; a new profile gets a new path and
// cargo rebuilds, the same profile keeps the path and cargo does not.
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { copyFileAtomic } from '../fs/atomic';
import { profileUsePath } from './plan';

export interface StagedProfdata {
  /** The merged profile as published (dist/pgo/<project>/<project>.profdata or the profdata option). */
  source: string;
  /** sha256 of its contents, hex. */
  sha256: string;
  /** Where rustc reads it: <targetDir>/rust-perf/pgo/profdata/<sha256[0..16]>.profdata. */
  usePath: string;
}

/** Copies profdata to its content-hash path in targetDir (once: an existing copy has the same contents by its name). */
export function stageProfdata(profdata: string, targetDir: string): StagedProfdata {
  const sha256 = createHash('sha256').update(fs.readFileSync(profdata)).digest('hex');
  const usePath = profileUsePath(targetDir, sha256);
  if (!fs.existsSync(usePath)) copyFileAtomic(profdata, usePath);
  return { source: profdata, sha256, usePath };
}
