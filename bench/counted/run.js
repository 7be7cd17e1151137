#!/usr/bin/env node
// Counted benches: every criterion benchmark of the example, its routine counted under
// callgrind N times exactly as `bench --metric=instructions` does (x86-64-v3 bench build, criterion
// --test, collection toggled on inside Bencher::iter*). Prints each benchmark's instructions and the
// spread of its runs ((max − min) / median), and whether it is deterministic enough (≤ 0.5 %) for a
// counted gate. Needs `npm run build` first.
//
//   node bench/counted/run.js [--runs 5] [--target-dir /tmp/rust-perf-bench-counted]
'use strict';
const path = require('node:path');
const fs = require('node:fs');

const repoRoot = path.resolve(__dirname, '..', '..');
const dist = path.join(repoRoot, 'packages', 'rust-perf', 'dist');
const cargoRoot = path.join(repoRoot, 'examples', 'trading-desk', 'rust');
const BENCHES = [
  { package: 'market-data', bench: 'orderbook_bench' },
  { package: 'common', bench: 'codec_bench' },
  { package: 'execution-engine', bench: 'router_bench' },
];

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

async function run() {
  if (!fs.existsSync(path.join(dist, 'core', 'bench', 'counted', 'counted-run.js'))) throw new Error('run `npm run build` first');
  const { buildCountedBench, countBenches } = require(path.join(dist, 'core', 'bench', 'counted', 'counted-run.js'));
  const { DETERMINISTIC_SPREAD_PERCENT, formatCount } = require(path.join(dist, 'core', 'bench', 'counted', 'counted.js'));
  const runs = Number(arg('runs', 5));
  const targetDir = arg('target-dir', '/tmp/rust-perf-bench-counted');
  const t0 = Date.now();
  const el = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const rows = [];
  for (const b of BENCHES) {
    console.log(`▸ [${el()}] building ${b.package} --bench ${b.bench} for counting …`);
    const exe = await buildCountedBench({ cargoRoot, package: b.package, bench: b.bench, targetDir, print: () => undefined });
    console.log(`▸ [${el()}] counting ${b.bench}, ${runs} runs per benchmark …`);
    const counted = await countBenches({ exe, bench: b.bench, cwd: path.join(cargoRoot, b.package), runs, progress: (l) => console.log(`  [${el()}] ${l.split(': valgrind')[0]}`) });
    for (const c of counted) {
      rows.push(c);
      console.log(`  [${el()}] ${c.id}: median ${formatCount(c.median.estimate)} (min ${formatCount(c.median.lower)}, max ${formatCount(c.median.upper)}), spread ${c.counted.spreadPercent.toFixed(3)} %`);
    }
  }
  console.log(`\nExample benchmarks, ${runs} counted runs each (callgrind, routine only):`);
  console.log('| benchmark | instructions (median) | min – max | spread | deterministic (≤ ' + DETERMINISTIC_SPREAD_PERCENT + ' %) |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const c of rows) {
    console.log(`| ${c.id} | ${formatCount(c.median.estimate)} | ${formatCount(c.median.lower)} – ${formatCount(c.median.upper)} | ${c.counted.spreadPercent.toFixed(3)} % | ${c.counted.deterministic ? 'yes' : 'no'} |`);
  }
}

module.exports = { run, BENCHES, arg, dist, cargoRoot };
if (require.main === module)
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
