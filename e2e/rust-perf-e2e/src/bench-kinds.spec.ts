// Every kind of bench in one package (e2e/rust-perf-e2e/fixtures/bench-kinds): a criterion bench, a
// latency program (prints a table and writes an HdrHistogram V2 file), a required-features bench, a bench
// with no benchmarks on stable and a libtest #[bench]. bench-ci passes and each summary holds its kind's
// numbers; the latency gate stays quiet on a comment-only change and catches an injected tail.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { commitAll, createWorkspace, repoRoot, type TestWorkspace } from './harness';

const started = Date.now();
const log = (m: string) => process.stdout.write(`[bench-kinds ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);
const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;

// Brief criterion runs; three runs of the latency program.
const BRIEF = ['--measurementTime=0.3', '--warmUpTime=0.1', '--sampleSize=10', '--runs=3'];
// 10 rounds: the latency gate's 99 % interval per percentile needs 8. The base builds in its own target dir
// (cargo would give both sides' programs the same file name in one).
const GATE = ['--compareRef=HEAD~1', '--rounds=10', '--skip-nx-cache'];

interface Summary {
  benchmarks: { id: string; kind?: string; statistic?: string; runs?: number[]; median: { estimate: number; lower: number; upper: number } }[];
  notes?: string[];
  comparison?: { verdict: string; benchmarks: { id: string; status: string; verdict: string }[] };
}

describe('bench kinds', () => {
  let ws: TestWorkspace;
  const summary = (rel: string) => JSON.parse(ws.read(rel)) as Summary;
  beforeAll(async () => {
    ws = await createWorkspace({ example: false, registerPlugin: true, name: 'kinds' });
    fs.cpSync(path.join(repoRoot, 'e2e/rust-perf-e2e/fixtures/bench-kinds'), path.join(ws.root, 'kinds'), { recursive: true });
    await commitAll(ws, 'a crate with every kind of bench');
  });
  afterAll(() => {
    log('done');
    ws?.cleanup();
  });

  test('each bench has its kind in the metadata; bench-ci exits 0 and the summaries hold each kind\'s numbers', async () => {
    const project = JSON.parse((await ws.nx(['show', 'project', 'kinds', '--json'])).stdout) as { targets: Record<string, { metadata?: Record<string, { kind?: string }> }> };
    const kindOf = (t: string) => project.targets[t]?.metadata?.['rust-perf']?.kind;
    expect([kindOf('bench--crit'), kindOf('bench--latency'), kindOf('bench--featured'), kindOf('bench--empty')]).toEqual(['criterion', 'latency', 'criterion', 'criterion']);

    const ci = await ws.nx(['run', 'kinds:bench-ci', '--output-style=static', ...BRIEF], { allowFailure: true });
    expect({ exit: ci.exitCode, tail: out(ci).slice(-3000) }).toMatchObject({ exit: 0 });
    log('bench-ci passed');
    // required-features: built with --features extra, without the user asking.
    expect(out(ci)).toMatch(/cargo bench -p kinds --bench featured --features extra --/);
    expect(summary('dist/bench-ci/kinds/crit/summary.json').benchmarks.map((b) => b.id)).toEqual(['crit/checksum_64']);
    expect(summary('dist/bench-ci/kinds/featured/summary.json').benchmarks.map((b) => b.id)).toEqual(['featured/checksum_16']);

    const latency = summary('dist/bench-ci/kinds/latency/summary.json');
    // p50/p99/p99.9/max from the printed table; min, p90, p99.99 and mean from the .hgrm it wrote to RUST_PERF_HGRM_DIR.
    expect(latency.benchmarks.map((b) => b.statistic)).toEqual(['p50', 'p90', 'p99', 'p99.9', 'p99.99', 'min', 'max', 'mean']);
    for (const b of latency.benchmarks) {
      expect(b).toMatchObject({ kind: 'latency' });
      expect(b.runs).toHaveLength(3);
      expect(b.median.lower).toBeLessThanOrEqual(b.median.estimate);
      expect(b.median.estimate).toBeLessThanOrEqual(b.median.upper);
    }
    const p50 = latency.benchmarks.find((b) => b.statistic === 'p50')!.median.estimate;
    const p999 = latency.benchmarks.find((b) => b.statistic === 'p99.9')!.median.estimate;
    expect(p50).toBeGreaterThan(0);
    expect(p999).toBeGreaterThanOrEqual(p50);
    expect(ws.read('dist/bench-ci/kinds/latency/summary.md')).toMatch(/\| latency\/p99\.9 \| [\d.]+ [nµm]?s \[/);

    // No benchmarks on stable: a note, not a failure.
    const empty = summary('dist/bench-ci/kinds/empty/summary.json');
    expect(empty.benchmarks).toEqual([]);
    expect(empty.notes?.join('\n')).toMatch(/bench empty: ran and reported no benchmarks/);
  });

  test('a libtest #[bench] on stable is skipped with a note naming nightly (exit 0)', async () => {
    const r = await ws.nx(['run', 'kinds:bench', '--benches=nightly', '--output-style=static', '--skip-nx-cache']);
    expect(out(r)).toMatch(/bench nightly: a libtest #\[bench\] bench needs a nightly toolchain/);
    expect(summary('dist/bench/kinds/summary.json').notes?.join('\n')).toMatch(/cargo \+nightly bench --bench nightly/);
  });

  test('the latency gate: quiet on a comment-only change, catches an injected tail (p99.9, not p50)', async () => {
    ws.write('kinds/src/lib.rs', ws.read('kinds/src/lib.rs') + '\n// a comment: nothing measured changes\n');
    await commitAll(ws, 'comment only');
    const aa = await ws.nx(['run', 'kinds:bench--latency', '--output-style=static', ...GATE], { allowFailure: true });
    expect({ exit: aa.exitCode, tail: out(aa).slice(-3000) }).toMatchObject({ exit: 0 });
    const quiet = summary('dist/bench-ci/kinds/latency/summary.json').comparison!;
    expect(quiet.verdict).toBe('pass');
    expect(quiet.benchmarks.map((b) => b.id)).toEqual(expect.arrayContaining(['latency/p50', 'latency/p99', 'latency/p99.9']));
    expect(quiet.benchmarks.filter((b) => b.verdict === 'regressed')).toEqual([]);
    log('A/A quiet');

    // A stall every 500th call (0.2 % of calls): above p99.9's rank, far below p99's and p50's.
    const stalled = ws.read('kinds/benches/latency.rs').replace('const STALL_EVERY: u64 = 0;', 'const STALL_EVERY: u64 = 500;');
    ws.write('kinds/benches/latency.rs', stalled);
    await commitAll(ws, 'a rare stall');
    const tail = await ws.nx(['run', 'kinds:bench--latency', '--output-style=static', ...GATE], { allowFailure: true });
    expect(tail.exitCode).not.toBe(0);
    const caught = summary('dist/bench-ci/kinds/latency/summary.json').comparison!;
    const verdict = Object.fromEntries(caught.benchmarks.map((b) => [b.id, b.verdict]));
    expect(caught.verdict).toBe('fail');
    expect(verdict['latency/p99.9']).toBe('regressed');
    expect(verdict['latency/p50']).not.toBe('regressed');
    expect(out(tail)).toMatch(/latency\/p99\.9: regressed/);
    log('injected tail caught');
  });
});
