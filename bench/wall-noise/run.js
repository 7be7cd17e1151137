#!/usr/bin/env node
// Why the same-job gate runs 30 short rounds and compares each run's fastest sample: A/A comparisons (one
// bench binary of the example as both base and head, so any difference is noise) with a busy loop on the
// other core, run the way `bench --compareRef` runs them (ABBA order, pinned to the last CPU), for two
// round shapes. Each comparison is scored with both statistics, from the same runs: criterion's median
// and the fastest sample per iteration (sample.json). Printed per shape and statistic: the median width
// of the 95 % Hodges–Lehmann/Wilcoxon interval and how many A/A intervals excluded zero (each one a false
// "significant change").
//
//   node bench/wall-noise/run.js [--reps 5] [--no-hog] [--dir /tmp/rust-perf-wall-noise]
// Needs `npm run build` first (it uses the plugin's own statistic, dist/core/bench/gate/paired.js).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');

const repoRoot = path.resolve(__dirname, '..', '..');
const { hodgesLehmann } = require(path.join(repoRoot, 'packages', 'rust-perf', 'dist', 'core', 'bench', 'gate', 'paired.js'));

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

const BENCHMARK = 'orderbook/add_cancel_match';
// [rounds, warm-up s, measurement s, samples]: the old bench/gate settings, and the plugin's defaults now.
const SHAPES = { '8 rounds × (0.5 s + 1 s, 20 samples)': [8, 0.5, 1, 20], '30 rounds × (0.1 s + 0.25 s, 10 samples)': [30, 0.1, 0.25, 10] };

function sh(file, args, opts) {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

function buildBench(dir) {
  const cargoRoot = path.join(repoRoot, 'examples', 'trading-desk', 'rust');
  const out = sh('cargo', ['bench', '-p', 'market-data', '--bench', 'orderbook_bench', '--no-run', '--message-format=json-render-diagnostics'], {
    cwd: cargoRoot,
    env: { ...process.env, CARGO_TARGET_DIR: path.join(dir, 'target') },
  });
  for (const line of out.split('\n')) {
    if (!line.startsWith('{')) continue;
    const m = JSON.parse(line);
    if (m.reason === 'compiler-artifact' && m.target?.name === 'orderbook_bench' && m.executable) return { exe: m.executable, pkgDir: path.join(cargoRoot, 'market-data') };
  }
  throw new Error('cargo reported no orderbook_bench executable');
}

function runOnce(bench, home, cpu, [, warm, meas, samples]) {
  const args = ['--bench', '--noplot', '--nresamples', '2000', '--warm-up-time', String(warm), '--measurement-time', String(meas), '--sample-size', String(samples), `^${BENCHMARK}$`];
  sh('taskset', ['-c', String(cpu), bench.exe, ...args], { cwd: bench.pkgDir, env: { ...process.env, CRITERION_HOME: home } });
  const d = path.join(home, ...BENCHMARK.split('/'), 'new');
  const est = JSON.parse(fs.readFileSync(path.join(d, 'estimates.json'), 'utf8'));
  const s = JSON.parse(fs.readFileSync(path.join(d, 'sample.json'), 'utf8'));
  return { median: est.median.point_estimate, fastest: Math.min(...s.times.map((t, i) => t / s.iters[i])) };
}

function comparison(bench, dir, cpu, shape) {
  const rounds = [];
  for (let r = 0; r < shape[0]; r++) {
    const v = {};
    for (const side of r % 2 ? ['head', 'base'] : ['base', 'head']) v[side] = runOnce(bench, path.join(dir, `criterion-${side}`), cpu, shape);
    rounds.push(v);
  }
  const out = {};
  for (const stat of ['median', 'fastest']) {
    const hl = hodgesLehmann(rounds.map((x) => Math.log(x.head[stat] / x.base[stat])));
    const pct = (x) => (Math.exp(x) - 1) * 100;
    out[stat] = { change: pct(hl.estimate), lower: pct(hl.lower), upper: pct(hl.upper) };
  }
  return out;
}

async function run() {
  const dir = arg('dir', path.join(os.tmpdir(), 'rust-perf-wall-noise'));
  const reps = Number(arg('reps', 5));
  fs.mkdirSync(dir, { recursive: true });
  const bench = buildBench(dir);
  const cpu = os.availableParallelism() - 1;
  console.log(`A/A: ${path.basename(bench.exe)} as base and head, ${BENCHMARK}, pinned to CPU ${cpu}; ${reps} comparisons per shape, shapes interleaved`);
  const hog = process.argv.includes('--no-hog') || cpu === 0 ? undefined : spawn('taskset', ['-c', '0', process.execPath, '-e', 'for(;;){}'], { stdio: 'ignore' });
  if (hog) console.log(`CPU hog on CPU 0 (pid ${hog.pid})`);
  const results = Object.fromEntries(Object.keys(SHAPES).map((k) => [k, []]));
  const f = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(2)}%`;
  try {
    for (let i = 0; i < reps; i++) {
      for (const [name, shape] of Object.entries(SHAPES)) {
        const t0 = Date.now();
        const c = comparison(bench, dir, cpu, shape);
        results[name].push(c);
        console.log(`  #${i + 1} ${name}: median ${f(c.median.change)} [${f(c.median.lower)}, ${f(c.median.upper)}]; fastest ${f(c.fastest.change)} [${f(c.fastest.lower)}, ${f(c.fastest.upper)}] (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
      }
    }
  } finally {
    if (hog) hog.kill();
  }
  console.log('\nA/A interval width (upper − lower), median over comparisons (min, max); intervals that excluded zero:');
  for (const [name, cs] of Object.entries(results)) {
    for (const stat of ['median', 'fastest']) {
      const w = cs.map((c) => c[stat].upper - c[stat].lower).sort((a, b) => a - b);
      const off = cs.filter((c) => c[stat].lower > 0 || c[stat].upper < 0).length;
      console.log(`  ${name}, ${stat === 'median' ? "criterion's median" : 'fastest sample'}: ${w[w.length >> 1].toFixed(2)} points (${w[0].toFixed(2)}, ${w[w.length - 1].toFixed(2)}); ${off}/${cs.length} excluded zero`);
    }
  }
}

module.exports = { run };
if (require.main === module) {
  run().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
