#!/usr/bin/env node
// The counted same-job gate on a long and a short routine, side by side in one run, with a CPU hog on
// the other core: the example's orderbook/add_cancel_match (~3.6 M instructions per iteration) and
// codec/parse_price (a ~25 ns routine, under 2,000 instructions), with codec/encode_json in the same
// bench as an untouched control (the slowdown never reaches it).
//  - A/A: the head changes a comment in book.rs and in types.rs (same code);
//  - A/B: the head adds work sized to "3 %" of counted instructions per iteration to OrderBook::add
//    (INJECTED_SPINS) and to Price::parse (a black_box-bounded loop), sized by one calibration run.
// Each trial is one `nx run-many -t bench -p common,market-data --compareRef=base`. Printed per
// benchmark and scenario: how often the counted gate and the wall-time gate fired, and the changes.
//
//   node bench/gate/short-routines.js [--trials 20] [--rounds 6] [--dir /tmp/rust-perf-bench-gate-short] [--no-hog] [--scenarios aa,ab3] [--measurement-time 1]
// --measurement-time S: criterion measures S s and warms up S/2 s per benchmark and round (default: the
// plugin's, criterion's 5 s + 3 s). The counted verdict reads instructions per iteration, which do not depend
// on it; only the wall-time column does (shorter samples, wider intervals).
// Needs `npm run build` first.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { arg, git, gateWorkspace, withSpins } = require('./repo');

const IDS = ['orderbook/add_cancel_match', 'codec/parse_price', 'codec/encode_json'];
const SLOWED = { 'orderbook/add_cancel_match': true, 'codec/parse_price': true, 'codec/encode_json': false };
const BOOK = path.join('rust', 'market-data', 'src', 'book.rs');
const TYPES = path.join('rust', 'common', 'src', 'types.rs');
const PARSE_HEAD = 'pub fn parse(s: &str) -> Result<Price, PriceParseError> {\n';

function edit(ws, file, f) {
  const p = path.join(ws.root, file);
  const text = fs.readFileSync(p, 'utf8');
  const next = f(text);
  if (next === text) throw new Error(`the edit changed nothing in ${file}`);
  fs.writeFileSync(p, next);
}

function branch(ws, name, book, parse) {
  git(ws, ['checkout', '-q', '-B', name, 'base']);
  edit(ws, BOOK, book);
  edit(ws, TYPES, parse);
  git(ws, ['commit', '-qam', name]);
}

// Bounds through black_box: LLVM keeps the loops as loops, so the cost is linear in the count.
const parseLoop = (n) => (t) => t.replace(PARSE_HEAD, `${PARSE_HEAD}        for i in 0..std::hint::black_box(${n}u32) {\n            std::hint::black_box(i);\n        }\n`);

function trial(ws, rounds, timing) {
  const started = Date.now();
  const r = ws.nx(
    ['run-many', '-t', 'bench', '-p', 'common,market-data', '--parallel=1', '--compareRef=base', `--rounds=${rounds}`, `--filter=^(${IDS.join('|')})$`, '--diffFlamegraphs=false', '--failOnRegression=5', '--failOnCountedRegression=1', ...timing],
    { allowFailure: true },
  );
  const out = {};
  for (const p of ['common', 'market-data']) {
    const summary = JSON.parse(fs.readFileSync(path.join(ws.root, 'dist', 'bench', p, 'summary.json'), 'utf8'));
    for (const b of summary.comparison.benchmarks) {
      if (!IDS.includes(b.id)) continue;
      const counted = b.metrics.find((m) => m.metric === 'instructions');
      const wall = b.metrics.find((m) => m.metric === 'wall-time');
      out[b.id] = { verdict: b.verdict, decidedBy: b.decidedBy, counted: counted && { fired: counted.verdict === 'regressed', change: counted.change }, wall: wall && { fired: wall.verdict === 'regressed', verdict: wall.verdict, change: wall.change } };
    }
  }
  for (const id of IDS) if (!out[id]) throw new Error(`no comparison for ${id}:\n${r.r.stdout}\n${r.r.stderr}`);
  return { failed: r.r.status !== 0, ms: Date.now() - started, ids: out };
}

const pct = (p) => `${p >= 0 ? '+' : ''}${p.toFixed(2)}%`;

