// The demo: the example trading workspace in a fresh Nx workspace, through init, build-release,
// build-pgo, bench and a side-by-side report. It runs only what exists and prints only what it measured.
const path = require('node:path');
const fs = require('node:fs');

const repo = path.resolve(__dirname, '..');
// Stream nx's and cargo's own progress as the demo goes.
process.env.E2E_VERBOSE = process.env.E2E_VERBOSE ?? '1';
const { createWorkspace } = require(path.join(repo, 'e2e/rust-perf-e2e/dist/e2e/rust-perf-e2e/src/harness.js'));
const { run } = require(path.join(repo, 'packages/rust-perf/dist/core/process/run.js'));

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const step = (n, total, what) => console.log(`\n▸ [demo ${n}/${total}] ${what} (at ${elapsed()})`);

function stats(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

async function timeRuns(binaries, args, runs) {
  const times = Object.fromEntries(Object.keys(binaries).map((k) => [k, []]));
  for (let i = 0; i < runs; i++) {
    // Interleaved so that machine noise hits every binary alike.
    for (const [name, bin] of Object.entries(binaries)) {
      const result = await run(bin, args, { cwd: path.dirname(bin) });
      if (result.exitCode !== 0) throw new Error(`${result.command} failed:\n${result.stderr}`);
      times[name].push(result.durationMs / 1000);
    }
  }
  return Object.fromEntries(Object.entries(times).map(([k, v]) => [k, stats(v)]));
}

async function main() {
  const runs = Number(process.env.DEMO_RUNS ?? 5);
  const total = 6;
  step(1, total, 'fresh Nx workspace with the packed plugin and the example under rust/');
  const ws = await createWorkspace({ sharedTarget: false, name: 'trading-desk' });
  console.log(`  workspace: ${ws.root}`);
  const nx = (args) => ws.nx(args);

  step(2, total, 'nx g rust-perf:init (profiles, .cargo/config.toml, workspace dependencies)');
  await nx(['g', 'rust-perf:init', '--no-interactive']);
  await ws.exec('git', ['diff', '--stat']).then((r) => process.stdout.write(r.stdout));

  step(3, total, 'nx run market-data:build-release');
  await nx(['run', 'market-data:build-release']);

  step(4, total, 'nx run market-data:build-pgo (instrument → workload → merge → optimize)');
  await nx(['run', 'market-data:build-pgo']);

  step(5, total, 'nx run market-data:bench (criterion, short measurement for the demo)');
  await nx(['run', 'market-data:bench', '--measurementTime=2', '--warmUpTime=1']);

  step(6, total, `report: release vs PGO on the workload, ${runs} interleaved runs each`);
  const bins = {
    release: path.join(ws.root, 'dist/rust/market-data/release/market-data'),
    pgo: path.join(ws.root, 'dist/rust/market-data/pgo/market-data'),
  };
  for (const [name, bin] of Object.entries(bins)) if (!fs.existsSync(bin)) throw new Error(`${name} binary missing at ${bin}`);
  const args = ['--synthetic', '2000000'];
  const t = await timeRuns(bins, args, runs);
  for (const [name, s] of Object.entries(t)) {
    console.log(`  ${name.padEnd(8)} median ${s.median.toFixed(3)} s  (min ${s.min.toFixed(3)}, max ${s.max.toFixed(3)}, n=${s.n})`);
  }
  console.log(`  PGO / release wall time: ${(t.pgo.median / t.release.median).toFixed(3)} (median ratio)`);

  console.log(`\nDone in ${elapsed()}. Outputs:`);
  for (const rel of ['dist/rust/market-data/release', 'dist/pgo/market-data', 'dist/rust/market-data/pgo', 'dist/bench/market-data']) {
    console.log(`  ${path.join(ws.root, rel)}`);
  }
}

main().catch((e) => {
  console.error(`\ndemo failed after ${elapsed()}: ${e.message}`);
  process.exit(1);
});
