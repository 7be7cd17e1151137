// Package facts for PGO from `cargo metadata --no-deps` (cargo's own answer: manifest path,
// [package.metadata], bin and bench target names).
import * as fs from 'node:fs';
import { isDivanBenchSource } from '../bench/divan';
import { runChecked } from '../process/run';
import type { PackageInfo } from './workload';

interface MetadataJson {
  packages: Array<{ name: string; manifest_path: string; metadata: unknown; targets: Array<{ name: string; kind: string[]; src_path?: string }>; dependencies?: Array<{ name: string }> }>;
  target_directory: string;
}

export class PackageNotFoundError extends Error {}

export function packageFromMetadata(json: string, name: string, cargoRoot: string): PackageInfo {
  const meta = JSON.parse(json) as MetadataJson;
  const pkg = meta.packages.find((p) => p.name === name);
  if (!pkg) throw new PackageNotFoundError(`package \`${name}\` is not a member of the Cargo workspace at ${cargoRoot} (members: ${meta.packages.map((p) => p.name).join(', ')})`);
  return {
    name: pkg.name,
    manifestPath: pkg.manifest_path,
    metadata: pkg.metadata,
    bins: pkg.targets.filter((t) => t.kind.includes('bin')).map((t) => t.name),
    benches: pkg.targets.filter((t) => t.kind.includes('bench')).map((t) => t.name),
    usesCriterion: (pkg.dependencies ?? []).some((d) => d.name === 'criterion'),
    divanBenches: pkg.targets.filter((t) => t.kind.includes('bench') && isDivan(t.src_path)).map((t) => t.name),
  };
}

export async function readPackageInfo(cargoRoot: string, name: string, offline: boolean): Promise<PackageInfo> {
  const args = ['metadata', '--no-deps', '--format-version', '1', ...(offline ? ['--offline'] : [])];
  const r = await runChecked('cargo', args, { cwd: cargoRoot });
  return packageFromMetadata(r.stdout, name, cargoRoot);
}

/** A bench source that hands its main to divan (read here so the workload can run it with divan's flags). */
function isDivan(srcPath: string | undefined): boolean {
  if (!srcPath) return false;
  try {
    return isDivanBenchSource(fs.readFileSync(srcPath, 'utf8'));
  } catch {
    return false;
  }
}
