// Runs the benchmark scripts under bench/<name>/run.js (all, or those named on the command line).
// Each prints ratios measured side by side in one run; none asserts absolute times.
const fs = require('node:fs');
const path = require('node:path');

async function main() {
  const wanted = process.argv.slice(2);
  const available = fs
    .readdirSync(__dirname, { withFileTypes: true })
    .filter((d) => d.isDirectory() && fs.existsSync(path.join(__dirname, d.name, 'run.js')))
    .map((d) => d.name)
    .sort();
  const unknown = wanted.filter((w) => !available.includes(w));
  if (unknown.length) {
    console.error(`unknown benchmark(s): ${unknown.join(', ')}; available: ${available.join(', ')}`);
    process.exit(2);
  }
  for (const name of wanted.length ? wanted : available) {
    const started = Date.now();
    console.log(`\n=== bench/${name} ===`);
    const mod = require(path.join(__dirname, name, 'run.js'));
    if (typeof mod.run !== 'function') throw new Error(`bench/${name}/run.js must export run()`);
    await mod.run();
    console.log(`=== bench/${name} done in ${((Date.now() - started) / 1000).toFixed(1)} s ===`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
