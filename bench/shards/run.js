#!/usr/bin/env node
// Atomized benches over CI machines, measured side by side in one run:
//  1. Balance: each example bench's counted work (instructions of its benchmarks' routines under
//     callgrind, as `bench --metric=instructions` counts them) and wall time (its criterion run, 3 runs),
//     then rust-perf's own split (core/bench/shards/shards.js, splitShards) for N = 1, 2, 3 shards, by count
//     and by the measured wall costs: per shard its counted work and wall time, and the largest shard's
//     share against 1/N.
//  2. Inference cost of atomization: `nx show projects` on a generated 1000-crate / 5000-bench
//     workspace with atomizeBenches on vs off, alternating runs (cold: workspace data removed; warm).
//
//   node bench/shards/run.js [--runs 5] [--crates 1000] [--benches 5] [--skip balance|inference]
//                            [--target-dir /tmp/rust-perf-bench-shards] [--dir /tmp/rust-perf-bench-shards-inference]
// Needs `npm run build` first. Wall times depend on the machine's load: the script prints spreads.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const inference = require('../inference/run.js');

const counted = require('../counted/run.js');
const { dist, cargoRoot, arg } = counted;
// The example's benches as bench/counted lists them, as atomized tasks (project = the Cargo package).
const BENCHES = counted.BENCHES.map((b) => ({ project: b.package, bench: b.bench }));
// What a shard's criterion run of a bench looks like in the gate's rounds (brief, as compareRef defaults).
const CRITERION = ['--bench', '--noplot', '--warm-up-time', '0.1', '--measurement-time', '0.25', '--sample-size', '10'];

const pct = (x) => `${(x * 100).toFixed(1)} %`;
const fmtInstr = (n) => `${(n / 1e6).toFixed(1)} M`;

async function balance(runs, targetDir) {
  const { buildCountedBench, countBenches } = require(path.join(dist, 'core', 'bench', 'counted', 'counted-run.js'));
  const { splitShards, taskKey } = require(path.join(dist, 'core', 'bench', 'shards', 'shards.js'));
  const { run: runProcess } = require(path.join(dist, 'core', 'process', 'run.js'));
  const t0 = Date.now();
  const el = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
  const measured = [];
  for (const b of BENCHES) {
    console.log(`▸ [${el()}] building ${b.project} --bench ${b.bench} (x86-64-v3, as counted runs build it) …`);
    const exe = await buildCountedBench({ cargoRoot, package: b.project, bench: b.bench, targetDir, print: () => undefined });
    const cwd = path.join(cargoRoot, b.project);
    console.log(`▸ [${el()}] counting ${b.bench} (2 runs per benchmark) …`);
    const counted = await countBenches({ exe, bench: b.bench, cwd, runs: 2, progress: () => undefined });
    const instructions = counted.reduce((s, c) => s + c.median.estimate, 0);
    const spread = Math.max(...counted.map((c) => c.counted.spreadPercent));
    const walls = [];
    const criterionHome = fs.mkdtempSync(path.join(os.tmpdir(), 'rust-perf-bench-shards-criterion-'));
    for (let i = 0; i < runs; i++) {
      const s = process.hrtime.bigint();
      const r = await runProcess(exe, CRITERION, { cwd, env: { CRITERION_HOME: criterionHome } });
      if (r.exitCode !== 0) throw new Error(`${r.command} exited with ${r.exitCode}: ${r.stderr.slice(-400)}`);
      walls.push(Number(process.hrtime.bigint() - s) / 1e9);
    }
    fs.rmSync(criterionHome, { recursive: true, force: true });
    const wall = inference.median(walls);
    console.log(`  [${el()}] ${b.bench}: ${counted.length} benchmark(s), ${fmtInstr(instructions)} instructions (spread ${spread.toFixed(3)} %), wall ${wall.toFixed(2)} s (${inference.spread(walls)} s)`);
    measured.push({ ...b, target: `bench--${b.bench}`, benchmarks: counted.length, instructions, wall, walls });
  }
  const costs = Object.fromEntries(measured.map((m) => [taskKey(m), m.wall]));
  const total = { instructions: measured.reduce((s, m) => s + m.instructions, 0), wall: measured.reduce((s, m) => s + m.wall, 0) };
  console.log(`\nShards of the example's ${measured.length} atomized benches (rust-perf's split; wall = the benches' criterion runs, median of ${runs}):`);
  console.log('| N | split | shard | benches | counted work | share | wall | share | largest share vs 1/N |');
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  const result = [];
  for (const n of [1, 2, 3]) {
    for (const [label, c] of [['by count', {}], ['by measured cost', costs]]) {
      const plan = splitShards(measured, n, c);
      const shares = plan.assignments.map((a) => {
        const ms = a.tasks.map((t) => measured.find((m) => taskKey(m) === taskKey(t)));
        return { benches: ms.map((m) => m.bench), instructions: ms.reduce((s, m) => s + m.instructions, 0), wall: ms.reduce((s, m) => s + m.wall, 0) };
      });
      const largest = Math.max(...shares.map((s) => s.wall / total.wall));
      shares.forEach((s, i) => {
        console.log(
          `| ${n} | ${label} | ${i + 1} | ${s.benches.join(', ') || '–'} | ${fmtInstr(s.instructions)} | ${pct(s.instructions / total.instructions)} | ${s.wall.toFixed(2)} s | ${pct(s.wall / total.wall)} | ${i === 0 ? `${pct(largest)} vs ${pct(1 / n)}` : ''} |`,
        );
      });
      result.push({ n, split: label, shares, largestWallShare: largest });
    }
  }
  return { measured, result };
}

