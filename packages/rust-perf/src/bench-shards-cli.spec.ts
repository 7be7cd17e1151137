// The shard commands' argument handling and the merge, without Nx (bench-plan's Nx calls run in e2e/bench-shards.spec.ts).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareRefOf, shardsCommand } from './bench-shards-cli';
import { splitShards } from './core/bench/shards/shards';

let dir: string;
let stderr: string;
let stdout: string;
const cwd = process.cwd();
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-shards-cli-'));
  process.chdir(dir);
  stderr = '';
  stdout = '';
  jest.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  jest.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
});
afterEach(() => {
  jest.restoreAllMocks();
  process.chdir(cwd);
  fs.rmSync(dir, { recursive: true, force: true });
});

const plan = splitShards(
  [
    { project: 'common', target: 'bench--codec_bench', bench: 'codec_bench' },
    { project: 'market-data', target: 'bench--orderbook_bench', bench: 'orderbook_bench' },
  ],
  2,
);
const summary = (project: string, bench: string, verdict: 'pass' | 'fail') => ({
  project,
  benches: [bench],
  elapsedSeconds: 4.2,
  comparison: { ref: 'main', baseCommit: 'b'.repeat(40), headCommit: 'h'.repeat(40), rounds: 30, verdict, message: verdict === 'fail' ? 'regressed' : 'No regression', benchmarks: [] },
});

describe('rust-perf bench-shard and bench-summary', () => {
  it('refuses a missing plan, an unknown flag and a shard the plan does not have, with the usage (exit 2)', async () => {
    expect(await shardsCommand('bench-shard', ['--shard=1'])).toBe(2);
    expect(stderr).toContain('rust-perf bench-shard: --plan is required');
    fs.writeFileSync('bench-plan.json', JSON.stringify(plan));
    expect(await shardsCommand('bench-shard', ['--plan=bench-plan.json', '--shard=3'])).toBe(2);
    expect(stderr).toContain('--shard must be 1…2 (the plan\'s shards), got 3');
    expect(await shardsCommand('bench-summary', ['--plan=bench-plan.json', '--nope=1', 'shards'])).toBe(2);
    expect(stderr).toContain('unknown argument "--nope=1"');
    expect(stderr).toContain('usage:\n       rust-perf bench-plan --shards <n>');
  });

  it('names a broken plan file by line and column (exit 1)', async () => {
    fs.writeFileSync('bench-plan.json', '{\n  "assignments": [,\n');
    expect(await shardsCommand('bench-summary', ['--plan=bench-plan.json', 'shards'])).toBe(1);
    expect(stderr).toMatch(/rust-perf bench-summary: bench-plan\.json:2:\d+: invalid JSON/);
  });

  it('merges the summaries found under the folders given, writes the markdown and the costs, and fails on a missing bench', async () => {
    fs.writeFileSync('bench-plan.json', JSON.stringify(plan));
    fs.mkdirSync('shards/bench-shard-1/common/codec_bench', { recursive: true });
    fs.writeFileSync('shards/bench-shard-1/common/codec_bench/summary.json', JSON.stringify(summary('common', 'codec_bench', 'pass')));
    expect(await shardsCommand('bench-summary', ['--plan=bench-plan.json', '--out=merged.md', '--costs-out=costs/costs.json', 'shards'])).toBe(1);
    // The verdict once: in the markdown on stdout; stderr only says it failed.
    expect(stdout).toContain('- market-data:bench--orderbook_bench (cargo bench -p … --bench orderbook_bench)');
    expect(stderr).toBe('rust-perf bench-summary: FAILED (the reasons are above)\n');
    expect(fs.readFileSync('merged.md', 'utf8')).toBe(stdout);
    expect(JSON.parse(fs.readFileSync('costs/costs.json', 'utf8'))).toEqual({ costs: { 'common:codec_bench': 4.2 } });

    fs.mkdirSync('shards/bench-shard-2/market-data/orderbook_bench', { recursive: true });
    fs.writeFileSync('shards/bench-shard-2/market-data/orderbook_bench/summary.json', JSON.stringify(summary('market-data', 'orderbook_bench', 'pass')));
    // An earlier merge's costs stay for benches this merge did not measure.
    fs.writeFileSync('costs/costs.json', JSON.stringify({ costs: { 'common:codec_bench': 1, 'other:bench': 7 } }));
    expect(await shardsCommand('bench-summary', ['--plan=bench-plan.json', '--costs-out=costs/costs.json', 'shards'])).toBe(0);
    expect(JSON.parse(fs.readFileSync('costs/costs.json', 'utf8')).costs).toEqual({ 'common:codec_bench': 4.2, 'market-data:orderbook_bench': 4.2, 'other:bench': 7 });
    expect(stdout).toContain('No regression in 2 bench target(s) from 2 summary file(s)');
    expect(stdout.match(/No regression in/g)).toHaveLength(1);
    expect(stderr).not.toContain('No regression');
  });
});

describe('compareRefOf', () => {
  it('finds the ref the shard passes to each task, in either spelling', () => {
    expect(compareRefOf(['--compareRef=HEAD~1', '--rounds=3'])).toBe('HEAD~1');
    expect(compareRefOf(['--rounds=3', '--compareRef', 'origin/main'])).toBe('origin/main');
    expect(compareRefOf(['--rounds=3'])).toBeUndefined();
    expect(compareRefOf(['--compareRef='])).toBeUndefined();
  });
});
