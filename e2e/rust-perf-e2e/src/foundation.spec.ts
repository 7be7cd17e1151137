import * as fs from 'node:fs';
import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';

describe('foundation: the packed plugin in a fresh Nx workspace', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace();
  });
  afterAll(() => ws?.cleanup());

  it('is installed from the packed tarball, not linked to the source tree', () => {
    const installed = path.join(ws.root, 'node_modules', 'rust-perf');
    expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(path.join(installed, 'dist', 'index.js'))).toBe(true);
    expect(fs.existsSync(path.join(installed, 'src'))).toBe(false);
  });

  it('`nx list rust-perf` shows its generators and executors', async () => {
    const { stdout } = await ws.nx(['list', 'rust-perf']);
    for (const name of ['init', 'crate-deps', 'allocator', 'bench', 'build-release', 'build-pgo', 'pgo-profile', 'flamegraph']) {
      expect(stdout).toContain(name);
    }
  });

  it('the example crates build with plain cargo inside the workspace', async () => {
    const result = await ws.exec('cargo', ['build', '--workspace', '--bins'], { cwd: ws.cargoRoot });
    expect(result.stderr).toMatch(/Finished/);
  });
});

// The peer range covers Nx 22–24; the oldest supported major must load the plugin too.
describe('foundation: the oldest supported Nx major (22)', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ nxVersion: '22.7.12', registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());

  it('infers the three crates and their graph edges', async () => {
    const { stdout } = await ws.nx(['show', 'projects', '--json']);
    expect((JSON.parse(stdout) as string[]).sort()).toEqual(['common', 'execution-engine', 'market-data']);
    await ws.nx(['graph', '--file=graph.json']);
    const graph = JSON.parse(ws.read('graph.json')) as { graph: { dependencies: Record<string, Array<{ target: string }>> } };
    expect(graph.graph.dependencies['market-data'].map((d) => d.target)).toEqual(['common']);
  });

  it('runs a generator and a target', async () => {
    await ws.nx(['g', 'rust-perf:ci-workflow']);
    expect(ws.exists('.github/workflows/perf.yml')).toBe(true);
    const doctor = await ws.nx(['run', 'common:doctor', '--json']);
    expect(doctor.stdout).toMatch(/"id": "rustc"/);
  });
});
