#!/usr/bin/env node
// Inference overhead on a generated 1000-crate Cargo workspace (random path-dependency DAG, 3 deps
// per crate): wall time of `nx show projects` without a plugin, with rust-perf and with
// @monodon/rust 3.0.0, cold (no daemon, workspace data removed), warm, and warm with the Nx daemon. Also times the two ways
// of learning the workspace layout: parsing the manifests (what rust-perf does) vs `cargo metadata`.
//
//   node bench/inference/run.js [--crates 1000] [--runs 5] [--dir /tmp/rust-perf-bench-inference]
// Needs `npm run build` first (rust-perf is installed from packages/rust-perf).
'use strict';
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const repoRoot = path.resolve(__dirname, '..', '..');
const pluginDir = path.join(repoRoot, 'packages', 'rust-perf');
const NX_VERSION = require(path.join(repoRoot, 'node_modules', 'nx', 'package.json')).version;
const MONODON = '@monodon/rust@3.0.0';

// Deterministic PRNG so every run benchmarks the same graph.
function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// benchesPerCrate: that many benches/b<i>.rs per crate (auto-discovered bench targets), for bench/shards.
function generateWorkspace(dir, crates, benchesPerCrate = 0) {
  const marker = path.join(dir, 'crates', `.generated-${crates}${benchesPerCrate ? `-${benchesPerCrate}-benches` : ''}`);
  if (fs.existsSync(marker)) return;
  fs.rmSync(path.join(dir, 'crates'), { recursive: true, force: true });
  const rand = mulberry32(42);
  // The Cargo workspace sits at the Nx root: @monodon/rust runs `cargo metadata` there.
  fs.writeFileSync(path.join(dir, 'Cargo.toml'), '[workspace]\nmembers = ["crates/*"]\nresolver = "2"\n');
  for (let i = 0; i < crates; i++) {
    const name = `crate-${String(i).padStart(4, '0')}`;
    const deps = new Set();
    while (i > 0 && deps.size < Math.min(3, i)) deps.add(Math.floor(rand() * i));
    const depLines = [...deps].map((d) => `crate-${String(d).padStart(4, '0')} = { path = "../crate-${String(d).padStart(4, '0')}" }`);
    const crateDir = path.join(dir, 'crates', name);
    fs.mkdirSync(path.join(crateDir, 'src'), { recursive: true });
    fs.writeFileSync(path.join(crateDir, 'Cargo.toml'), `[package]\nname = "${name}"\nversion = "0.1.0"\nedition = "2021"\n\n[dependencies]\n${depLines.join('\n')}\n`);
    fs.writeFileSync(path.join(crateDir, 'src', 'lib.rs'), '');
    if (benchesPerCrate) fs.mkdirSync(path.join(crateDir, 'benches'), { recursive: true });
    for (let b = 0; b < benchesPerCrate; b++) fs.writeFileSync(path.join(crateDir, 'benches', `b${b}.rs`), 'fn main() {}\n');
  }
  fs.writeFileSync(marker, '');
}

