#!/usr/bin/env node
// What mold gains over rustc's bundled LLD (the default linker of x86_64-unknown-linux-gnu since
// rustc 1.90) on the example: market-data's own link step, in the dev and the release profile.
// cargo prints the exact link command rustc runs (`--print link-args`, objects kept with
// `-C save-temps`); that command is then run as is (LLD) and with -fuse-ld=mold instead, the two
// alternating (ABBA) in one run, so load drifts hit both alike. Each output's .comment section must
// name its linker. Prints the median (min–max) of each and the ratio, with the per-round spread.
// Then the work each does, counted by valgrind (instructions of cc, collect2 and the linker, load
// independent), single-threaded (lld --threads=1, mold --thread-count=1 --no-fork): with threads,
// idle workers spin under valgrind (mold's TBB pool), which counts waiting as work.
//
//   node bench/linker/run.js [--runs 15] [--counted 3] [--dir /tmp/rust-perf-bench-linker] [--profiles dev,release]
// Needs `npm run build` first (for the process runner), mold and valgrind on PATH.
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');

function loadRun() {
  const file = path.join(repoRoot, 'packages', 'rust-perf', 'dist', 'core', 'process', 'run.js');
  if (!fs.existsSync(file)) throw new Error('packages/rust-perf/dist is missing: run `npm run build` first');
  return require(file);
}

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

