import * as path from 'node:path';
import { createWorkspace, type TestWorkspace } from './harness';

interface GraphJson {
  graph: { dependencies: Record<string, Array<{ source: string; target: string; type: string }>> };
}

const CRATES = ['common', 'execution-engine', 'market-data'];

// Inference only: no cargo build runs here, so this stays cheap on CI.
describe('inference: projects, targets and graph edges from Cargo.toml', () => {
  let ws: TestWorkspace;
  // The Cargo workspace folder relative to the Nx root (where the harness put the example).
  let cargoRel: string;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
    cargoRel = path.relative(ws.root, ws.cargoRoot).split(path.sep).join('/');
    // harness.ts copies with path.join(exampleDir, '.'), which normalises the '/.' away, so cp
    // nests the example as trading-desk/ (reported to the lead); accept either layout.
    if (!ws.exists(`${cargoRel}/Cargo.toml`) && ws.exists('trading-desk/rust/Cargo.toml')) cargoRel = 'trading-desk/rust';
  });
  afterAll(() => ws?.cleanup());

  it('`nx show projects` lists the three crates', async () => {
    const { stdout } = await ws.nx(['show', 'projects', '--json']);
    const projects = JSON.parse(stdout) as string[];
    expect(projects.filter((p) => CRATES.includes(p)).sort()).toEqual(CRATES);
  });

  it('`nx graph --file=graph.json` has exactly market-data→common and execution-engine→common among the crates', async () => {
    await ws.nx(['graph', '--file=graph.json']);
    const graph = JSON.parse(ws.read('graph.json')) as GraphJson;
    const rustEdges = Object.values(graph.graph.dependencies)
      .flat()
      .filter((d) => CRATES.includes(d.source) && CRATES.includes(d.target))
      .map((d) => `${d.source}->${d.target} (${d.type})`)
      .sort();
    expect(rustEdges).toEqual(['execution-engine->common (static)', 'market-data->common (static)']);
  });

  it('`nx show project market-data --json` shows the targets with inputs and outputs', async () => {
    const { stdout } = await ws.nx(['show', 'project', 'market-data', '--json']);
    const project = JSON.parse(stdout) as {
      root: string;
      targets: Record<string, { executor: string; cache?: boolean; inputs: unknown[]; outputs: string[]; options: Record<string, unknown>; dependsOn?: unknown[] }>;
    };
    expect(project.root).toBe(`${cargoRel}/market-data`);
    expect(Object.keys(project.targets)).toEqual(expect.arrayContaining(['build-release', 'build-native', 'pgo-profile', 'build-pgo', 'bench', 'flamegraph']));
    const release = project.targets['build-release'];
    expect(release).toMatchObject({
      executor: 'rust-perf:build-release',
      cache: true,
      options: { cargoRoot: cargoRel, package: 'market-data', profile: 'release', outputPath: 'dist/rust/market-data/release' },
      outputs: ['{options.outputPath}'],
      // Any layout: the CPU joins the key when the user's rustflags say target-cpu=native (docs/inference.md).
      inputs: ['rustSources', '^rustSources', 'rustWorkspace', { runtime: `node node_modules/rust-perf/bin/rust-perf.js cpu-key ${cargoRel}` }],
    });
    expect(project.targets['build-native'].inputs).toContainEqual({ runtime: 'rustc -C target-cpu=native --print cfg --print target-cpus' });
    expect(project.targets['build-pgo'].dependsOn).toEqual(['pgo-profile']);
    expect(project.targets.bench.options).toMatchObject({ benches: ['orderbook_bench'] });
    expect(project.targets.flamegraph.options).toMatchObject({ bin: 'market-data' });
  });

  it('reports a malformed Cargo.toml with its file, line and column', async () => {
    const file = `${cargoRel}/execution-engine/Cargo.toml`;
    const original = ws.read(file);
    ws.write(file, original.replace(/^version\.workspace = true$/m, 'version = 0.1.0'));
    try {
      const result = await ws.nx(['show', 'projects'], { allowFailure: true });
      expect(result.exitCode).not.toBe(0);
      expect(`${result.stdout}\n${result.stderr}`).toMatch(/rust\/execution-engine\/Cargo\.toml:\d+:\d+: invalid TOML/);
      expect(`${result.stdout}\n${result.stderr}`).toContain(`${file}:`);
    } finally {
      ws.write(file, original);
    }
  });
});
