// A fresh Nx 24 workspace with the example Cargo workspace and the packed rust-perf plugin, reused
// across bench runs (rebuilt when the plugin tarball changes). Shared by bench/pgo and bench/overhead.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const repoRoot = path.resolve(__dirname, '..', '..');
const pluginDir = path.join(repoRoot, 'packages', 'rust-perf');
const NX_VERSION = require(path.join(repoRoot, 'node_modules', 'nx', 'package.json')).version;

function sh(file, args, opts = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 256 << 20, ...opts, env: { ...process.env, ...(opts.env || {}) } });
  if (r.status !== 0 && !opts.allowFailure) throw new Error(`${file} ${args.join(' ')} failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

function timed(file, args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = sh(file, args, opts);
  return { ms: Number(process.hrtime.bigint() - t0) / 1e6, r };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const spread = (xs) => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;

/** Returns { root, cargoTargetDir, env, nx(args, opts) }; `workload` goes into market-data's manifest; `init` runs rust-perf:init. */
function prepareWorkspace(dir, { workload, init = false } = {}) {
  if (!fs.existsSync(path.join(pluginDir, 'dist', 'index.js'))) throw new Error('run `npm run build` first');
  fs.mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(sh('npm', ['pack', '--json', '--pack-destination', dir], { cwd: pluginDir }).stdout)[0].filename;
  const tarball = path.join(dir, 'rust-perf.tgz');
  fs.renameSync(path.join(dir, packed), tarball);
  const root = path.join(dir, 'ws');
  const sha = sh('sha256sum', [tarball]).stdout.split(' ')[0];
  const stamp = path.join(root, '.bench-stamp');
  if (!fs.existsSync(stamp) || fs.readFileSync(stamp, 'utf8') !== sha) {
    fs.rmSync(root, { recursive: true, force: true });
    fs.mkdirSync(root, { recursive: true });
    fs.writeFileSync(path.join(root, 'package.json'), JSON.stringify({ name: 'bench-repo', version: '0.0.0', private: true }, null, 2));
    fs.writeFileSync(path.join(root, 'nx.json'), JSON.stringify({ plugins: ['rust-perf'] }, null, 2));
    sh('cp', ['-a', `${path.join(repoRoot, 'examples', 'trading-desk')}/.`, root]); // path.join would drop the trailing /.
    fs.rmSync(path.join(root, 'rust', 'target'), { recursive: true, force: true });
    // A do-nothing Nx project, for the bare `nx run` start-up cost.
    fs.mkdirSync(path.join(root, 'tools', 'noop'), { recursive: true });
    fs.writeFileSync(path.join(root, 'tools', 'noop', 'project.json'), JSON.stringify({ name: 'noop', targets: { noop: { executor: 'nx:noop' }, 'run-true': { executor: 'nx:run-commands', options: { command: 'true' } } } }, null, 2));
    // A do-nothing custom executor: Nx runs every non-builtin executor in a forked process, which
    // costs the same for any plugin, so this is the fair baseline for rust-perf's own share.
    const local = path.join(root, 'tools', 'local-exec');
    fs.mkdirSync(local, { recursive: true });
    fs.writeFileSync(path.join(local, 'package.json'), JSON.stringify({ name: 'local-exec', version: '0.0.0', executors: './executors.json' }));
    fs.writeFileSync(path.join(local, 'executors.json'), JSON.stringify({ executors: { noop: { implementation: './noop.js', schema: './schema.json', description: 'no-op' } } }));
    fs.writeFileSync(path.join(local, 'schema.json'), JSON.stringify({ version: 2, type: 'object', properties: {} }));
    fs.writeFileSync(path.join(local, 'noop.js'), 'exports.default = async function () { return { success: true }; };\n');
    const noopProject = path.join(root, 'tools', 'noop', 'project.json');
    const pj = JSON.parse(fs.readFileSync(noopProject, 'utf8'));
    pj.targets.custom = { executor: './tools/local-exec:noop' };
    fs.writeFileSync(noopProject, JSON.stringify(pj, null, 2));
    sh('npm', ['install', '--no-audit', '--no-fund', '--save-dev', `nx@${NX_VERSION}`, tarball], { cwd: root });
    fs.writeFileSync(stamp, sha);
  }
  if (workload) {
    const manifest = path.join(root, 'rust', 'market-data', 'Cargo.toml');
    const text = fs.readFileSync(manifest, 'utf8');
    // The example's manifest has `workload = [...]` on one line under [package.metadata.rust-perf].
    const next = /^\[package\.metadata\.rust-perf\]\s*\nworkload = .*$/m.test(text)
      ? text.replace(/^(\[package\.metadata\.rust-perf\]\s*\n)workload = .*$/m, `$1workload = ${workload}`)
      : `${text}\n[package.metadata.rust-perf]\nworkload = ${workload}\n`;
    fs.writeFileSync(manifest, next);
  }
  const cargoTargetDir = path.join(dir, 'cargo-target');
  const nxEnv = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false' };
  // The configuration users get: tuned profiles (build-pgo then uses `production`, fat LTO). Idempotent.
  if (init) sh(path.join(root, 'node_modules', '.bin', 'nx'), ['g', 'rust-perf:init', '--no-interactive'], { cwd: root, env: nxEnv });
  const env = { NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_INTERACTIVE: 'false', CARGO_TARGET_DIR: cargoTargetDir, CARGO_TERM_COLOR: 'never' };
  const nxBin = path.join(root, 'node_modules', '.bin', 'nx');
  return {
    root,
    cargoTargetDir,
    env,
    nx: (args, opts = {}) => timed(nxBin, args, { cwd: root, ...opts, env: { ...env, ...(opts.env || {}) } }),
    cargo: (args, opts = {}) => timed('cargo', args, { cwd: path.join(root, 'rust'), ...opts, env: { ...env, ...(opts.env || {}) } }),
  };
}

module.exports = { prepareWorkspace, sh, timed, median, spread, pluginDir };
