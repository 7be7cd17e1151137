// Which nx perf-report starts for the build targets it needs: the one running this task, found the
// way the workspace installed it. Pure: the file reads and module resolution are passed in.
import * as path from 'node:path';

export interface NxLookup {
  /** The running script (process.argv[1]): Nx forks each task from its own tasks-runner/fork.js. */
  script?: string;
  root: string;
  /** require.resolve, from the workspace root or (paths undefined) from this plugin's own folder. */
  resolve: (request: string, paths?: string[]) => string;
  readFile: (file: string) => string | undefined;
}

/** nx's CLI entry from its package.json (`bin.nx`: bin/nx.js in Nx 22, dist/bin/nx.js in Nx 24). */
function binOf(packageJson: string, readFile: NxLookup['readFile']): string | undefined {
  const text = readFile(packageJson);
  if (text === undefined) return undefined;
  try {
    const pkg = JSON.parse(text) as { name?: string; bin?: string | Record<string, string> };
    if (pkg.name !== 'nx') return undefined;
    const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.nx;
    return bin === undefined ? undefined : path.join(path.dirname(packageJson), bin);
  } catch {
    return undefined;
  }
}

/**
 * The nx to start, in the order that finds the one running this task: the package the running
 * script belongs to, then the workspace's node_modules (npm, pnpm, yarn), then the nx beside this
 * plugin (its peer: Nx's own `.nx/installation`, pnpm's store, Yarn Plug'n'Play), then
 * `.nx/installation`. Advice to install nx with npm would create package.json and a lockfile,
 * which are inputs of every task: it invalidated every cached build.
 */
export function locateNx(lookup: NxLookup): { bin: string } | { tried: string[] } {
  const tried: string[] = [];
  if (lookup.script !== undefined) {
    for (let dir = path.dirname(lookup.script); path.dirname(dir) !== dir; dir = path.dirname(dir)) {
      const bin = binOf(path.join(dir, 'package.json'), lookup.readFile);
      if (bin !== undefined) return { bin };
      if (path.basename(dir) === 'node_modules') break;
    }
    tried.push(`the running script ${lookup.script}`);
  }
  const attempts: Array<[string, () => string]> = [
    [`${lookup.root}/node_modules`, () => lookup.resolve('nx/package.json', [lookup.root])],
    ['beside rust-perf', () => lookup.resolve('nx/package.json')],
    [`${lookup.root}/.nx/installation`, () => path.join(lookup.root, '.nx/installation/node_modules/nx/package.json')],
  ];
  for (const [where, find] of attempts) {
    try {
      const bin = binOf(find(), lookup.readFile);
      if (bin !== undefined) return { bin };
    } catch {
      // not there: the next place
    }
    tried.push(where);
  }
  return { tried };
}

export const NX_NOT_FOUND_FIX = 'start perf-report with the Nx this workspace uses (`./nx run <project>:perf-report` for Nx\'s own install, else `npx nx`, `pnpm nx` or `yarn nx`); installing Nx another way would change the files every task hashes';
