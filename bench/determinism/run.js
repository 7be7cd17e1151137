#!/usr/bin/env node
// Counted work vs wall time on a busy machine: the example's market-data workload, built
// for x86-64-v3 the way perf-report builds its counted binaries, run N times under cachegrind while
// a worker thread keeps another core busy. Prints the spread ((max − min) / median) of instructions
// and estimated cycles (target ≤ 0.1 %) beside the spread of wall time of native runs made under
// the same load.
//
//   node bench/determinism/run.js [--runs 5] [--messages 200000] [--target-dir /tmp/rust-perf-bench-determinism]
// Needs `npm run build` first (it uses the plugin's compiled core/count).
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const { Worker } = require('node:worker_threads');

const repoRoot = path.resolve(__dirname, '..', '..');
const dist = path.join(repoRoot, 'packages', 'rust-perf', 'dist');
const cargoRoot = path.join(repoRoot, 'examples', 'trading-desk', 'rust');

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spreadPct = (xs) => ((Math.max(...xs) - Math.min(...xs)) / median(xs)) * 100;
const fmt = (xs, unit = '') => `median ${median(xs).toLocaleString('en-US')}${unit} (min ${Math.min(...xs).toLocaleString('en-US')}, max ${Math.max(...xs).toLocaleString('en-US')}, n=${xs.length})`;

async function run() {
  if (!fs.existsSync(path.join(dist, 'core', 'count', 'index.js'))) throw new Error('run `npm run build` first');
  const { buildCountedBinary, countProgram, COUNT_CPU } = require(path.join(dist, 'core', 'count', 'index.js'));
  const { run: runProcess } = require(path.join(dist, 'core', 'process', 'run.js'));
  const runs = Number(arg('runs', 5));
  const messages = arg('messages', '200000');
  const targetDir = arg('target-dir', '/tmp/rust-perf-bench-determinism');
  const args = ['--synthetic', messages];

  const t0 = Date.now();
  console.log(`▸ building market-data (release profile, -Ctarget-cpu=${COUNT_CPU}) …`);
  const exe = await buildCountedBinary({ cargoRoot, package: 'market-data', profile: 'release', bin: 'market-data', addRustflags: [], targetDir, name: 'determinism' });
  console.log(`✓ built ${exe} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  // The noise: a thread spinning on another core for the whole measurement.
  const busy = new Worker('const end = Date.now() + 3600e3; let x = 0; while (Date.now() < end) x++;', { eval: true });
  const counted = { instructions: [], cycles: [], mispredicts: [], llMisses: [], valgrindSeconds: [] };
  const wall = [];
  try {
    for (let i = 0; i < runs; i++) {
      const r = await countProgram({ file: exe, args, cwd: cargoRoot }, { heap: false, hardware: false });
      if (!r.counted) throw new Error(`not counted: ${r.reason}`);
      counted.instructions.push(r.simulated.instructions);
      counted.cycles.push(r.simulated.estimatedCycles);
      counted.mispredicts.push(r.simulated.branchMispredicts);
      counted.llMisses.push(r.simulated.llMisses);
      counted.valgrindSeconds.push(r.durationMs / 1000);
      const native = await runProcess(exe, args, { cwd: cargoRoot });
      if (native.exitCode !== 0) throw new Error(`${native.command} exited with ${native.exitCode ?? native.signal}`);
      wall.push(native.durationMs);
      console.log(`  run ${i + 1}/${runs}: ${r.simulated.instructions.toLocaleString('en-US')} instructions, ${r.simulated.estimatedCycles.toLocaleString('en-US')} estimated cycles (cachegrind ${(r.durationMs / 1000).toFixed(1)} s); native ${native.durationMs} ms`);
    }
  } finally {
    await busy.terminate();
  }
  console.log(`\nmarket-data ${args.join(' ')}, ${runs} runs each, another core kept busy:`);
  console.log(`  instructions (cachegrind):     ${fmt(counted.instructions)}   spread ${spreadPct(counted.instructions).toFixed(3)} %`);
  console.log(`  estimated cycles:              ${fmt(counted.cycles)}   spread ${spreadPct(counted.cycles).toFixed(3)} %`);
  console.log(`  branch mispredicts:            ${fmt(counted.mispredicts)}   spread ${spreadPct(counted.mispredicts).toFixed(3)} %`);
  console.log(`  LL misses:                     ${fmt(counted.llMisses)}   spread ${spreadPct(counted.llMisses).toFixed(3)} %`);
  console.log(`  wall time, native runs:        ${fmt(wall, ' ms')}   spread ${spreadPct(wall).toFixed(1)} %`);
  console.log(`  wall time, cachegrind runs:    ${fmt(counted.valgrindSeconds.map((s) => Math.round(s * 1000)), ' ms')}   spread ${spreadPct(counted.valgrindSeconds).toFixed(1)} %`);
  const ok = spreadPct(counted.instructions) <= 0.1 && spreadPct(counted.cycles) <= 0.1;
  console.log(`  counted spread ≤ 0.1 %: ${ok ? 'yes' : 'NO'}`);
}

module.exports = { run };
if (require.main === module)
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
