// The demo: the example trading workspace in a fresh Nx workspace, through init, build-release,
// build-pgo, bench and the measured perf-report. Every number it prints is measured.
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
// Stream nx's and cargo's own progress as the demo goes.
process.env.E2E_VERBOSE = process.env.E2E_VERBOSE ?? '1';
const { createWorkspace } = require(path.join(repo, 'e2e/rust-perf-e2e/dist/e2e/rust-perf-e2e/src/harness.js'));

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
const step = (n, total, what) => console.log(`\n▸ [demo ${n}/${total}] ${what} (at ${elapsed()})`);

async function main() {
  const runs = Number(process.env.DEMO_RUNS ?? 5);
  const total = 6;
  step(1, total, 'fresh Nx workspace with the packed plugin and the example under rust/');
  const ws = await createWorkspace({ sharedTarget: false, name: 'trading-desk' });
  console.log(`  workspace: ${ws.root}`);
  const nx = (args) => ws.nx(args);

  // --deps: the example is a low-latency trading system, so it takes the low-latency dependency set
  // (tokio, crossbeam, simd-json, …). Without it init writes profiles, config and nx.json only, which is
  // what any other repository wants; crate-deps --preset adds just what one crate needs.
  step(2, total, 'nx g rust-perf:init --deps (profiles, portable .cargo/config.toml, and the low-latency dependency set because this is a trading system) and rust-perf:allocator (jemalloc)');
  await nx(['g', 'rust-perf:init', '--deps', '--no-interactive']);
  await nx(['g', 'rust-perf:allocator', '--project=market-data', '--no-interactive']);
  await ws.exec('git', ['diff', '--stat']).then((r) => process.stdout.write(r.stdout));

  step(3, total, 'nx run market-data:build-release');
  await nx(['run', 'market-data:build-release']);

  step(4, total, 'nx run market-data:build-pgo (instrument → workload → merge → optimize)');
  await nx(['run', 'market-data:build-pgo']);

  step(5, total, 'nx run market-data:bench (criterion, short measurement for the demo)');
  await nx(['run', 'market-data:bench', '--measurementTime=2', '--warmUpTime=1']);

  step(6, total, `nx run market-data:perf-report --runs=${runs} (dev, release with jemalloc and with the system allocator, native, fat LTO, PGO, PGO+native)`);
  await nx(['run', 'market-data:perf-report', `--runs=${runs}`]);

  console.log(`\nDone in ${elapsed()}. Outputs:`);
  for (const rel of ['dist/rust/market-data/release', 'dist/pgo/market-data', 'dist/rust/market-data/pgo', 'dist/bench/market-data', 'dist/perf-report/market-data']) {
    console.log(`  ${path.join(ws.root, rel)}`);
  }
}

main().catch((e) => {
  console.error(`\ndemo failed after ${elapsed()}: ${e.message}`);
  process.exit(1);
});
