import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutorContext } from '@nx/devkit';
import { resolveCargoProject, resolveProject } from './project';

const context = (root: string, projectName?: string) => ({ root, projectName, cwd: root, isVerbose: false }) as unknown as ExecutorContext;

describe('resolveProject', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-project-'));
    fs.mkdirSync(path.join(root, 'rust'));
    fs.writeFileSync(path.join(root, 'rust', 'Cargo.toml'), '[workspace]\nmembers = []\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  test('the Nx project names the outputs, the package defaults to it, cargoRoot is relative to the Nx root', () => {
    expect(resolveProject({ cargoRoot: 'rust' }, context(root, 'market-data'))).toEqual({ project: 'market-data', pkg: 'market-data', cargoRoot: path.join(root, 'rust') });
    expect(resolveProject({ cargoRoot: 'rust', package: 'md' }, context(root, 'apps-a-md'))).toEqual({ project: 'apps-a-md', pkg: 'md', cargoRoot: path.join(root, 'rust') });
    // Outside a project (a run from the CLI), the package or the fallback names the outputs.
    expect(resolveProject({ package: 'md' }, context(root), 'bench')).toEqual({ project: 'md', pkg: 'md', cargoRoot: root });
    expect(resolveProject({}, context(root), 'bench')).toEqual({ project: 'bench', pkg: 'bench', cargoRoot: root });
  });

  test('a cargoRoot without Cargo.toml, or no package at all, fails naming the fix', () => {
    expect(() => resolveCargoProject({ cargoRoot: 'nope', package: 'md' }, context(root))).toThrow(`${path.join(root, 'nope', 'Cargo.toml')} does not exist: set \`cargoRoot\` to the folder of the Cargo workspace's root Cargo.toml (relative to ${root})`);
    expect(() => resolveCargoProject({ cargoRoot: 'rust' }, context(root))).toThrow('the `package` option is required (the Cargo package name)');
    expect(resolveCargoProject({ cargoRoot: 'rust' }, context(root, 'md')).cargoRoot).toBe(path.join(root, 'rust'));
  });
});
