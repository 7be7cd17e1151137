// Package facts for PGO from `cargo metadata --no-deps` (cargo's own answer: manifest path,
// [package.metadata], bin and bench target names).
import * as fs from 'node:fs';
import { benchInfos, type BenchKind } from '../bench/kinds/detect';
import { isDivanBenchSource } from '../bench/divan/divan';
import { runChecked } from '../process/run';
import type { PackageInfo } from './workload';

interface MetadataJson {
  packages: Array<{ name: string; manifest_path: string; metadata: unknown; targets: Array<{ name: string; kind: string[]; src_path?: string; 'required-features'?: string[] }>; dependencies?: Array<{ name: string }> }>;
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
    benchKinds: benchKindsFromDisk(pkg.manifest_path, pkg.targets.filter((t) => t.kind.includes('bench'))),
    benchesWithRequiredFeatures: pkg.targets.filter((t) => t.kind.includes('bench') && (t['required-features']?.length ?? 0) > 0).map((t) => t.name),
    divanBenches: pkg.targets.filter((t) => t.kind.includes('bench') && isDivan(t.src_path)).map((t) => t.name),
    targets: pkg.targets.filter((t) => t.kind.includes('bin') || t.kind.includes('bench')).map((t) => ({ name: t.name, kind: t.kind, ...(t['required-features']?.length ? { 'required-features': t['required-features'] } : {}) })),
  };
}

// The kind needs `harness` (from the manifest: cargo metadata omits it) and the bench's root file.
function benchKindsFromDisk(manifestPath: string, benches: Array<{ name: string; src_path?: string }>): Record<string, BenchKind> | undefined {
  const read = (p: string) => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const manifest = read(manifestPath);
  if (manifest === undefined || benches.length === 0) return undefined;
  const infos = benchInfos(benches.map((b) => ({ name: b.name, srcPath: b.src_path })), manifest, manifestPath, read);
  return Object.fromEntries(infos.map((b) => [b.name, b.kind]));
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
