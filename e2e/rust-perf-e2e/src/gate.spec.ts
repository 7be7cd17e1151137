// The same-job regression gate. `bench --compareRef` builds the base in a worktree and the
// head, runs them in alternating rounds and compares round by round; the workflow's own bench command
// runs only the affected crate; a slowed order book fails with the benchmark, change and interval named.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { affectedCommands } from '../../../packages/rust-perf/src/core/ci/github-workflow';
import { commitAll, createWorkspace, exampleWorkflow, must, sharedTargetDir, type TestWorkspace } from './harness';

const workflow = exampleWorkflow({ failOnRegression: 5 });

// Short criterion runs and 6 rounds (the fewest that reach a 95% interval) keep this file in a few minutes.
const FAST = ['--measurementTime=0.5', '--warmUpTime=0.3', '--sampleSize=10', '--rounds=6'];

interface Comparison {
  comparison: { verdict: string; benchmarks: { id: string; status: string; verdict: string; decidedBy?: string; metrics: { metric: string; change: { changePercent: number; baseMedian: number } }[] }[] };
}

describe('same-job regression gate', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true });
  });
  afterAll(() => ws?.cleanup());
  const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

  test('the workflow\'s bench command on a change to execution-engine compares only execution-engine, in this job', async () => {
    ws.write('rust/execution-engine/src/lib.rs', ws.read('rust/execution-engine/src/lib.rs') + '\n// touched\n');
    await commitAll(ws, 'change execution-engine');
    const bench = affectedCommands(workflow, 'HEAD~1', 'HEAD').find((argv) => argv.includes('bench'))!;
    expect(bench).toContain('--compareRef=HEAD~1');
    const result = await ws.nx([...bench.slice(1), ...FAST, '--filter=^router/parse_fix$']);
    expect(result.stdout).toMatch(/execution-engine:bench/);
    expect(result.stdout).not.toMatch(/market-data:bench|common:bench/);
    expect(out(result)).toMatch(/base: checking out [0-9a-f]{12}/);
    expect(out(result)).toMatch(/round 6\/6 done/);
    const summary = JSON.parse(ws.read('dist/bench/execution-engine/summary.json')) as Comparison;
    // Counted work decides (valgrind runs the example's x86-64 code); the same comment-only change counts the same.
    expect(summary.comparison.benchmarks.map((b) => [b.id, b.status, b.decidedBy, b.verdict])).toEqual([['router/parse_fix', 'compared', 'instructions', 'no significant change']]);
    expect(summary.comparison.verdict).toBe('pass');
    expect(ws.read('dist/bench/execution-engine/summary.md')).toContain('| benchmark | metric | base | head | change | interval | verdict |');
    expect(ws.exists('dist/bench/market-data/summary.json')).toBe(false);
    // The base has its own target dir; the worktree lives in Nx's workspace data folder.
    expect(fs.existsSync(path.join(sharedTargetDir, 'rust-perf-base'))).toBe(true);
    expect(ws.exists('.nx/workspace-data/rust-perf-compare/base/rust/execution-engine/Cargo.toml')).toBe(true);
  }, 1_200_000);

  test('a change that slows the order book fails the gate, naming the benchmark, the change and its interval', async () => {
    const book = ws.read('rust/market-data/src/book.rs');
    const slowed = book.replace('const INJECTED_SPINS: u32 = 0;', 'const INJECTED_SPINS: u32 = 3000;');
    expect(slowed).not.toBe(book);
    ws.write('rust/market-data/src/book.rs', slowed);
    await commitAll(ws, 'slow the order book');
    const gated = await ws.nx(['run', 'market-data:bench', '--compareRef=HEAD~1', ...FAST, '--filter=^orderbook/add_cancel_match$'], { allowFailure: true });
    expect(gated.exitCode).not.toBe(0);
    expect(out(gated)).toMatch(/1 benchmark\(s\) regressed by more than 1% in counted instructions against the base measured in this job/);
    expect(out(gated)).toMatch(
      /orderbook\/add_cancel_match: regressed, .+ instr → .+ instr, change \+\d+\.\d\d%, interval \[\+\d+\.\d\d%, \+\d+\.\d\d%\] \(range, 2 counted run\(s\) per side\), decided by instructions per iteration \(counted\); wall time \(fastest sample per iteration\): \+\d+\.\d\d% \[[-+]\d+\.\d\d%, [-+]\d+\.\d\d%\] \(96\.9%, 6 rounds\)/,
    );
    // What got slower: a differential flamegraph of base vs head stacks (perf, inferno-diff-folded), named
    // in the message and the step summary; the spin loop in OrderBook::add took a larger share of samples.
    const diff = 'dist/bench/market-data/diff/orderbook_add_cancel_match';
    expect(out(gated)).toMatch(/differential flamegraph: dist\/bench\/market-data\/diff\/orderbook_add_cancel_match\.diff\.svg; own time grown most: .+ \d+\.\d% → \d+\.\d% of samples/);
    expect(ws.read(`${diff}.diff.svg`)).toMatch(/<svg[\s\S]*OrderBook::add[\s\S]*<\/svg>\s*$/);
    const addShare = (side: string) => {
      const stacks = ws.read(`${diff}.${side}.folded`).trim().split('\n').map((l) => ({ add: l.includes('OrderBook::add'), n: Number(l.slice(l.lastIndexOf(' ') + 1)) }));
      return stacks.filter((x) => x.add).reduce((a, x) => a + x.n, 0) / stacks.reduce((a, x) => a + x.n, 0);
    };
    // 3,000 spins per add: the head spends most of its samples in OrderBook::add, the base far less.
    expect(addShare('head')).toBeGreaterThan(addShare('base') + 0.2);
    expect(ws.read('dist/bench/market-data/summary.md')).toContain(`  - differential flamegraph: ${diff}.diff.svg`);
    // The crate the change does not reach is not rerun.
    const other = await ws.nx(['run', 'execution-engine:bench', '--compareRef=HEAD~1', ...FAST]);
    expect(out(other)).toMatch(/execution-engine: nothing it is built from changed since HEAD~1 \([0-9a-f]{12}\): its benches were not rerun/);
  }, 1_200_000);

  test('[exec-compare-new-crate] a base where the crate did not exist: its benchmarks are new, not regressions', async () => {
    const manifest = ws.read('rust/Cargo.toml');
    const engine = path.join(ws.root, 'rust', 'execution-engine');
    fs.renameSync(engine, path.join(ws.root, 'engine-aside'));
    ws.write('rust/Cargo.toml', manifest.replace(', "execution-engine"', ''));
    expect(ws.read('rust/Cargo.toml')).not.toBe(manifest);
    await commitAll(ws, 'without execution-engine');
    fs.renameSync(path.join(ws.root, 'engine-aside'), engine);
    ws.write('rust/Cargo.toml', manifest);
    await commitAll(ws, 'execution-engine is back');
    const result = await ws.nx(['run', 'execution-engine:bench', '--compareRef=HEAD~1', ...FAST, '--filter=^router/parse_fix$']);
    expect(out(result)).toMatch(/router_bench is new \(not in the base\)/);
    expect(out(result)).toMatch(/router\/parse_fix: new in head \(no base to compare with\)/);
    expect(out(result)).toMatch(/No regression above 5% in wall time \(0 benchmark\(s\) compared with the base in this job, 1 new\)/);
    const summary = JSON.parse(ws.read('dist/bench/execution-engine/summary.json')) as Comparison;
    expect(summary.comparison.benchmarks).toMatchObject([{ id: 'router/parse_fix', status: 'new', verdict: 'new' }]);
  }, 1_200_000);

  test('a slowed short routine is flagged and an untouched one in the same bench never, twice in a row; a moved base ref is measured again', async () => {
    const started = Date.now();
    // 16 loop iterations at the top of Price::parse (a ~25 ns routine): parse_price slows, encode_json never calls it.
    const types = ws.read('rust/common/src/types.rs');
    const head = 'pub fn parse(s: &str) -> Result<Price, PriceParseError> {\n';
    const slowed = types.replace(head, `${head}        for i in 0..16u32 {\n            std::hint::black_box(i);\n        }\n`);
    expect(slowed).not.toBe(types);
    ws.write('rust/common/src/types.rs', slowed);
    await commitAll(ws, 'slow Price::parse');
    // Untracked files are not changes (git's view): with the base on HEAD nothing changed.
    ws.write('rust/common/scratch-notes.txt', 'untracked\n');
    const filter = '--filter=^codec/(parse_price|encode_json)$';
    const target = 'common:bench--codec_bench';
    await must('git', ['branch', '-f', 'gate-base', 'HEAD'], ws.root);
    const quiet = await ws.nx(['run', target, '--compareRef=gate-base', ...FAST, filter]);
    expect(out(quiet)).toMatch(/common: nothing it is built from changed since gate-base \([0-9a-f]{12}\): its benches were not rerun/);
    // The same command text, the ref moved to the parent: measured again, never replayed from the cache.
    await must('git', ['branch', '-f', 'gate-base', 'HEAD~1'], ws.root);
    for (const attempt of [1, 2]) {
      const gated = await ws.nx(['run', target, '--compareRef=gate-base', ...FAST, filter], { allowFailure: true });
      expect(out(gated)).not.toMatch(/local cache|existing outputs match the cache/);
      expect(out(gated)).toMatch(/round 6\/6 done/);
      expect(gated.exitCode).not.toBe(0);
      const summary = JSON.parse(ws.read('dist/bench-ci/common/codec_bench/summary.json')) as Comparison;
      const byId = new Map(summary.comparison.benchmarks.map((b) => [b.id, b]));
      expect([...byId.keys()].sort()).toEqual(['codec/encode_json', 'codec/parse_price']);
      expect(byId.get('codec/parse_price')).toMatchObject({ decidedBy: 'instructions', verdict: 'regressed' });
      expect(byId.get('codec/encode_json')).toMatchObject({ decidedBy: 'instructions', verdict: 'no significant change' });
      // Counted exactly: one iteration of the untouched routine counts the same on both sides.
      expect(byId.get('codec/encode_json')!.metrics[0].change.changePercent).toBe(0);
      // No "removed" rows for the crate's other benches: an atomized target runs one bench.
      expect(summary.comparison.benchmarks.every((b) => b.status === 'compared')).toBe(true);
      const parse = byId.get('codec/parse_price')!.metrics[0].change;
      process.stdout.write(`[gate.spec] attempt ${attempt}: parse_price ${parse.baseMedian} instr, ${parse.changePercent.toFixed(2)}%; encode_json +0.00%\n`);
    }
    process.stdout.write(`[gate.spec] short-routine gate test: ${((Date.now() - started) / 1000).toFixed(0)}s\n`);
  }, 1_200_000);
});
