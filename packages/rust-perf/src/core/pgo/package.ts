// Package facts for PGO from `cargo metadata --no-deps` (cargo's own answer: manifest path,
// [package.metadata], bin and bench target names).
import { runChecked } from '../process/run';
import type { PackageInfo } from './workload';

interface MetadataJson {
  packages: Array<{ name: string; manifest_path: string; metadata: unknown; targets: Array<{ name: string; kind: string[]; 'required-features'?: string[] }>; dependencies?: Array<{ name: string }> }>;
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
    targets: pkg.targets.filter((t) => t.kind.includes('bin') || t.kind.includes('bench')).map((t) => ({ name: t.name, kind: t.kind, ...(t['required-features']?.length ? { 'required-features': t['required-features'] } : {}) })),
  };
}

export async function readPackageInfo(cargoRoot: string, name: string, offline: boolean): Promise<PackageInfo> {
  const args = ['metadata', '--no-deps', '--format-version', '1', ...(offline ? ['--offline'] : [])];
  const r = await runChecked('cargo', args, { cwd: cargoRoot });
  return packageFromMetadata(r.stdout, name, cargoRoot);
}
