#!/usr/bin/env node
// PGO on the example, through Nx and the packed plugin:
//  1. cache-hit `nx run market-data:build-pgo` vs the cold pipeline (Nx cache skipped, rust-perf's
//     cargo target dirs removed): target ratio <= 1/50.
//  2. the PGO binary vs the plain release binary on the example workload, runs interleaved:
//     target >= 10% faster. Printed as measured, whatever it shows.
//
//   node bench/pgo/run.js [--cold 2] [--hits 5] [--runs 7] [--messages 2000000] [--dir /tmp/rust-perf-bench-pgo] [--no-init]
// By default the workspace gets `rust-perf:init` first (tuned profiles; build-pgo uses `production`).
// Needs `npm run build` first.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { prepareWorkspace, timed, median, spread } = require('./workspace');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

async function run() {
  const dir = arg('dir', '/tmp/rust-perf-bench-pgo');
  const cold = Number(arg('cold', 2));
  const hits = Number(arg('hits', 5));
  const runs = Number(arg('runs', 7));
  const messages = arg('messages', '2000000');
  const ws = prepareWorkspace(dir, { workload: `[{ bin = "market-data", args = ["--synthetic", "${messages}"] }]`, init: !process.argv.includes('--no-init') });
  console.log(`workspace: ${ws.root}; workload: market-data --synthetic ${messages}`);

  const coldMs = [];
  for (let i = 0; i < cold; i++) {
    fs.rmSync(path.join(ws.cargoTargetDir, 'rust-perf'), { recursive: true, force: true });
    const t = ws.nx(['run', 'market-data:build-pgo', '--skip-nx-cache']);
    coldMs.push(t.ms);
    console.log(`  cold pipeline #${i + 1}: ${(t.ms / 1000).toFixed(1)} s`);
  }
  ws.nx(['run', 'market-data:build-pgo']); // populate the cache
  const hitMs = [];
  for (let i = 0; i < hits; i++) {
    fs.rmSync(path.join(ws.root, 'dist', 'rust', 'market-data', 'pgo'), { recursive: true, force: true });
    const t = ws.nx(['run', 'market-data:build-pgo']);
    if (!/for 2 out of 2 tasks/.test(t.r.stdout + t.r.stderr)) throw new Error(`expected 2 cache hits:\n${t.r.stdout}`);
    hitMs.push(t.ms);
  }
  // The same hits with the Nx daemon, Nx's default outside CI: it keeps the project graph and the
  // plugin workers between commands, which is most of a cache hit's time without it.
  const daemonEnv = { env: { NX_DAEMON: 'true' } };
  ws.nx(['daemon', '--start'], daemonEnv);
  const daemonHitMs = [];
  try {
    ws.nx(['run', 'market-data:build-pgo'], daemonEnv); // the daemon computes the graph once
    for (let i = 0; i < hits; i++) {
      fs.rmSync(path.join(ws.root, 'dist', 'rust', 'market-data', 'pgo'), { recursive: true, force: true });
      const t = ws.nx(['run', 'market-data:build-pgo'], daemonEnv);
      if (!/for 2 out of 2 tasks/.test(t.r.stdout + t.r.stderr)) throw new Error(`expected 2 cache hits with the daemon:\n${t.r.stdout}`);
      daemonHitMs.push(t.ms);
    }
  } finally {
    ws.nx(['daemon', '--stop'], daemonEnv);
  }
  console.log(`cold pipeline:          ${spread(coldMs)}`);
  console.log(`cache hit (no daemon):  ${spread(hitMs)}`);
  console.log(`cache hit (Nx daemon):  ${spread(daemonHitMs)}`);
  console.log(`cache hit / cold = 1/${(median(coldMs) / median(hitMs)).toFixed(0)} without the daemon, 1/${(median(coldMs) / median(daemonHitMs)).toFixed(0)} with it (target <= 1/50)`);

  ws.nx(['run', 'market-data:build-release']);
  const bins = { release: path.join(ws.root, 'dist/rust/market-data/release/market-data'), pgo: path.join(ws.root, 'dist/rust/market-data/pgo/market-data') };
  const wall = { release: [], pgo: [] };
  const inner = { release: [], pgo: [] };
  for (const k of Object.keys(bins)) timed(bins[k], ['--synthetic', messages]); // warm the page cache
  for (let i = 0; i < runs; i++) {
    for (const k of i % 2 ? ['pgo', 'release'] : ['release', 'pgo']) {
      const t = timed(bins[k], ['--synthetic', messages]);
      wall[k].push(t.ms);
      const m = /in ([\d.]+) s/.exec(t.r.stdout);
      if (m) inner[k].push(Number(m[1]) * 1000);
    }
  }
  console.log(`release binary, wall:            ${spread(wall.release)}`);
  console.log(`PGO binary, wall:                ${spread(wall.pgo)}`);
  console.log(`release binary, parse+apply:     ${spread(inner.release)}`);
  console.log(`PGO binary, parse+apply:         ${spread(inner.pgo)}`);
  const speed = (a, b) => `${(((median(a) - median(b)) / median(a)) * 100).toFixed(1)}% less time (release/PGO = ${(median(a) / median(b)).toFixed(3)})`;
  console.log(`PGO vs release, wall:        ${speed(wall.release, wall.pgo)} (target >= 10%)`);
  if (inner.release.length) console.log(`PGO vs release, parse+apply: ${speed(inner.release, inner.pgo)}`);
}

module.exports = { run };
if (require.main === module) run().catch((e) => (console.error(e), process.exit(1)));