function sh(file, args, opts = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts });
  if (r.status !== 0 && !opts.allowFailure) throw new Error(`${file} ${args.join(' ')} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function prepare(dir, crates, benchesPerCrate = 0) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = {
    name: 'inference-bench',
    private: true,
    devDependencies: { nx: NX_VERSION, '@monodon/rust': '3.0.0', 'rust-perf': `file:${pluginDir}` },
  };
  const pkgFile = path.join(dir, 'package.json');
  const wanted = JSON.stringify(pkg, null, 2);
  if (!fs.existsSync(path.join(dir, 'node_modules', 'nx')) || fs.readFileSync(pkgFile, 'utf8') !== wanted) {
    fs.writeFileSync(pkgFile, wanted);
    console.log(`installing nx ${NX_VERSION}, ${MONODON} and rust-perf into ${dir} …`);
    // @monodon/rust 3.0.0 pins @nx/devkit ^22 and peers on @napi-rs/cli: not needed to infer projects.
    sh('npm', ['install', '--no-audit', '--no-fund', '--legacy-peer-deps'], { cwd: dir, stdio: 'inherit' });
  }
  fs.writeFileSync(path.join(dir, '.gitignore'), 'node_modules\ntarget\n.nx\n.show-projects.out\n');
  generateWorkspace(dir, crates, benchesPerCrate);
}

function setPlugins(dir, plugins) {
  fs.writeFileSync(path.join(dir, 'nx.json'), JSON.stringify({ $schema: './node_modules/nx/schemas/nx-schema.json', plugins }, null, 2));
  fs.rmSync(path.join(dir, '.nx'), { recursive: true, force: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const spread = (xs) => `${Math.min(...xs).toFixed(2)}–${Math.max(...xs).toFixed(2)}`;

function nxEnv(daemon) {
  const env = { ...process.env, NX_DAEMON: daemon ? 'true' : 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false' };
  delete env.NX_WORKSPACE_DATA_DIRECTORY;
  return env;
}

function timeShowProjects(dir, cold, daemon = false) {
  if (cold) fs.rmSync(path.join(dir, '.nx', 'workspace-data'), { recursive: true, force: true });
  const env = nxEnv(daemon);
  delete env.NX_WORKSPACE_DATA_DIRECTORY;
  // Nx exits before a piped stdout drains: write it to a file to count every project.
  const outFile = path.join(dir, '.show-projects.out');
  const fd = fs.openSync(outFile, 'w');
  const t0 = process.hrtime.bigint();
  const r = sh(process.execPath, [path.join(dir, 'node_modules', 'nx', 'dist', 'bin', 'nx.js'), 'show', 'projects'], { cwd: dir, env, allowFailure: true, stdio: ['ignore', fd, 'pipe'] });
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  fs.closeSync(fd);
  const projects = fs.readFileSync(outFile, 'utf8').split('\n').filter(Boolean).length;
  return { seconds, projects, ok: r.status === 0, stderr: r.stderr };
}

function measureVariant(dir, label, plugins, runs) {
  setPlugins(dir, plugins);
  const first = timeShowProjects(dir, true);
  if (!first.ok) return { label, error: first.stderr.trim().split('\n').slice(-5).join('\n') };
  const cold = [];
  for (let i = 0; i < runs; i++) cold.push(timeShowProjects(dir, true).seconds);
  timeShowProjects(dir, false);
  const warm = [];
  for (let i = 0; i < runs; i++) warm.push(timeShowProjects(dir, false).seconds);
  // With the Nx daemon (Nx's default outside CI), after it has computed the graph once.
  const nxJs = path.join(dir, 'node_modules', 'nx', 'dist', 'bin', 'nx.js');
  sh(process.execPath, [nxJs, 'daemon', '--start'], { cwd: dir, env: nxEnv(true) });
  const daemon = [];
  try {
    timeShowProjects(dir, false, true);
    for (let i = 0; i < runs; i++) daemon.push(timeShowProjects(dir, false, true).seconds);
  } finally {
    sh(process.execPath, [nxJs, 'daemon', '--stop'], { cwd: dir, env: nxEnv(true), allowFailure: true });
  }
  return { label, projects: first.projects, cold, warm, daemon };
}

// In-process: how long reading + parsing every manifest and resolving the workspace takes, vs
// spawning `cargo metadata --no-deps` (what @monodon/rust does on every graph computation).
function layoutTimes(dir, runs) {
  const { parseManifest } = require(path.join(pluginDir, 'dist', 'core', 'cargo', 'manifest.js'));
  const { resolveCargoLayout, localDependencies } = require(path.join(pluginDir, 'dist', 'core', 'cargo', 'workspace.js'));
  const files = ['Cargo.toml', ...fs.readdirSync(path.join(dir, 'crates')).filter((d) => !d.startsWith('.')).map((d) => `crates/${d}/Cargo.toml`)];
  const parse = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    const layout = resolveCargoLayout(files.map((f) => parseManifest(fs.readFileSync(path.join(dir, f), 'utf8'), f)));
    localDependencies(layout);
    parse.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  const metadata = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    sh('cargo', ['metadata', '--no-deps', '--format-version', '1', '--offline'], { cwd: dir });
    metadata.push(Number(process.hrtime.bigint() - t0) / 1e9);
  }
  return { parse, metadata };
}

// Nx's own cost of 1000 projects with these targets: a plugin that returns rust-perf's results,
// precomputed, without reading a single Cargo.toml. rust-perf minus this is rust-perf's own share.
// With `bare`, each project keeps only its name: what Nx itself spends on 1000 projects with no targets.
async function writeStaticPlugin(dir, { bare = false } = {}) {
  const { createNodesForManifests } = require(path.join(pluginDir, 'dist', 'plugins', 'nodes.js'));
  const { parseManifest } = require(path.join(pluginDir, 'dist', 'core', 'cargo', 'manifest.js'));
  const { resolveCargoLayout, localDependencies } = require(path.join(pluginDir, 'dist', 'core', 'cargo', 'workspace.js'));
  const files = ['Cargo.toml', ...fs.readdirSync(path.join(dir, 'crates')).filter((d) => !d.startsWith('.')).map((d) => `crates/${d}/Cargo.toml`)];
  let nodes = await createNodesForManifests(files, undefined, { workspaceRoot: dir, nxJsonConfiguration: {}, configFiles: files });
  if (bare) nodes = nodes.map(([file, r]) => [file, { projects: Object.fromEntries(Object.entries(r.projects).map(([root, p]) => [root, { name: p.name }])) }]);
  const layout = resolveCargoLayout(files.map((f) => parseManifest(fs.readFileSync(path.join(dir, f), 'utf8'), f)));
  const nameOf = new Map(layout.packages.map((p) => [p.root, p.manifest.package.name]));
  const edges = localDependencies(layout).map((d) => ({ source: nameOf.get(d.from.root), target: nameOf.get(d.to.root), sourceFile: d.from.file, type: 'static' }));
  const pluginDir2 = path.join(dir, 'tools', bare ? 'bare-projects' : 'static-projects');
  fs.mkdirSync(pluginDir2, { recursive: true });
  fs.writeFileSync(path.join(pluginDir2, 'data.json'), JSON.stringify({ nodes, edges }));
  fs.writeFileSync(path.join(pluginDir2, 'package.json'), JSON.stringify({ name: path.basename(pluginDir2), version: '0.0.0', main: 'index.js' }));
  fs.writeFileSync(
    path.join(pluginDir2, 'index.js'),
    "const { nodes, edges } = require('./data.json');\n" +
      "const byFile = new Map(nodes);\n" +
      "exports.createNodes = ['**/Cargo.toml', (files) => files.filter((f) => byFile.has(f)).map((f) => [f, byFile.get(f)])];\n" +
      'exports.createDependencies = () => edges;\n',
  );
  return `./tools/${path.basename(pluginDir2)}`;
}

async function runInferenceBench({ crates = 1000, runs = 5, dir = path.join(os.tmpdir(), 'rust-perf-bench-inference') } = {}) {
  if (!fs.existsSync(path.join(pluginDir, 'dist', 'index.js'))) throw new Error('packages/rust-perf/dist is missing: run `npm run build` first');
  prepare(dir, crates);
  console.log(`\nInference overhead: ${crates} crates, 3 path deps each, nx ${NX_VERSION}, NX_DAEMON=false, median of ${runs} runs (min–max)\n`);

  const layout = layoutTimes(dir, runs);
  const staticPlugin = await writeStaticPlugin(dir);
  const barePlugin = await writeStaticPlugin(dir, { bare: true });
  const variants = [
    measureVariant(dir, 'nx (no plugin)', [], runs),
    measureVariant(dir, 'rust-perf', ['rust-perf'], runs),
    measureVariant(dir, MONODON, ['@monodon/rust'], runs),
    measureVariant(dir, 'precomputed (same targets)', [staticPlugin], runs),
    measureVariant(dir, '1000 bare projects', [barePlugin], runs),
  ];
  const bare = variants[0];
  const rows = [];
  for (const v of variants) {
    if (v.error) {
      rows.push(`${v.label.padEnd(28)} failed: ${v.error}`);
      continue;
    }
    const c = median(v.cold);
    const w = median(v.warm);
    const d = median(v.daemon);
    const extra = v === bare ? '' : `   extra cold ${(c - median(bare.cold)).toFixed(2)} s, warm ${(w - median(bare.warm)).toFixed(2)} s, daemon ${(d - median(bare.daemon)).toFixed(2)} s`;
    rows.push(`${v.label.padEnd(28)} ${String(v.projects).padStart(5)} projects   cold ${c.toFixed(2)} s (${spread(v.cold)})   warm ${w.toFixed(2)} s (${spread(v.warm)})   daemon ${d.toFixed(2)} s (${spread(v.daemon)})${extra}`);
  }
  console.log(rows.join('\n'));
  const ours = variants[1];
  const monodon = variants[2];
  if (!ours.error && !monodon.error) {
    const ratio = (a, b) => ((median(a) - median(bare.cold)) > 0 ? ((median(b) - median(bare.cold)) / (median(a) - median(bare.cold))).toFixed(1) : 'n/a');
    console.log(`\n@monodon/rust extra time / rust-perf extra time: cold ${ratio(ours.cold, monodon.cold)}×`);
  }
  console.log(
    `\nWorkspace layout: parse ${crates + 1} manifests in-process ${median(layout.parse).toFixed(3)} s (${spread(layout.parse)}), ` +
      `cargo metadata --no-deps ${median(layout.metadata).toFixed(3)} s (${spread(layout.metadata)})`,
  );
  const result = {
    crates,
    runs,
    nxVersion: NX_VERSION,
    variants: variants.map((v) => (v.error ? v : { ...v, coldMedian: median(v.cold), warmMedian: median(v.warm), daemonMedian: median(v.daemon) })),
    layout: { parseMedian: median(layout.parse), metadataMedian: median(layout.metadata), ...layout },
  };
  if (!ours.error && !bare.error) {
    result.extraCold = median(ours.cold) - median(bare.cold);
    result.extraWarm = median(ours.warm) - median(bare.warm);
    console.log(`targets: extra cold < 0.30 s → ${result.extraCold.toFixed(2)} s ${result.extraCold < 0.3 ? 'met' : 'NOT met'}; extra warm < 0.05 s → ${result.extraWarm.toFixed(2)} s ${result.extraWarm < 0.05 ? 'met' : 'NOT met'}`);
  }
  const floor = variants[3];
  if (!ours.error && !floor.error) {
    result.ownCold = median(ours.cold) - median(floor.cold);
    result.ownWarm = median(ours.warm) - median(floor.warm);
    // The precomputed plugin still pays for loading its JSON and handing 1000 projects to Nx, so this is
    // an upper bound of what inference itself adds on top of "Nx with these 1000 projects".
    console.log(
      `rust-perf minus the same projects precomputed: cold ${result.ownCold >= 0 ? '+' : ''}${result.ownCold.toFixed(2)} s, warm ${result.ownWarm >= 0 ? '+' : ''}${result.ownWarm.toFixed(2)} s ` +
        '(≤ 0 means reading the Cargo workspace costs no more than handing Nx the finished projects)',
    );
  }
  const bareProjects = variants[4];
  if (!bareProjects.error && !bare.error) {
    result.nxFloorCold = median(bareProjects.cold) - median(bare.cold);
    result.nxFloorWarm = median(bareProjects.warm) - median(bare.warm);
    console.log(
      `Nx alone, 1000 projects with no targets over no projects: cold +${result.nxFloorCold.toFixed(2)} s, warm +${result.nxFloorWarm.toFixed(2)} s ` +
        '(the part of the extra time no plugin can remove: a worker per plugin, merging, the graph and its cache files)',
    );
  }
  return result;
}

module.exports = { run: () => runInferenceBench(), runInferenceBench, prepare, setPlugins, timeShowProjects, median, spread, sh };

if (require.main === module) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  runInferenceBench({ crates: Number(arg('crates', 1000)), runs: Number(arg('runs', 5)), dir: arg('dir', undefined) }).catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
