// Atomized bench targets and the sharded gate, for real: `bench--<bench>` and `bench-ci` inferred on
// the example; a change to one bench file reruns that bench only; three clones (three "runners", each
// its own git identity) share one loopback Nx remote cache, each runs its shard of the affected benches
// with --compareRef, and `rust-perf bench-summary` merges their summaries into the single verdict.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mergeShardSummaries, readShardSummary, type ShardPlan } from '../../../packages/rust-perf/src/core/bench/shards/shards';
import { run } from '../../../packages/rust-perf/src/core/process/run';
import { commitAll, createWorkspace, nxEnv, type TestWorkspace } from './harness';
import { remoteCacheEnv, startRemoteCache, type RemoteCache } from './remote-cache-server';

const started = Date.now();
const log = (m: string) => process.stdout.write(`[bench-shards ${((Date.now() - started) / 1000).toFixed(0)}s] ${m}\n`);

// One benchmark per bench (the criterion filter applies inside each bench binary), brief criterion runs
// and 3 rounds: counted instructions decide here, so wall-time rounds only need to exist.
const FILTER = '--filter=^(orderbook/add_cancel_match|codec/parse_price|router/parse_fix)$';
const BRIEF = ['--measurementTime=0.2', '--warmUpTime=0.1', '--sampleSize=10', FILTER];
const GATE = ['--compareRef=HEAD~1', '--rounds=3', '--diffFlamegraphs=false', ...BRIEF];
// bench/gate's injected-slowdown loop in OrderBook::add, opaque to the optimizer: 18 spins measured +5.23 % counted instructions.
const SPINS = 18;
const out = (r: { stdout: string; stderr: string }) => r.stdout + r.stderr;
const cli = (ws: TestWorkspace, args: string[], env?: Record<string, string>) => ws.exec('node', ['node_modules/rust-perf/bin/rust-perf.js', ...args], { env, allowFailure: true });

/** The same change on every clone: a slower order book, and a comment in common (which every crate depends on). */
async function change(ws: TestWorkspace): Promise<void> {
  const book = ws.read('rust/market-data/src/book.rs');
  const slowed = book
    .replace('const INJECTED_SPINS: u32 = 0;', `const INJECTED_SPINS: u32 = ${SPINS};`)
    .replace('for i in 0..INJECTED_SPINS + E2E_SLOWDOWN {', 'for i in 0..std::hint::black_box(INJECTED_SPINS) + E2E_SLOWDOWN {');
  expect(slowed).not.toBe(book);
  ws.write('rust/market-data/src/book.rs', slowed);
  ws.write('rust/common/src/lib.rs', ws.read('rust/common/src/lib.rs') + '\n// a comment: counted work unchanged\n');
  await commitAll(ws, 'slow the order book, touch common');
}

function summariesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => path.basename(f) === 'summary.json').map((f) => path.join(dir, f)).sort();
}
const verdictsOf = (files: string[], plan: ShardPlan) => mergeShardSummaries(plan.expected, files.map((f) => readShardSummary(fs.readFileSync(f, 'utf8'), f))).verdicts;

