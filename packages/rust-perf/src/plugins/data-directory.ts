import { join, resolve } from 'node:path';

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
