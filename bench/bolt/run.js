#!/usr/bin/env node
// BOLT on top of PGO on the example, through Nx and the packed plugin: release, PGO and PGO+BOLT
// binaries of market-data, measured side by side in one run.
//  1. Counted work (core/count: valgrind cachegrind with a fixed cache geometry, deterministic on a
//     noisy VM): instructions (Ir), L1 instruction-cache misses (I1mr), branch mispredictions and
//     core/count's estimated cycles (ESTIMATED_CYCLES_FORMULA), on an input the profiles did not train on.
//  2. Wall time, runs interleaved, median with min/max.
//
//   node bench/bolt/run.js [--train 500000] [--messages 50000] [--count-runs 2] [--runs 7] [--wall-messages 500000] [--dir /tmp/rust-perf-bench-bolt]
// The workspace gets `rust-perf:init --cpu=x86-64-v3` (tuned profiles; build-pgo and bolt-profile
// use `production`): valgrind 3.19 cannot decode AVX-512, so no binary may be built for `native`
// on an AVX-512 host. Needs `npm run build` first, valgrind and bolt-<LLVM major>.
'use strict';
const path = require('node:path');
const { prepareWorkspace, sh, timed, median, spread, pluginDir } = require('../pgo/workspace');
// The plugin's own counter (built by `npm run build`), so these numbers match perf-report's counted columns.
const { countProgram, ESTIMATED_CYCLES_FORMULA, formatCount } = require(path.join(pluginDir, 'dist', 'core', 'count'));

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

const fmt = formatCount;
const countSpread = (xs) => (Math.max(...xs) === Math.min(...xs) ? `${fmt(xs[0])} (all ${xs.length} runs equal)` : `${fmt(median(xs))} (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))}, n=${xs.length})`);
const change = (base, x) => `${(((median(x) - median(base)) / median(base)) * 100).toFixed(1)}%`;

async function run() {
  const dir = arg('dir', '/tmp/rust-perf-bench-bolt');
  const train = arg('train', '500000');
  const messages = arg('messages', '50000');
  const countRuns = Number(arg('count-runs', 2));
  const runs = Number(arg('runs', 7));
  const wallMessages = arg('wall-messages', '500000');
  const ws = prepareWorkspace(dir, { workload: `[{ bin = "market-data", args = ["--synthetic", "${train}"] }]` });
  sh(path.join(ws.root, 'node_modules', '.bin', 'nx'), ['g', 'rust-perf:init', '--no-interactive', '--cpu=x86-64-v3'], { cwd: ws.root, env: ws.env });
  console.log(`workspace: ${ws.root}; training workload (PGO and BOLT): market-data --synthetic ${train} (seed 42)`);

  for (const t of ['build-release', 'build-bolt', 'build-pgo']) {
    const r = ws.nx(['run', `market-data:${t}`]);
    console.log(`  nx run market-data:${t}: ${(r.ms / 1000).toFixed(1)} s`);
  }
  const bins = {
    release: path.join(ws.root, 'dist/rust/market-data/release/market-data'),
    pgo: path.join(ws.root, 'dist/rust/market-data/pgo/market-data'),
    'pgo+bolt': path.join(ws.root, 'dist/rust/market-data/bolt/market-data'),
  };
  const names = Object.keys(bins);
  // An input the profiles did not see: another seed.
  const evalArgs = ['--synthetic', messages, '--seed', '7'];
  const sums = names.map((k) => /checksum: (\w+)/.exec(sh(bins[k], evalArgs).stdout)?.[1]);
  if (new Set(sums).size !== 1) throw new Error(`the binaries disagree on the checksum: ${names.map((k, i) => `${k}=${sums[i]}`).join(' ')}`);
  console.log(`checksum of market-data ${evalArgs.join(' ')}: ${sums[0]} (all three binaries)`);

  const counted = Object.fromEntries(names.map((k) => [k, []]));
  for (let i = 0; i < countRuns; i++) {
    for (const k of i % 2 ? [...names].reverse() : names) {
      const c = await countProgram({ file: bins[k], args: evalArgs, cwd: ws.root }, { heap: false, hardware: false });
      if (!c.counted) throw new Error(`cachegrind could not count ${k}: ${c.reason}`);
      counted[k].push(c.simulated);
      console.log(`  cachegrind ${k} #${i + 1}: ${(c.durationMs / 1000).toFixed(1)} s`);
    }
  }
  const col = (k, f) => counted[k].map(f);
  console.log(`\ncounted by cachegrind (core/count: 32 KiB L1i/L1d, 8 MiB LL) on market-data ${evalArgs.join(' ')} (x86-64-v3 binaries):`);
  for (const [label, f] of [
    ['instructions (Ir)', (c) => c.instructions],
    ['L1 I-cache misses (I1mr)', (c) => c.events.I1mr],
    ['L1 misses, all (I1mr + D1mr + D1mw)', (c) => c.l1Misses],
    ['branch mispredictions', (c) => c.branchMispredicts],
    ['estimated cycles', (c) => c.estimatedCycles],
  ]) {
    console.log(`  ${label}:`);
    for (const k of names) console.log(`    ${k.padEnd(9)} ${countSpread(col(k, f))}${k === 'release' ? '' : `   vs release ${change(col('release', f), col(k, f))}${k === 'pgo+bolt' ? `, vs pgo ${change(col('pgo', f), col(k, f))}` : ''}`}`);
  }
  console.log(`  (${ESTIMATED_CYCLES_FORMULA})`);

  const wall = Object.fromEntries(names.map((k) => [k, []]));
  const wallArgs = ['--synthetic', wallMessages, '--seed', '7'];
  for (const k of names) sh(bins[k], wallArgs); // warm the page cache
  for (let i = 0; i < runs; i++) {
    const order = names.map((_, j) => names[(i + j) % names.length]);
    for (const k of order) wall[k].push(timed(bins[k], wallArgs).ms);
  }
  console.log(`\nwall time of market-data ${wallArgs.join(' ')}, runs interleaved:`);
  for (const k of names) console.log(`  ${k.padEnd(9)} ${spread(wall[k])}${k === 'release' ? '' : `   vs release ${change(wall.release, wall[k])}${k === 'pgo+bolt' ? `, vs pgo ${change(wall.pgo, wall[k])}` : ''}`}`);
}

module.exports = { run };
if (require.main === module) run().catch((e) => (console.error(e), process.exit(1)));
