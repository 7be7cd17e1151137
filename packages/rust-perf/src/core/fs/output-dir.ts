// Executors replace their output folder whole (atomic publish), so an outputPath of ".", "..", a
// source folder or a path outside the workspace would delete user files: refuse those up front.
import * as fs from 'node:fs';
import * as path from 'node:path';

const SOURCE_MARKERS = ['Cargo.toml', 'package.json', 'nx.json', 'project.json', '.git', 'src'];

export function resolveOutputDir(workspaceRoot: string, outputPath: string | undefined, fallback: string): string {
  const given = outputPath ?? fallback;
  const dir = path.resolve(workspaceRoot, given);
  const rel = path.relative(workspaceRoot, dir);
  const fix = `Fix: set outputPath to a folder of its own inside the workspace, e.g. ${fallback}.`;
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`outputPath "${given}" resolves to ${dir}, which is ${rel === '' ? 'the workspace root' : `outside the workspace ${workspaceRoot}`}; rust-perf replaces its output folder whole. ${fix}`);
  }
  const marker = fs.existsSync(dir) ? SOURCE_MARKERS.find((m) => fs.existsSync(path.join(dir, m))) : undefined;
  if (marker) throw new Error(`outputPath "${given}" (${dir}) holds ${marker}, so it is not an output folder; rust-perf replaces its output folder whole. ${fix}`);
  return dir;
}
