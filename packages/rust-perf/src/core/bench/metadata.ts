// `cargo metadata --no-deps`: the target directory (criterion writes under it) and the package's targets.
import { CommandFailedError, run } from '../process/run';
import { parseJson } from './json';
import type { MetadataPackage } from './plan';

export interface CargoMetadata {
  target_directory: string;
  workspace_root: string;
  packages: MetadataPackage[];
}

export class PackageNotFoundError extends Error {
  constructor(pkg: string, cargoRoot: string, known: string[]) {
    super(`${cargoRoot}/Cargo.toml: the Cargo workspace has no package \`${pkg}\` (packages: ${known.join(', ') || 'none'}). Set the target's "package" option.`);
    this.name = 'PackageNotFoundError';
  }
}

export async function cargoMetadata(cargoRoot: string, env?: Record<string, string | undefined>): Promise<CargoMetadata> {
  const result = await run('cargo', ['metadata', '--no-deps', '--format-version', '1'], { cwd: cargoRoot, env });
  if (result.exitCode !== 0) throw new CommandFailedError(result, `cargo could not read the workspace at ${cargoRoot}:\n${result.stderr.trim()}`);
  return parseJson(result.stdout, 'cargo metadata output') as CargoMetadata;
}

export function findPackage(metadata: CargoMetadata, pkg: string, cargoRoot: string): MetadataPackage {
  const found = metadata.packages.find((p) => p.name === pkg);
  if (!found) throw new PackageNotFoundError(pkg, cargoRoot, metadata.packages.map((p) => p.name));
  return found;
}
