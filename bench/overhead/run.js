#!/usr/bin/env node
// rust-perf's own share of an up-to-date build: `nx run market-data:build-release --skip-nx-cache`
// vs a bare `nx run noop:noop` plus `cargo build --release -p market-data`, interleaved in one
// session. Target: <= 50 ms median (executor load, rustflags planning, tool discovery).
//
//   node bench/overhead/run.js [--runs 11] [--dir /tmp/rust-perf-bench-pgo]
// Needs `npm run build` first. Shares the workspace of bench/pgo.
'use strict';
const path = require('node:path');
const { prepareWorkspace, median, spread, sh } = require('../pgo/workspace');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

// Runs the installed executor in a fresh node process and reports its own load + run time.
function executorInProcess(ws) {
  const script = `const t0=process.hrtime.bigint();const ex=require(${JSON.stringify(path.join(ws.root, 'node_modules/rust-perf/dist/executors/build-release/executor.js'))}).default;console.log=()=>{};ex({cargoRoot:'rust',package:'market-data',profile:'release',outputPath:'dist/rust/market-data/release'},{root:${JSON.stringify(ws.root)},projectName:'market-data'}).then(r=>{if(!r.success)process.exit(1);process.stderr.write(String(Number(process.hrtime.bigint()-t0)/1e6))})`;
  const r = sh(process.execPath, ['-e', script], { cwd: ws.root, env: ws.env });
  return Number(r.stderr.trim().split('\n').pop());
}

async function run() {
  const runs = Number(arg('runs', 11));
  const ws = prepareWorkspace(arg('dir', '/tmp/rust-perf-bench-pgo'));
  // Bring the tree up to date and warm the toolchain cache once.
  ws.nx(['run', 'market-data:build-release', '--skip-nx-cache']);
  ws.cargo(['build', '--release', '-p', 'market-data']);
  const ours = [];
  const noop = [];
  const cargo = [];
  const runTrue = [];
  const inProcess = [];
  const custom = [];
  for (let i = 0; i < runs; i++) {
    const order = [
      () => ours.push(ws.nx(['run', 'market-data:build-release', '--skip-nx-cache']).ms),
      () => noop.push(ws.nx(['run', 'noop:noop']).ms),
      () => cargo.push(ws.cargo(['build', '--release', '-p', 'market-data', '--message-format=json-render-diagnostics']).ms),
      () => runTrue.push(ws.nx(['run', 'noop:run-true']).ms),
      () => inProcess.push(executorInProcess(ws)),
      () => custom.push(ws.nx(['run', 'noop:custom']).ms),
    ];
    // Rotate the order so drift (thermal, other load) spreads over all of them.
    for (let j = 0; j < order.length; j++) order[(i + j) % order.length]();
  }
  console.log(`nx run market-data:build-release --skip-nx-cache: ${spread(ours)}`);
  console.log(`nx run noop:noop:                                 ${spread(noop)}`);
  console.log(`cargo build --release -p market-data (json):      ${spread(cargo)}`);
  console.log(`nx run noop:run-true (a forked executor):         ${spread(runTrue)}`);
  console.log(`build-release executor alone, fresh node (load + run, no Nx): ${spread(inProcess)}`);
  console.log(`  → executor minus cargo: ${(median(inProcess) - median(cargo)).toFixed(1)} ms`);
  console.log(`nx run noop:custom (a do-nothing custom executor): ${spread(custom)}`);
  const fair = ours.map((o, i) => o - custom[i] - cargo[i]).sort((a, b) => a - b);
  console.log(`rust-perf's own share (vs the do-nothing custom executor + cargo): ${(median(ours) - median(custom) - median(cargo)).toFixed(1)} ms (difference of medians); per round: median ${median(fair).toFixed(1)}, min ${fair[0].toFixed(1)}, max ${fair[fair.length - 1].toFixed(1)} ms (target <= 50 ms)`);
  const overhead = median(ours) - (median(noop) + median(cargo));
  // Spread of the difference, from the pairs of each round.
  const perRound = ours.map((o, i) => o - noop[i] - cargo[i]).sort((a, b) => a - b);
  console.log(`vs nx:noop + cargo, as the issue defines it: ${overhead.toFixed(1)} ms (difference of medians); per-round differences: median ${median(perRound).toFixed(1)}, min ${perRound[0].toFixed(1)}, max ${perRound[perRound.length - 1].toFixed(1)} ms — includes Nx forking a process for any custom executor`);
}

module.exports = { run };
if (require.main === module) run().catch((e) => (console.error(e), process.exit(1)));
