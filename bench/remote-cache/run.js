#!/usr/bin/env node
// Nx remote cache across clones (the remote cache): clone A computes `build-pgo` cold with a loopback
// remote-cache server; clone B, at another path with a fresh .nx and its own empty target dir, runs
// the same target and restores profile and binary from the server. Prints B / A as a ratio.
//
//   node bench/remote-cache/run.js [--dir /tmp/rust-perf-bench-remote]
// Needs `npm run build` and `npx tsc -p e2e/rust-perf-e2e/tsconfig.build.json` (npm run demo does both).
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { spawn, spawnSync } = require('node:child_process');
const { prepareWorkspace } = require('../pgo/workspace');

const repoRoot = path.resolve(__dirname, '..', '..');
const serverModule = path.join(repoRoot, 'e2e/rust-perf-e2e/dist/e2e/rust-perf-e2e/src/remote-cache-server.js');

// spawnSync would block this process's event loop, and with it the cache server Nx is talking to.
function nxAsync(ws, args, env) {
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(path.join(ws.root, 'node_modules', '.bin', 'nx'), args, { cwd: ws.root, env: { ...process.env, ...ws.env, ...env } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ms: Number(process.hrtime.bigint() - t0) / 1e6, out }) : reject(new Error(`nx ${args.join(' ')} exited ${code}:\n${out}`))));
  });
}

function arg(name, dflt) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
}

async function run() {
  if (!fs.existsSync(serverModule)) throw new Error('run `npx tsc -p e2e/rust-perf-e2e/tsconfig.build.json` first (it compiles the test cache server)');
  const { startRemoteCache, remoteCacheEnv } = require(serverModule);
  const dir = arg('dir', '/tmp/rust-perf-bench-remote');
  fs.rmSync(dir, { recursive: true, force: true });
  const cache = await startRemoteCache();
  try {
    const clones = ['clone-a', 'clone-b'].map((name) => prepareWorkspace(path.join(dir, name), { init: true }));
    const env = remoteCacheEnv(cache);
    const a = await nxAsync(clones[0], ['run', 'market-data:build-pgo'], env);
    const b = await nxAsync(clones[1], ['run', 'market-data:build-pgo'], env);
    const restored = /for 2 out of 2 tasks/.test(b.out);
    const bin = path.join(clones[1].root, 'dist/rust/market-data/pgo/market-data');
    const ran = spawnSync(bin, ['--synthetic', '100000'], { encoding: 'utf8' });
    console.log(`clone A (cold pipeline, uploads):    ${(a.ms / 1000).toFixed(1)} s`);
    console.log(`clone B (restored from remote cache): ${(b.ms / 1000).toFixed(2)} s   (${restored ? '2 of 2 tasks from cache' : 'NOT restored'}; ${cache.stats.hits} hits, ${cache.stats.puts} uploads)`);
    console.log(`restored PGO binary in clone B runs the workload: ${ran.status === 0 ? 'yes' : `no (${ran.status})`}`);
    console.log(`clone B / clone A = 1/${(a.ms / b.ms).toFixed(0)} (one run each: the cold pipeline cannot be repeated without a new server)`);
  } finally {
    await cache.close();
  }
}

module.exports = { run };
if (require.main === module) run().catch((e) => {
  console.error(e);
  process.exit(1);
});
