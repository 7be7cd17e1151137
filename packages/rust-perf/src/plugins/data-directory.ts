import { join, resolve } from 'node:path';
import * as devkit from '@nx/devkit';

/**
 * Nx's workspace data directory. `@nx/devkit` exported it publicly up to Nx 23; Nx 24 moved it to
 * an internal entry, so fall back to Nx's own rule (NX_WORKSPACE_DATA_DIRECTORY, else
 * .nx/workspace-data) rather than import a private path.
 */
export function workspaceDataDirectory(workspaceRoot: string): string {
  const exported = (devkit as { workspaceDataDirectory?: unknown }).workspaceDataDirectory;
  if (typeof exported === 'string') return exported;
  const configured = process.env.NX_WORKSPACE_DATA_DIRECTORY ?? process.env.NX_PROJECT_GRAPH_CACHE_DIRECTORY;
  if (configured) return resolve(workspaceRoot, configured);
  return join(workspaceRoot, '.nx', 'workspace-data');
}