async function must(run, file, args, opts) {
  const r = await run(file, args, opts);
  if (r.exitCode !== 0) throw new Error(`${r.command} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

/** `LC_ALL="C" PATH="…" "cc" "-m64" …` as printed by rustc: env assignments, then the argv. */
function parseLinkLine(line) {
  const env = {};
  const argv = [];
  for (const m of line.matchAll(/(?:(\w+)=)?"((?:[^"\\]|\\.)*)"/g)) {
    const value = m[2].replace(/\\(.)/g, '$1');
    if (m[1] !== undefined && argv.length === 0) env[m[1]] = value;
    else argv.push(value);
  }
  return { env, argv };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const range = (xs, digits) => `${Math.min(...xs).toFixed(digits)}–${Math.max(...xs).toFixed(digits)}`;

async function linkCommand(run, ws, targetDir, profile) {
  // Touch the binary crate so cargo runs rustc (and its link) again with the printing flags.
  const main = path.join(ws, 'market-data', 'src', 'main.rs');
  fs.utimesSync(main, new Date(), new Date());
  console.log(`[linker] cargo rustc --profile ${profile} -p market-data --bin market-data -- --print link-args -C save-temps`);
  const r = await must(run, 'cargo', ['rustc', '--offline', '--profile', profile, '-p', 'market-data', '--bin', 'market-data', '--', '--print', 'link-args', '-C', 'save-temps'], {
    cwd: ws,
    env: { CARGO_TARGET_DIR: targetDir, RUSTFLAGS: undefined, CARGO_ENCODED_RUSTFLAGS: undefined },
    echo: 'stderr',
  });
  const line = r.stdout.split('\n').find((l) => /"-fuse-ld=lld"/.test(l));
  if (!line) throw new Error(`rustc printed no link line with -fuse-ld=lld (is this rustc >= 1.90 on x86_64 Linux?):\n${r.stdout.slice(0, 2000)}`);
  return parseLinkLine(line);
}

/** Instructions of the whole link (every process valgrind follows), from cachegrind's summary lines. */
async function countedLink(run, cc, args, env, cwd, dir) {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  await must(run, 'valgrind', ['--tool=cachegrind', '--cache-sim=no', '--trace-children=yes', `--cachegrind-out-file=${path.join(dir, 'cg.%p')}`, cc, ...args], { cwd, env });
  let total = 0;
  for (const f of fs.readdirSync(dir)) total += Number(/^summary: (\d+)/m.exec(fs.readFileSync(path.join(dir, f), 'utf8'))?.[1] ?? 0);
  return total;
}

async function linkerOf(run, binary) {
  const r = await must(run, 'readelf', ['-p', '.comment', binary], { cwd: os.tmpdir() });
  return /mold/.test(r.stdout) ? 'mold' : /Linker: LLD/.test(r.stdout) ? 'LLD' : 'unknown';
}

async function runLinkerBench() {
  const { run } = loadRun();
  const runs = Number(arg('runs', '15'));
  const counted = Number(arg('counted', '3'));
  const dir = arg('dir', path.join(os.tmpdir(), 'rust-perf-bench-linker'));
  const profiles = arg('profiles', 'dev,release').split(',');
  const ws = path.join(dir, 'ws');
  const targetDir = path.join(dir, 'target');
  const outDir = path.join(dir, 'out');
  fs.mkdirSync(outDir, { recursive: true });
  if (!fs.existsSync(ws)) fs.cpSync(path.join(repoRoot, 'examples', 'trading-desk', 'rust'), ws, { recursive: true, filter: (src) => !src.split(path.sep).includes('target') });
  const mold = (await must(run, 'mold', ['--version'], { cwd: dir })).stdout.trim();
  const rustc = (await must(run, 'rustc', ['-V'], { cwd: dir })).stdout.trim();
  const load = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nlink step of market-data, ${rustc}, ${mold}, ${os.cpus().length} CPUs, load average at start ${load()}`);

  const rows = [];
  for (const profile of profiles) {
    const { env, argv } = await linkCommand(run, ws, targetDir, profile);
    const [cc, ...args] = argv;
    const o = args.indexOf('-o');
    const variant = (name, fuse) => {
      const a = [...args];
      a[o + 1] = path.join(outDir, `market-data-${profile}-${name}`);
      return { name, out: a[o + 1], args: a.map((x) => (x === '-fuse-ld=lld' ? fuse : x)) };
    };
    const variants = [variant('lld', '-fuse-ld=lld'), variant('mold', '-fuse-ld=mold')];
    const times = { lld: [], mold: [] };
    for (let round = 0; round < runs + 1; round++) {
      // ABBA: the order alternates each round; round 0 warms the page cache and is not counted.
      const order = round % 2 === 0 ? variants : [...variants].reverse();
      for (const v of order) {
        const t = process.hrtime.bigint();
        await must(run, cc, v.args, { cwd: ws, env });
        const ms = Number(process.hrtime.bigint() - t) / 1e6;
        if (round > 0) times[v.name].push(ms);
      }
    }
    for (const v of variants) {
      const used = await linkerOf(run, v.out);
      const want = v.name === 'lld' ? 'LLD' : 'mold';
      if (used !== want) throw new Error(`${v.out} was linked by ${used}, not ${want}`);
    }
    const size = (v) => (fs.statSync(v.out).size / 1e6).toFixed(1);
    const ratios = times.mold.map((m, i) => m / times.lld[i]);
    const lldMedian = median(times.lld);
    const moldMedian = median(times.mold);
    console.log(
      `${profile.padEnd(8)} wall: LLD ${lldMedian.toFixed(1)} ms (${range(times.lld, 1)})   mold ${moldMedian.toFixed(1)} ms (${range(times.mold, 1)})   mold/LLD ${(moldMedian / lldMedian).toFixed(2)} (per round ${range(ratios, 2)})   binary ${variants.map(size).join(' / ')} MB`,
    );
    const single = { lld: ['-Wl,--threads=1'], mold: ['-Wl,--thread-count=1', '-Wl,--no-fork'] };
    const counts = { lld: [], mold: [] };
    for (let i = 0; i < counted; i++) {
      for (const v of variants) counts[v.name].push(await countedLink(run, cc, [...v.args, ...single[v.name]], env, ws, path.join(outDir, `cg-${profile}-${v.name}`)));
    }
    const mi = (xs) => `${(median(xs) / 1e6).toFixed(1)} M (${range(xs.map((x) => x / 1e6), 1)})`;
    if (counted > 0) console.log(`${''.padEnd(8)} counted, one thread: LLD ${mi(counts.lld)}   mold ${mi(counts.mold)}   mold/LLD ${(median(counts.mold) / median(counts.lld)).toFixed(2)}`);
    rows.push({ profile, lldMedian, moldMedian, ratio: moldMedian / lldMedian, ratios, times, counts, sizes: variants.map(size) });
  }
  console.log(`\n${runs} alternating wall-time rounds and ${counted} counted runs per linker and profile; load average at end ${load()}`);
  return rows;
}

module.exports = { run: () => runLinkerBench(), runLinkerBench, parseLinkLine };

if (require.main === module) {
  runLinkerBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
