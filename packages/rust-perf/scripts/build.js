// Compiles src/ to dist/ and copies every schema.json beside its compiled implementation,
// so generators.json/executors.json can point into dist/ only.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const pkg = path.resolve(__dirname, '..');
const dist = path.join(pkg, 'dist');
fs.rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(pkg, 'tsconfig.lib.json')], {
  stdio: 'inherit',
});
function copyAssets(dir) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const from = path.join(dir, entry.name);
    // Test fixtures stay out of the published package.
    if (entry.isDirectory()) {
      if (entry.name !== '__fixtures__') copyAssets(from);
    } else if (entry.name.endsWith('.json') || entry.name.endsWith('.template')) {
      const to = path.join(dist, path.relative(path.join(pkg, 'src'), from));
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.copyFileSync(from, to);
    }
  }
}
copyAssets(path.join(pkg, 'src'));
fs.copyFileSync(path.join(pkg, '..', '..', 'README.md'), path.join(pkg, 'README.md'));
// README links its pages as docs/<page>.md: ship them beside it so the links resolve in the package too.
fs.rmSync(path.join(pkg, 'docs'), { recursive: true, force: true });
fs.cpSync(path.join(pkg, '..', '..', 'docs'), path.join(pkg, 'docs'), { recursive: true });

// Each executor entry becomes one file: Nx forks a process per task, and resolving ~100 small
// modules there cost ~15 ms of the build-release executor's ~35 ms load (bench/overhead).
// @nx/devkit stays external (the workspace's own copy), and hdr-histogram-js (a runtime dependency, its wasm build is large); the unbundled modules stay for the plugin and generators.
const esbuild = require('esbuild');
const executors = require(path.join(pkg, 'executors.json')).executors;
for (const { implementation } of Object.values(executors)) {
  const entry = path.join(pkg, `${implementation}.js`);
  esbuild.buildSync({
    entryPoints: [entry],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: ['@nx/devkit', 'nx', 'hdr-histogram-js'],
    sourcemap: false,
    logLevel: 'warning',
  });
  fs.rmSync(`${entry}.map`, { force: true });
}
