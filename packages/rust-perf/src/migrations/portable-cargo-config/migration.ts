// Migration to 0.1.0 (nx migrate): init is portable by default since then. A thin shell over
// core/cargo-config/portable.ts: find the Cargo workspace as init does, rewrite its
// .cargo/config.toml through the same pending-write path, say what changed and how to undo it.
import '../../nx-guard'; // first: a clear message instead of @nx/devkit failing inside an unsupported Nx
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logger } from '@nx/devkit';
import type { Tree } from '@nx/devkit';
import { CargoWorkspaceNotFoundError, joinPath, locateCargoWorkspace } from '../../core/cargo/locate';
import { rustcHost } from '../../core/cargo-config/linker';
import { portableCargoConfig } from '../../core/cargo-config/portable';
import { PendingWrites, treeReader } from '../../generators/shared/tree';

export default async function portableCargoConfigMigration(tree: Tree): Promise<void> {
  let cargoRoot: string;
  try {
    cargoRoot = locateCargoWorkspace(treeReader(tree));
  } catch (e) {
    if (e instanceof CargoWorkspaceNotFoundError) return;
    throw e;
  }
  const configPath = joinPath(cargoRoot, '.cargo/config.toml');
  const writes = new PendingWrites(tree);
  const existing = writes.read(configPath);
  if (existing === null) return;
  // The tables init wrote name this host's OS; rustc says which host that is, as it did for init
  // (run in the Cargo workspace so its rust-toolchain file applies; the Tree root is virtual in tests).
  const onDisk = existsSync(join(tree.root, cargoRoot));
  const host = await rustcHost(onDisk ? join(tree.root, cargoRoot) : tmpdir());
  const change = portableCargoConfig(existing, configPath, host);
  if (change.text === null) return;
  writes.write(configPath, change.text);
  writes.commit();
  for (const n of change.notes) logger.info(`rust-perf: ${n}`);
  logger.info(
    `rust-perf: removed -C target-cpu=native from ${configPath} ${change.tables.join(', ')}: init writes a portable config since 0.1.0, so binaries built from it run on any CPU of their target. ` +
      `For CPU-tuned builds run the build-native target (its cache key carries the CPU); to keep native for every build, run nx g rust-perf:init --cpu native --force.`,
  );
}