function inferenceCost(runs, crates, benches, dir) {
  inference.prepare(dir, crates, benches);
  const variants = [
    { label: 'atomizeBenches: false', plugins: [{ plugin: 'rust-perf', options: { atomizeBenches: false } }], cold: [], warm: [] },
    { label: 'atomizeBenches: true', plugins: [{ plugin: 'rust-perf', options: { atomizeBenches: true } }], cold: [], warm: [] },
  ];
  let projects = 0;
  for (let r = 0; r < runs + 1; r++) {
    // Alternating order, so a machine that slows down over the run weighs on both alike; round 0 is a warm-up.
    for (const v of r % 2 ? [...variants].reverse() : variants) {
      inference.setPlugins(dir, v.plugins);
      const cold = inference.timeShowProjects(dir, true);
      if (!cold.ok) throw new Error(`nx show projects failed with ${v.label}: ${cold.stderr.slice(-600)}`);
      const warm = inference.timeShowProjects(dir, false);
      projects = cold.projects;
      if (r === 0) continue;
      v.cold.push(cold.seconds);
      v.warm.push(warm.seconds);
    }
  }
  // The atomized targets are really there: one per bench file, plus bench-ci.
  inference.setPlugins(dir, variants[1].plugins);
  const shown = inference.sh(process.execPath, [path.join(dir, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'project', 'crate-0000', '--json'], { cwd: dir, env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' } });
  const atomized = Object.keys(JSON.parse(shown.stdout).targets).filter((t) => t.startsWith('bench--')).length;
  console.log(`\nInference, ${crates} crates × ${benches} benches (${projects} projects; crate-0000 has ${atomized} bench--* targets), NX_DAEMON=false, median of ${runs} alternating runs (min–max):`);
  for (const v of variants) console.log(`  ${v.label.padEnd(22)} cold ${inference.median(v.cold).toFixed(2)} s (${inference.spread(v.cold)})   warm ${inference.median(v.warm).toFixed(2)} s (${inference.spread(v.warm)})`);
  const ratio = (k) => inference.median(variants[1][k]) / inference.median(variants[0][k]) - 1;
  console.log(`  atomization adds: cold ${pct(ratio('cold'))}, warm ${pct(ratio('warm'))} (goal < 10 %: ${ratio('cold') < 0.1 && ratio('warm') < 0.1 ? 'met' : 'NOT met'})`);
  return { crates, benches, projects, atomized, variants, coldIncrease: ratio('cold'), warmIncrease: ratio('warm') };
}

async function run() {
  if (!fs.existsSync(path.join(dist, 'core', 'bench', 'shards', 'shards.js'))) throw new Error('packages/rust-perf/dist is missing: run `npm run build` first');
  const runs = Number(arg('runs', 5));
  const skip = arg('skip', '');
  const out = {};
  if (skip !== 'balance') out.balance = await balance(3, arg('target-dir', path.join(os.tmpdir(), 'rust-perf-bench-shards')));
  if (skip !== 'inference') out.inference = inferenceCost(runs, Number(arg('crates', 1000)), Number(arg('benches', 5)), arg('dir', path.join(os.tmpdir(), 'rust-perf-bench-shards-inference')));
  return out;
}

module.exports = { run };
if (require.main === module)
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
