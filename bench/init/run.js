#!/usr/bin/env node
// `nx g rust-perf:init` on a generated 200-crate Cargo workspace, timed beside `nx g` of a trivial
// local generator (writes one file) in the same Nx workspace, alternating runs; prints medians,
// min–max and the ratio (target: under 2×). init is measured twice: with defaults (it runs rustc
// to probe the host) and with --skipConfig (TOML and nx.json edits only).
//
//   node bench/init/run.js [--crates 200] [--runs 7] [--dir /tmp/rust-perf-bench-init]
// Needs `npm run build` first (rust-perf is installed from packages/rust-perf).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const repoRoot = path.resolve(__dirname, '..', '..');
const pluginDir = path.join(repoRoot, 'packages', 'rust-perf');
const NX_VERSION = require(path.join(repoRoot, 'node_modules', 'nx', 'package.json')).version;

function loadRun() {
  const file = path.join(pluginDir, 'dist', 'core', 'process', 'run.js');
  if (!fs.existsSync(file)) throw new Error('packages/rust-perf/dist is missing: run `npm run build` first');
  return require(file);
}

async function must(run, file, args, opts) {
  const r = await run(file, args, opts);
  if (r.exitCode !== 0) throw new Error(`${r.command} failed (${r.exitCode}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function writeNoopGenerator(dir) {
  const gen = path.join(dir, 'tools', 'noop');
  fs.mkdirSync(gen, { recursive: true });
  fs.writeFileSync(path.join(gen, 'package.json'), JSON.stringify({ name: 'noop-gen', version: '0.0.0', generators: './generators.json' }, null, 2));
  fs.writeFileSync(path.join(gen, 'generators.json'), JSON.stringify({ generators: { noop: { factory: './generator.js', schema: './schema.json', description: 'writes one file' } } }, null, 2));
  fs.writeFileSync(path.join(gen, 'schema.json'), JSON.stringify({ type: 'object', properties: {} }, null, 2));
  fs.writeFileSync(path.join(gen, 'generator.js'), "module.exports = async function (tree) { tree.write('noop.txt', String(Date.now())); };\n");
}

function generateCargoWorkspace(dir, crates) {
  const rust = path.join(dir, 'rust');
  fs.rmSync(rust, { recursive: true, force: true });
  fs.mkdirSync(rust, { recursive: true });
  fs.writeFileSync(path.join(rust, 'Cargo.toml'), '# generated for bench/init\n[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n\n[workspace.dependencies]\nserde = "1"\n');
  for (let i = 0; i < crates; i++) {
    const name = `crate-${String(i).padStart(3, '0')}`;
    const dep = i > 0 ? `crate-${String(i - 1).padStart(3, '0')} = { path = "../crate-${String(i - 1).padStart(3, '0')}" }\n` : '';
    fs.mkdirSync(path.join(rust, 'crates', name, 'src'), { recursive: true });
    fs.writeFileSync(path.join(rust, 'crates', name, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${dep}`);
    fs.writeFileSync(path.join(rust, 'crates', name, 'src', 'lib.rs'), '');
  }
}

async function prepare(run, dir, crates) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = { name: 'init-bench', private: true, devDependencies: { nx: NX_VERSION, 'rust-perf': `file:${pluginDir}`, 'noop-gen': 'file:./tools/noop' } };
  writeNoopGenerator(dir);
  const pkgFile = path.join(dir, 'package.json');
  const wanted = JSON.stringify(pkg, null, 2);
  if (!fs.existsSync(path.join(dir, 'node_modules', 'nx')) || fs.readFileSync(pkgFile, 'utf8') !== wanted) {
    fs.writeFileSync(pkgFile, wanted);
    console.log(`installing nx ${NX_VERSION} and rust-perf into ${dir} …`);
    await must(run, 'npm', ['install', '--no-audit', '--no-fund'], { cwd: dir, echo: true });
  }
  generateCargoWorkspace(dir, crates);
}

// The state before each run: the plugin registered (as after `nx add`), untouched Cargo.toml.
function reset(dir, manifest) {
  fs.writeFileSync(path.join(dir, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins: ['rust-perf'] }, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, 'rust', 'Cargo.toml'), manifest);
  fs.rmSync(path.join(dir, 'rust', '.cargo'), { recursive: true, force: true });
  fs.rmSync(path.join(dir, 'noop.txt'), { force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

async function runInitBench({ crates = 200, runs = 7, dir = path.join(os.tmpdir(), 'rust-perf-bench-init') } = {}) {
  const { run } = loadRun();
  await prepare(run, dir, crates);
  const manifest = fs.readFileSync(path.join(dir, 'rust', 'Cargo.toml'), 'utf8');
  const nx = path.join(dir, 'node_modules', '.bin', 'nx');
  const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false' };
  const variants = {
    'nx g noop-gen:noop (trivial)': ['g', 'noop-gen:noop', '--no-interactive'],
    'nx g rust-perf:init': ['g', 'rust-perf:init', '--no-interactive'],
    'nx g rust-perf:init --skipConfig': ['g', 'rust-perf:init', '--no-interactive', '--skipConfig'],
  };
  const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  // One warm-up of each (module loading, graph cache), then alternate so drift hits all equally.
  for (let i = -1; i < runs; i++) {
    for (const [label, args] of Object.entries(variants)) {
      reset(dir, manifest);
      const r = await must(run, nx, args, { cwd: dir, env });
      if (label.includes('init') && !fs.readFileSync(path.join(dir, 'rust', 'Cargo.toml'), 'utf8').includes('[profile.production]')) throw new Error(`init did not write profiles:\n${r.stdout}`);
      if (i >= 0) times[label].push(r.durationMs / 1000);
    }
  }
  reset(dir, manifest);
  console.log(`\nrust-perf:init on a ${crates}-crate Cargo workspace, nx ${NX_VERSION}, NX_DAEMON=false, median of ${runs} runs (min–max)\n`);
  const base = median(times['nx g noop-gen:noop (trivial)']);
  const result = { crates, runs, nxVersion: NX_VERSION, variants: {} };
  for (const [label, xs] of Object.entries(times)) {
    const m = median(xs);
    result.variants[label] = { median: m, min: Math.min(...xs), max: Math.max(...xs), ratio: m / base };
    console.log(`${label.padEnd(36)} ${m.toFixed(2)} s (${spread(xs)})   ${(m / base).toFixed(2)}× the trivial generator`);
  }
  const ratio = result.variants['nx g rust-perf:init'].ratio;
  console.log(`\ntarget: init under 2× a trivial generator → ${ratio.toFixed(2)}× ${ratio < 2 ? 'met' : 'NOT met'}`);
  return result;
}

module.exports = { run: () => runInitBench(), runInitBench };

if (require.main === module) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  runInitBench({ crates: Number(arg('crates', 200)), runs: Number(arg('runs', 7)), dir: arg('dir', undefined) }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
