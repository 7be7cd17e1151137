import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { compareMetric, decide, pairedGate, type BenchComparison } from '../../core/bench/gate/paired';
import { addDiffFlamegraphs } from './diff-flamegraph';

// The parts that need no perf recording: the e2e gate.spec draws a real one from a slowed order book.
describe('differential flamegraphs of regressed benchmarks', () => {
  let dir: string;
  const savedPath = process.env.PATH;
  const lines: string[] = [];
  const log = { phase: (m: string) => void lines.push(m), elapsed: () => '0.0s' };
  const side = { executables: new Map([['orderbook_bench', '/nonexistent/orderbook_bench']]), pkgDir: '/nonexistent', criterionHome: '/nonexistent' };
  const rounds = (ratio: number) => Array.from({ length: 8 }, (_, i) => ({ base: 100 + i, head: (100 + i) * ratio }));

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rp-diff-'));
    lines.length = 0;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('[exec-compare-diff-no-perf] without perf the regression keeps its verdict and says why it has no flamegraph', async () => {
    process.env.PATH = dir; // no perf here
    const regressed = decide('orderbook/add_cancel_match', 'orderbook_bench', [compareMetric('wall-time', rounds(1.2), 5)]);
    const comparisons = [regressed];
    await addDiffFlamegraphs(comparisons, { base: side, head: side }, { outputDir: path.join(dir, 'diff'), profileTime: 1, installTools: false, workspaceDirs: [dir], root: dir }, log);
    expect(comparisons[0].verdict).toBe('regressed');
    expect(comparisons[0].diffFlamegraph).toBeUndefined();
    expect(comparisons[0].diffNote).toBe('no differential flamegraph: perf was not found on PATH. Fix: apt-get install linux-perf (Debian) or apt-get install linux-tools-$(uname -r) (Ubuntu)');
    expect(lines).toEqual(['differential flamegraphs: skipped, perf was not found on PATH. Fix: apt-get install linux-perf (Debian) or apt-get install linux-tools-$(uname -r) (Ubuntu)']);
    const gate = pairedGate(comparisons, { 'wall-time': 5 });
    expect(gate.failed).toBe(true);
    expect(gate.message).toContain('\n    no differential flamegraph: perf was not found on PATH');
    expect(fs.existsSync(path.join(dir, 'diff'))).toBe(false);
  });

  it('records nothing when nothing regressed', async () => {
    process.env.PATH = dir;
    const same: BenchComparison = decide('parse/feed_json', 'orderbook_bench', [compareMetric('wall-time', rounds(1), 5)]);
    await addDiffFlamegraphs([same], { base: side, head: side }, { outputDir: path.join(dir, 'diff'), profileTime: 1, installTools: false, workspaceDirs: [dir], root: dir }, log);
    expect(same.diffNote).toBeUndefined();
    expect(lines).toEqual([]);
  });
});