describe('atomized bench targets', () => {
  let ws: TestWorkspace;
  beforeAll(async () => {
    ws = await createWorkspace({ registerPlugin: true, name: 'atomized' });
  });
  afterAll(() => ws?.cleanup());

  test('nx show project lists bench--<bench> and bench-ci; a change to one bench file reruns that bench only', async () => {
    // Unlike the example: market-data gets a second criterion bench, so one crate has two atomized targets.
    ws.write('rust/market-data/Cargo.toml', ws.read('rust/market-data/Cargo.toml').replace('[[bench]]\nname = "orderbook_bench"', '[[bench]]\nname = "depth_bench"\nharness = false\n\n[[bench]]\nname = "orderbook_bench"'));
    ws.write(
      'rust/market-data/benches/depth_bench.rs',
      'use criterion::{criterion_group, criterion_main, Criterion};\n\nfn depth(c: &mut Criterion) {\n    c.bench_function("depth/sum", |b| b.iter(|| (0..1000u64).map(std::hint::black_box).sum::<u64>()));\n}\n\ncriterion_group!(benches, depth);\ncriterion_main!(benches);\n',
    );
    await commitAll(ws, 'a second bench in market-data');
    const md = JSON.parse((await ws.nx(['show', 'project', 'market-data', '--json'])).stdout) as {
      targets: Record<string, { options?: { benches?: string[] }; inputs?: unknown[]; metadata?: Record<string, unknown> }>;
      metadata: { targetGroups: Record<string, string[]> };
    };
    expect(md.targets['bench--orderbook_bench'].options?.benches).toEqual(['orderbook_bench']);
    expect(md.targets['bench--depth_bench'].inputs).toContain('!{projectRoot}/benches/orderbook_bench.rs');
    // Which is which, under rust-perf's own key: Nx's nonAtomizedTarget would make Nx demand Nx Cloud to run bench-ci.
    expect(md.targets['bench-ci'].metadata?.['rust-perf']).toEqual({ nonAtomizedTarget: 'bench' });
    expect(md.targets['bench--orderbook_bench'].metadata?.['rust-perf']).toEqual({ atomizedFrom: 'bench', kind: 'criterion' });
    expect(md.targets['bench-ci'].metadata?.nonAtomizedTarget).toBeUndefined();
    expect(md.metadata.targetGroups['Bench (CI)']).toEqual(['bench-ci', 'bench--depth_bench', 'bench--orderbook_bench']);

    const brief = [...BRIEF.slice(0, -1), '--filter=^(orderbook/add_cancel_match|depth/sum|codec/parse_price|router/parse_fix)$'];
    const first = await ws.nx(['run-many', '-t', 'bench-ci', '--output-style=static', ...brief]);
    for (const p of ['-p common --bench codec_bench', '-p market-data --bench orderbook_bench', '-p market-data --bench depth_bench', '-p execution-engine --bench router_bench']) expect(out(first)).toContain(`cargo bench ${p}`);
    expect(ws.exists('dist/bench-ci/market-data/orderbook_bench/summary.json')).toBe(true);
    expect(ws.exists('dist/bench-ci/market-data/depth_bench/summary.json')).toBe(true);
    log('bench-ci ran every bench once');

    ws.write('rust/market-data/benches/orderbook_bench.rs', ws.read('rust/market-data/benches/orderbook_bench.rs') + '\n// touched\n');
    await commitAll(ws, 'touch one bench file');
    const affected = await ws.nx(['affected', '-t', 'bench-ci', '--base=HEAD~1', '--head=HEAD', '--output-style=static', ...brief]);
    // Only market-data is affected; of its three tasks only the touched bench runs (a cached task's log is replayed, so its cargo line shows too).
    expect(out(affected)).toMatch(/nx run market-data:bench--orderbook_bench /);
    expect(out(affected)).not.toMatch(/nx run market-data:bench--orderbook_bench [^\n]*\[(local cache|existing outputs)/);
    expect(out(affected)).toMatch(/Nx read the output from the cache instead of running the command for 1 out of 3 tasks/);
    expect(out(affected)).not.toMatch(/cargo bench -p (common|execution-engine)/);
    expect(out(affected)).toMatch(/nx run market-data:bench--depth_bench.*\[(local cache|existing outputs match the cache, left as is)\]/);
    log('after touching orderbook_bench.rs, nx affected -t bench-ci ran orderbook_bench only');
  }, 1_200_000);
});

describe('the bench gate over three runners', () => {
  let cache: RemoteCache;
  const clones: TestWorkspace[] = [];
  let single: TestWorkspace;
  let plan: ShardPlan;
  const shardOut: string[] = [];
  let mergeDir: string;

  beforeAll(async () => {
    cache = await startRemoteCache();
    for (const i of [1, 2, 3]) {
      const ws = await createWorkspace({ registerPlugin: true, name: `runner-${i}` });
      // Its own repository identity, so Nx's local cache (~/.nx/<id>) is never shared between the clones: only the remote one.
      await ws.exec('git', ['remote', 'add', 'origin', `https://example.invalid/runner-${i}.git`]);
      await change(ws);
      clones.push(ws);
    }
    single = await createWorkspace({ registerPlugin: true, name: 'single-runner' });
    await change(single);
    mergeDir = path.join(clones[0].root, 'shards');
  });
  afterAll(async () => {
    for (const ws of [...clones, single]) ws?.cleanup();
    await cache?.close();
  });

  test('the plan splits the affected atomized benches over 3 shards, each on exactly one', async () => {
    const planned = await cli(clones[0], ['bench-plan', '--shards=3', '--base=HEAD~1', '--head=HEAD', '--costs=.bench-costs/costs.json', '--out=bench-plan.json']);
    expect(planned.exitCode).toBe(0);
    expect(out(planned)).toMatch(/no \.bench-costs\/costs\.json yet \(first run\): splitting by count/);
    plan = JSON.parse(clones[0].read('bench-plan.json')) as ShardPlan;
    expect(plan.balance).toBe('equal');
    expect(plan.expected.map((t) => `${t.project}:${t.target}`)).toEqual(['common:bench--codec_bench', 'execution-engine:bench--router_bench', 'market-data:bench--orderbook_bench']);
    expect(plan.assignments.map((a) => a.tasks.length)).toEqual([1, 1, 1]);
    // The plan travels to the other runners as an artifact does.
    for (const ws of clones.slice(1)) ws.write('bench-plan.json', clones[0].read('bench-plan.json'));
  }, 600_000);

  test('each runner runs its shard with --compareRef and the remote cache; every bench ran exactly once', async () => {
    for (const [i, ws] of clones.entries()) {
      const r = await cli(ws, ['bench-shard', '--plan=bench-plan.json', `--shard=${i + 1}`, '--', ...GATE, '--output-style=static'], remoteCacheEnv(cache));
      shardOut.push(out(r));
      const regressedHere = plan.assignments[i].tasks.some((t) => t.project === 'market-data');
      expect({ shard: i + 1, exit: r.exitCode }).toEqual({ shard: i + 1, exit: regressedHere ? 1 : 0 });
      // As upload-artifact/download-artifact would: each runner's dist/bench-ci under shards/bench-shard-<i>.
      fs.cpSync(path.join(ws.root, 'dist', 'bench-ci'), path.join(mergeDir, `bench-shard-${i + 1}`), { recursive: true });
      log(`shard ${i + 1} done (exit ${r.exitCode})`);
    }
    for (const t of plan.expected) {
      const runs = shardOut.map((o) => o.split(`head: cargo bench -p ${t.project} --bench ${t.bench} --no-run`).length - 1);
      expect({ bench: t.bench, runs: runs.reduce((a, b) => a + b, 0) }).toEqual({ bench: t.bench, runs: 1 });
    }
    // The two passing benches went to the remote cache; a failed task (the regressed one) is never cached, so a rerun measures it again.
    expect(cache.stats.puts).toBe(2);
  }, 1_200_000);

  test('a shard rerun on another runner comes from the remote cache instead of measuring again', async () => {
    const hits = cache.stats.hits;
    const r = await cli(clones[1], ['bench-shard', '--plan=bench-plan.json', '--shard=1', '--', ...GATE, '--output-style=static'], remoteCacheEnv(cache));
    expect(r.exitCode).toBe(0);
    // Nx replays the cached log (so its cargo lines show), marked as coming from the remote cache (the server counts the hit).
    expect(out(r)).toMatch(/nx run common:bench--codec_bench [^\n]*\[remote cache\]/);
    expect(cache.stats.hits).toBe(hits + 1);
    expect(out(r)).toMatch(/read the output from the cache instead of running the command for 1 out of 1 tasks/);
    expect(clones[1].exists('dist/bench-ci/common/codec_bench/summary.json')).toBe(true);
  }, 600_000);

  test('the merge fails on the injected slowdown only, as the single-runner gate does, and keeps the costs', async () => {
    const merged = await cli(clones[0], ['bench-summary', '--plan=bench-plan.json', '--out=bench-summary.md', '--costs-out=.bench-costs/costs.json', 'shards']);
    expect(merged.exitCode).toBe(1);
    // The verdict once, in the merged markdown on stdout; stderr only says the merge failed.
    expect(merged.stdout).toMatch(/market-data:orderbook_bench: 1 benchmark\(s\) regressed by more than 1% in counted instructions/);
    expect(out(merged).match(/market-data:orderbook_bench: 1 benchmark\(s\) regressed/g)).toHaveLength(1);
    expect(merged.stderr).toBe('rust-perf bench-summary: FAILED (the reasons are above)\n');
    const shards = summariesUnder(mergeDir);
    expect(shards).toHaveLength(3);
    const verdicts = verdictsOf(shards, plan);
    // The gate's verdict: which benchmarks fail it. The others pass: a comment-only change counts the same
    // instructions per iteration, the ~25 ns codec/parse_price included (counted inside Bencher::iter*).
    const alarms = (v: Record<string, string>) => Object.keys(v).filter((k) => v[k] === 'regressed' || v[k] === 'not compared').sort();
    expect(Object.keys(verdicts).sort()).toEqual(['common/codec/parse_price', 'execution-engine/router/parse_fix', 'market-data/orderbook/add_cancel_match']);
    expect(alarms(verdicts)).toEqual(['market-data/orderbook/add_cancel_match']);
    expect(verdicts['common/codec/parse_price']).toBe('no significant change');
    const md = readShardSummary(fs.readFileSync(shards.find((f) => f.includes('market-data'))!, 'utf8'), 'md').comparisons[0];
    log(`injected ${SPINS} spins: counted ${md.metrics[0].change.changePercent.toFixed(2)}% (${md.decidedBy})`);
    expect(md.decidedBy).toBe('instructions');
    expect(md.metrics[0].change.changePercent).toBeGreaterThan(4);
    expect(clones[0].read('bench-summary.md')).toContain('| market-data | orderbook/add_cancel_match | instructions per iteration (counted) |');
    const costs = JSON.parse(clones[0].read('.bench-costs/costs.json')) as { costs: Record<string, number> };
    expect(Object.keys(costs.costs).sort()).toEqual(['common:codec_bench', 'execution-engine:router_bench', 'market-data:orderbook_bench']);

    // The single runner: the same change, every bench in one job (one shard), merged the same way.
    await cli(single, ['bench-plan', '--shards=1', '--base=HEAD~1', '--head=HEAD', '--out=bench-plan.json']);
    const alone = await cli(single, ['bench-shard', '--plan=bench-plan.json', '--shard=1', '--', ...GATE, '--output-style=static']);
    expect(alone.exitCode).toBe(1);
    const singlePlan = JSON.parse(single.read('bench-plan.json')) as ShardPlan;
    const singleVerdicts = verdictsOf(summariesUnder(path.join(single.root, 'dist', 'bench-ci')), singlePlan);
    expect(Object.keys(singleVerdicts).sort()).toEqual(Object.keys(verdicts).sort());
    expect(alarms(singleVerdicts)).toEqual(alarms(verdicts));
    log(`merged verdict equals the single-runner verdict: merged ${JSON.stringify(verdicts)}, single ${JSON.stringify(singleVerdicts)}`);
  }, 1_200_000);

  test('a shard that never reports fails the merged gate, naming its benches', async () => {
    fs.rmSync(path.join(mergeDir, 'bench-shard-2'), { recursive: true, force: true });
    const merged = await cli(clones[0], ['bench-summary', '--plan=bench-plan.json', 'shards']);
    expect(merged.exitCode).toBe(1);
    const missing = plan.assignments[1].tasks.map((t) => `${t.project}:${t.target}`);
    expect(merged.stdout).toContain('1 of 3 expected bench(es) reported no summary, so the gate cannot pass');
    for (const m of missing) expect(merged.stdout).toContain(`- ${m} (cargo bench -p … --bench`);
    log(`the merge without shard 2 names ${missing.join(', ')}`);
  }, 600_000);

  test('SIGTERM stops bench-shard and the bench it runs at once, and the next bench never starts', async () => {
    // The plan's default place: under dist/, inside no package.
    expect((await cli(single, ['bench-plan', '--shards=1', '--base=HEAD~1', '--head=HEAD'])).exitCode).toBe(0);
    expect(single.exists('dist/rust-perf/bench-plan.json')).toBe(true);
    let pid = 0;
    let sentAt = 0;
    const r = await run(process.execPath, ['node_modules/rust-perf/bin/rust-perf.js', 'bench-shard', '--plan=dist/rust-perf/bench-plan.json', '--shard=1', '--', ...GATE, '--skip-nx-cache', '--output-style=static'], {
      cwd: single.root,
      env: nxEnv(),
      timeoutMs: 600_000,
      onSpawn: (p) => (pid = p),
      onLine: (line) => {
        if (sentAt || !/round 1\/3 done/.test(line)) return;
        sentAt = Date.now();
        process.kill(pid, 'SIGTERM');
      },
    });
    const took = Date.now() - sentAt;
    log(`bench-shard stopped ${took} ms after SIGTERM (exit ${r.exitCode})`);
    expect(sentAt).toBeGreaterThan(0);
    expect(r.exitCode).toBe(143);
    expect(took).toBeLessThan(20_000);
    expect(r.stderr).toMatch(/shard 1: stopped by SIGTERM; the remaining bench\(es\) did not start/);
    expect(out(r).match(/shard 1: \d\/3 nx run/g)).toHaveLength(1);
  }, 900_000);
});
