// Affected-only benches: `nx affected -t bench` selects exactly the crates a change reaches, and the commands the
// generated CI workflow runs are the ones exercised here.
import { affectedCommands } from '../../../packages/rust-perf/src/core/ci/github-workflow';
import { commitAll, createWorkspace, exampleWorkflow, type TestWorkspace } from './harness';

const workflow = exampleWorkflow({ failOnRegression: 10 });

interface TaskGraphFile {
  tasks?: { tasks?: Record<string, unknown> };
  taskGraph?: { tasks?: Record<string, unknown> };
}

describe('affected benchmarks', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());

  /** The bench tasks `nx affected` would run for the last commit, read from its task graph (nothing runs). */
  async function affectedBenchTasks(change: () => void): Promise<string[]> {
    change();
    await commitAll(ws, 'change');
    await ws.nx(['affected', '-t', 'bench', '--base=HEAD~1', '--head=HEAD', '--graph=tasks.json']);
    const graph = JSON.parse(ws.read('tasks.json')) as TaskGraphFile;
    return Object.keys(graph.tasks?.tasks ?? graph.taskGraph?.tasks ?? {})
      .filter((id) => id.endsWith(':bench'))
      .sort();
  }
  const append = (rel: string, text: string) => () => ws.write(rel, ws.read(rel) + text);

  it('a change to execution-engine sources reaches only its bench', async () => {
    expect(await affectedBenchTasks(append('rust/execution-engine/src/lib.rs', '\n// touched\n'))).toEqual(['execution-engine:bench']);
  });

  it('a change to common reaches every crate that depends on it', async () => {
    expect(await affectedBenchTasks(append('rust/common/src/lib.rs', '\n// touched\n'))).toEqual([
      'common:bench',
      'execution-engine:bench',
      'market-data:bench',
    ]);
  });

  it('Cargo.lock and .cargo/config.toml reach every Rust project', async () => {
    const all = ['common:bench', 'execution-engine:bench', 'market-data:bench'];
    expect(await affectedBenchTasks(append('rust/Cargo.lock', '\n# touched\n'))).toEqual(all);
    expect(await affectedBenchTasks(() => ws.write('rust/.cargo/config.toml', '# touched\n'))).toEqual(all);
  });

  it('documentation inside a crate reaches no bench', async () => {
    expect(await affectedBenchTasks(() => ws.write('rust/market-data/README.md', '# market-data\n'))).toEqual([]);
  });

  it('the workflow\'s bench command runs only the affected bench', async () => {
    append('rust/execution-engine/src/lib.rs', '\n// touched again\n')();
    await commitAll(ws, 'change execution-engine');
    const bench = affectedCommands(workflow, 'HEAD~1', 'HEAD').find((argv) => argv.includes('bench'))!;
    // Which benches run is this test's subject; gate.spec covers the comparison itself (rounds, counted work).
    const result = await ws.nx([...bench.slice(1), '--measurementTime=1', '--warmUpTime=0.5', '--sampleSize=10', '--rounds=3', '--counted=false']);
    expect(result.stdout).toMatch(/execution-engine:bench/);
    expect(result.stdout).not.toMatch(/market-data:bench|common:bench/);
    expect(ws.exists('dist/bench/execution-engine/summary.json')).toBe(true);
    expect(ws.exists('dist/bench/market-data/summary.json')).toBe(false);
    // A comment never fails the gate: 3 rounds cannot give a 95% interval, so nothing is decided.
    expect(result.stdout + result.stderr).toMatch(/not enough rounds to decide \(needs 6\)/);
    expect((JSON.parse(ws.read('dist/bench/execution-engine/summary.json')) as { comparison: { verdict: string } }).comparison.verdict).toBe('pass');
  });
});
