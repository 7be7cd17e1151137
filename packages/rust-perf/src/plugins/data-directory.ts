import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { writeFileAtomic } from '../core/fs/atomic';

/**
 * Nx's workspace data directory, by Nx's own rule (NX_WORKSPACE_DATA_DIRECTORY, formerly
 * NX_PROJECT_GRAPH_CACHE_DIRECTORY, else .nx/workspace-data). Nx 24 no longer exports it from the
 * public @nx/devkit entry, and loading devkit just to read it would cost every graph computation.
 */
export function workspaceDataDirectory(workspaceRoot: string): string {
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  if (configured) return resolve(workspaceRoot, configured);
  return join(workspaceRoot, '.nx', 'workspace-data');
}

/** A JSON cache file in that directory; a missing, torn or foreign file reads as undefined and is recomputed. */
export function readDataFile<T>(path: string, accept: (data: Partial<T>) => boolean): T | undefined {
  if (!existsSync(path)) return undefined;
  try {
    const data = JSON.parse(readFileSync(path, 'utf8')) as Partial<T>;
    return accept(data) ? (data as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Written atomically; failing to write a cache is a warning, never a failed graph. */
export function writeDataFile(path: string, data: unknown, warn: (message: string) => void): void {
  try {
    writeFileAtomic(path, JSON.stringify(data));
  } catch (e) {
    warn(`rust-perf: could not write the inference cache ${path}: ${(e as Error).message}`);
  }
}
