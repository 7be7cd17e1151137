// The demo: the example trading workspace in a fresh Nx workspace, through init, build-release,
// build-pgo, bench and the measured perf-report. Every number it prints is measured.
// `npm run demo` reports release against PGO (the binaries the earlier phases built, so the report only
// runs them); `npm run demo:full` (or `node scripts/demo.js --full`) measures the whole configuration
// matrix with counted work under valgrind, which builds every other configuration from scratch.
const fs = require('node:fs');
const path = require('node:path');

const repo = path.resolve(__dirname, '..');
// Stream nx's and cargo's own progress as the demo goes.
process.env.E2E_VERBOSE = process.env.E2E_VERBOSE ?? '1';
const { createWorkspace } = require(path.join(repo, 'e2e/rust-perf-e2e/dist/e2e/rust-perf-e2e/src/harness.js'));

const full = process.argv.includes('--full') || process.env.DEMO_FULL === '1';
const started = Date.now();
const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const phases = [];

// CPU seconds of this process and of every child it has waited for (nx, cargo, rustc, the workload):
// on a shared machine wall time grows with the load, the CPU a phase needs does not. Linux only; the
// /proc/<pid>/stat clock ticks are USER_HZ, 100 per second on Linux by ABI.
function cpuMs() {
  try {
    const fields = fs.readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    // utime, stime, cutime, cstime are fields 14-17 of stat(5); fields[0] is field 3.
    return fields.slice(11, 15).reduce((sum, ticks) => sum + Number(ticks), 0) * 10;
  } catch {
    return null;
  }
}

async function phase(what, body) {
  const n = phases.length + 1;
  console.log(`\n▸ [demo ${n}/${total}] ${what} (at ${seconds(Date.now() - started)})`);
  const t0 = Date.now();
  const cpu0 = cpuMs();
  const result = await body();
  const cpu = cpu0 === null ? null : cpuMs() - cpu0;
  phases.push({ what: what.split(' (')[0], ms: Date.now() - t0, cpu });
  console.log(`  phase ${n} took ${seconds(Date.now() - t0)}${cpu === null ? '' : ` (${seconds(cpu)} of CPU)`}`);
  return result;
}
const total = 6;

async function main() {
  const runs = Number(process.env.DEMO_RUNS ?? 5);
  const ws = await phase('fresh Nx workspace with the packed plugin and the example under rust/', async () => {
    const created = await createWorkspace({ sharedTarget: false, name: 'trading-desk' });
    console.log(`  workspace: ${created.root}`);
    return created;
  });
  const nx = (args) => ws.nx(args);

  // --deps: the example is a low-latency trading system, so it takes the low-latency dependency set
  // (tokio, crossbeam, simd-json, …). Without it init writes profiles, config and nx.json only, which is
  // what any other repository wants; crate-deps --preset adds just what one crate needs.
  await phase('nx g rust-perf:init --deps (profiles, portable .cargo/config.toml, and the low-latency dependency set because this is a trading system) and rust-perf:allocator (jemalloc)', async () => {
    await nx(['g', 'rust-perf:init', '--deps', '--no-interactive']);
    await nx(['g', 'rust-perf:allocator', '--project=market-data', '--no-interactive']);
    await ws.exec('git', ['diff', '--stat']).then((r) => process.stdout.write(r.stdout));
  });

  await phase('nx run market-data:build-release', () => nx(['run', 'market-data:build-release']));
  await phase('nx run market-data:build-pgo (instrument → workload → merge → optimize)', () => nx(['run', 'market-data:build-pgo']));
  await phase('nx run market-data:bench (criterion, short measurement for the demo)', () => nx(['run', 'market-data:bench', '--measurementTime=2', '--warmUpTime=1']));

  if (full) {
    await phase(`nx run market-data:perf-report --runs=${runs} (the full matrix: dev, release with jemalloc and with the system allocator, native, fat LTO, PGO, PGO+native, each also counted under valgrind)`, () =>
      nx(['run', 'market-data:perf-report', `--runs=${runs}`]));
  } else {
    // release and pgo are the binaries phases 3 and 4 built: Nx replays those targets from its cache and
    // the report only times them. The full matrix is `npm run demo:full`.
    await phase(`nx run market-data:perf-report --configurations=release,pgo --runs=${runs} --count=false (release against PGO; the full matrix is npm run demo:full)`, () =>
      nx(['run', 'market-data:perf-report', '--configurations=release,pgo', `--runs=${runs}`, '--count=false']));
  }

  const cpuTotal = phases.every((p) => p.cpu !== null) ? phases.reduce((sum, p) => sum + p.cpu, 0) : null;
  console.log(`\nDone in ${seconds(Date.now() - started)}${cpuTotal === null ? '' : ` (${seconds(cpuTotal)} of CPU)`}, ${full ? 'full matrix' : 'short report'}. Phases (wall, CPU):`);
  phases.forEach((p, i) => console.log(`  ${i + 1}. ${seconds(p.ms).padStart(9)} ${p.cpu === null ? '' : seconds(p.cpu).padStart(9)}  ${p.what}`));
  console.log('Outputs:');
  for (const rel of ['dist/rust/market-data/release', 'dist/pgo/market-data', 'dist/rust/market-data/pgo', 'dist/bench/market-data', 'dist/perf-report/market-data']) {
    console.log(`  ${path.join(ws.root, rel)}`);
  }
}

main().catch((e) => {
  console.error(`\ndemo failed after ${seconds(Date.now() - started)}: ${e.message}`);
  process.exit(1);
});