async function run() {
  const dir = arg('dir', '/tmp/rust-perf-bench-gate-short');
  const trials = Number(arg('trials', 20));
  const rounds = Number(arg('rounds', 6));
  const scenarios = arg('scenarios', 'aa,ab3').split(',');
  const measure = arg('measurement-time', undefined);
  const timing = measure === undefined ? [] : [`--measurementTime=${Number(measure)}`, `--warmUpTime=${Number(measure) / 2}`];
  const ws = gateWorkspace(dir);
  console.log(`workspace: ${ws.root}; ${IDS.join(', ')}; ${rounds} rounds per comparison${timing.length ? ` (${timing.join(' ')})` : ''}; counted threshold 1 %, wall time 5 %`);
  let hog;
  const results = {};
  const started = Date.now();
  try {
    // Calibration (and the cold builds) before the hog: 200 spins per add, 64 loop iterations per parse.
    branch(ws, 'calibrate', withSpins(200), parseLoop(64));
    const cal = trial(ws, rounds, timing);
    const per = (id, n) => cal.ids[id].counted.change.changePercent / n;
    const book = Math.max(1, Math.round(3 / per('orderbook/add_cancel_match', 200)));
    const parse = Math.max(1, Math.round(3 / per('codec/parse_price', 64)));
    console.log(
      `calibration: 200 spins → add_cancel_match ${pct(cal.ids['orderbook/add_cancel_match'].counted.change.changePercent)} (base ${Math.round(cal.ids['orderbook/add_cancel_match'].counted.change.baseMedian)} instr); ` +
        `64 iterations → parse_price ${pct(cal.ids['codec/parse_price'].counted.change.changePercent)} (base ${Math.round(cal.ids['codec/parse_price'].counted.change.baseMedian)} instr); encode_json ${pct(cal.ids['codec/encode_json'].counted.change.changePercent)}`,
    );
    branch(ws, 'aa', (t) => t.replace('/// Extra work per `add`', '/// Added work per `add`'), (t) => t.replace('/// Parses `"123"`', '/// Reads `"123"`'));
    branch(ws, 'ab3', withSpins(book), parseLoop(parse));
    console.log(`injected for "3 %": ${book} spins per add, ${parse} loop iteration(s) per parse`);
    if (!process.argv.includes('--no-hog')) {
      hog = spawn('taskset', ['-c', '0', process.execPath, '-e', 'for(;;){}'], { stdio: 'ignore' });
      console.log(`CPU hog on CPU 0 (pid ${hog.pid})`);
    }
    // Scenarios interleaved trial by trial: each sees the same stretch of a shared machine, and a run
    // stopped early still has trials of every scenario.
    for (const s of scenarios) results[s] = [];
    for (let i = 0; i < trials; i++) {
      for (const s of scenarios) {
        git(ws, ['checkout', '-q', s]);
        const t = trial(ws, rounds, timing);
        results[s].push(t);
        const line = IDS.map((id) => {
          const x = t.ids[id];
          return `${id.split('/')[1]} ${x.verdict} by ${x.decidedBy} (counted ${x.counted ? pct(x.counted.change.changePercent) : 'none'}, wall ${x.wall ? pct(x.wall.change.changePercent) : 'none'})`;
        }).join('; ');
        console.log(`  ${s} #${i + 1}: task ${t.failed ? 'FAILED' : 'passed'}; ${line}; ${(t.ms / 1000).toFixed(0)} s; elapsed ${((Date.now() - started) / 60000).toFixed(1)} min`);
      }
    }
  } finally {
    if (hog) process.kill(hog.pid);
    git(ws, ['checkout', '-q', '-f', 'main']);
  }
  console.log('\nrates (trials actually run):');
  for (const s of scenarios) {
    const xs = results[s] ?? [];
    if (!xs.length) continue;
    for (const id of IDS) {
      const c = xs.map((t) => t.ids[id]);
      const counted = c.filter((x) => x.counted);
      const changes = counted.map((x) => x.counted.change.changePercent).sort((a, b) => a - b);
      const kind = s === 'aa' || !SLOWED[id] ? 'false alarms' : 'detections';
      console.log(
        `  ${s} ${id} (${s === 'aa' ? 'same code' : SLOWED[id] ? 'slowed' : 'untouched'}): ${kind}: counted gate ${counted.filter((x) => x.counted.fired).length}/${counted.length}, ` +
          `wall-time gate ${c.filter((x) => x.wall && x.wall.fired).length}/${c.length}, verdict regressed ${c.filter((x) => x.verdict === 'regressed').length}/${c.length}; ` +
          `counted change median ${changes.length ? pct(changes[changes.length >> 1]) : 'n/a'} (min ${changes.length ? pct(changes[0]) : 'n/a'}, max ${changes.length ? pct(changes[changes.length - 1]) : 'n/a'})`,
      );
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
